package io.microllm.bench.synth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * Synthetic models written once and kept under the user's cache directory ({@code $XDG_CACHE_HOME} or
 * {@code ~/.cache} on Linux, {@code ~/Library/Caches} on macOS, {@code %LOCALAPPDATA%} on Windows, each with a
 * {@code microllm/synthetic} folder; the system property {@code microllm.cache.dir} overrides the base).
 * File names carry shape, type, seed and generator version, so a stale file is never reused.
 */
public final class SyntheticModelCache {
    private final Path dir;

    public SyntheticModelCache(Path dir) { this.dir = dir; }

    public static SyntheticModelCache standard() { return new SyntheticModelCache(userCacheDir().resolve("microllm").resolve("synthetic")); }

    public Path dir() { return dir; }

    /** Where {@code model} is (or will be) cached. */
    public Path path(SyntheticModel model) { return dir.resolve(model.fileName()); }

    public boolean contains(SyntheticModel model) { return Files.isRegularFile(path(model)); }

    /** The cached file, written first if absent; {@code progress} gets tensor bytes written (nothing if cached). */
    public Path obtain(SyntheticModel model, LongConsumer progress) throws IOException {
        Path file = path(model);
        if (!Files.isRegularFile(file)) {
            Files.createDirectories(dir);
            model.write(file, progress); // written to a .partial sibling and moved: never seen half-written
        }
        return file;
    }

    static Path userCacheDir() {
        String override = System.getProperty("microllm.cache.dir");
        if (override != null && !override.isBlank()) return Path.of(override);
        String home = System.getProperty("user.home");
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("win")) {
            String local = System.getenv("LOCALAPPDATA");
            return local != null && !local.isBlank() ? Path.of(local) : Path.of(home, "AppData", "Local");
        }
        if (os.contains("mac")) return Path.of(home, "Library", "Caches");
        String xdg = System.getenv("XDG_CACHE_HOME");
        return xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(home, ".cache");
    }
}
