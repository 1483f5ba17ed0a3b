package io.microllm.conformance;

/** What happened to one case on one backend. */
public enum Outcome {
    /** The backend's output matched the reference within the op class's bound, guards and inputs untouched. */
    PASS,
    /** Wrong output, NaN, mismatched infinity, a write outside dst, a changed input, or bad input accepted. */
    FAIL,
    /** The backend declined the op through {@code supports()}; the reason is its own. */
    UNSUPPORTED,
    /** Not run here: the device is absent or too small; the reason says which. */
    SKIPPED
}
