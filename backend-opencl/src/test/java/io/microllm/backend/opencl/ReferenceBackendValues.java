package io.microllm.backend.opencl;

import io.microllm.kernels.reference.ReferenceOps;
import io.microllm.spi.TensorType;

/** Test inputs that are exactly representable in a type. */
final class ReferenceBackendValues {
    private ReferenceBackendValues() {}

    static float[] roundTo(TensorType type, float[] v) {
        float[] out = new float[v.length];
        ReferenceOps.convert(v, type, out);
        return out;
    }
}
