package io.microllm.runtime.gguf;

import java.io.IOException;
import java.nio.file.Path;

/** A GGUF file that is malformed or unsupported; names the problem and the byte offset where it was found. */
public final class GgufFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path path; // Path is not serializable; the message still names the file
    private final long offset;

    public GgufFormatException(Path path, long offset, String problem) {
        super(problem + " (at byte offset " + offset + " of " + path + ")");
        this.path = path;
        this.offset = offset;
    }

    /** The file that failed to load. */
    public Path path() { return path; }

    /** Byte offset, from the start of the file, of the field that is wrong. */
    public long offset() { return offset; }
}
