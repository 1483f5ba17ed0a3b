package io.microllm.backend.cpu;

import io.microllm.spi.TensorType;

/**
 * What the native kernels' activation quantizers (src/main/c) make of x, written out again in Java so that the
 * tests can hold the native mat-vecs to the same tight bound as the Java ones.
 */
final class ActivationRounding {
    private ActivationRounding() {}

    /** x after {@code mllm_quantize_q8_32} (blocks of 32) or, for the k-quants, {@code mllm_quantize_q8_256}. */
    static float[] int8(TensorType type, float[] x) {
        float[] out = new float[x.length];
        int block = type.blockSize();
        for (int b = 0; b < x.length; b += block) {
            float amax = 0;
            for (int i = b; i < b + block; i++) amax = Math.max(amax, Math.abs(x[i]));
            // Blocks of 32 keep d = max/127 and multiply by 1/d; blocks of 256 keep the multiplier 127/max, d = 1/that.
            float d, id;
            if (block == 32) {
                d = amax / 127;
                id = d != 0 ? 1 / d : 0;
            } else {
                id = amax != 0 ? 127 / amax : 0;
                d = id != 0 ? 1 / id : 0;
            }
            for (int i = b; i < b + block; i++) out[i] = d * (float) Math.rint(x[i] * id); // to nearest even, as _mm256_round_ps
        }
        return out;
    }
}
