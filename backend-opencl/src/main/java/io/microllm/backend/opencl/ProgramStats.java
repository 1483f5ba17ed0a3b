package io.microllm.backend.opencl;

import java.time.Duration;

/**
 * Program build time of an OpenCL backend, kept apart from run time: programs compiled from source, and programs
 * loaded from the on-disk binary cache, since the backend opened.
 */
public record ProgramStats(int compiled, Duration compileTime, int loadedFromCache, Duration loadTime) {
    @Override
    public String toString() {
        return compiled + " program(s) compiled in " + compileTime.toMillis() + " ms, " + loadedFromCache
                + " loaded from the cache in " + loadTime.toMillis() + " ms";
    }
}
