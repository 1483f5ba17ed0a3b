package io.microllm.backend.opencl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Compiled program binaries on disk, one file per SHA-256 of (source, build options, device name, device and driver
 * version), so an edited kernel, a new flag or a driver update all miss and rebuild. Files are written to a temporary
 * name and moved into place, so a crash or a concurrent process never leaves a half-written binary under a valid
 * name. A cache that cannot be read or written only costs compile time: errors are swallowed, never fatal.
 */
final class ProgramCache {
    private final Path dir;

    /** {@code dir} null disables the cache. */
    ProgramCache(Path dir) { this.dir = dir; }

    /** The default: $XDG_CACHE_HOME/microllm/opencl or ~/.cache/microllm/opencl. */
    static Path defaultDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("microllm").resolve("opencl");
    }

    Path dir() { return dir; }

    static String key(String source, String options, ClDevice device) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {source, options, device.name(), device.deviceVersionString(), device.driverVersion(),
                    device.platformName()}) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** The cached binary, or null. */
    byte[] load(String key) {
        if (dir == null) return null;
        try {
            Path file = dir.resolve(key + ".bin");
            return Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
        } catch (IOException e) {
            return null;
        }
    }

    void store(String key, byte[] binary) {
        if (dir == null || binary.length == 0) return;
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, key, ".tmp");
            Files.write(tmp, binary);
            Path file = dir.resolve(key + ".bin");
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            // Not fatal: the next start compiles again.
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    /** Drops a binary the driver refused (corrupt or from an incompatible build). */
    void evict(String key) {
        if (dir == null) return;
        try {
            Files.deleteIfExists(dir.resolve(key + ".bin"));
        } catch (IOException ignored) {
            // the next store overwrites it
        }
    }
}
