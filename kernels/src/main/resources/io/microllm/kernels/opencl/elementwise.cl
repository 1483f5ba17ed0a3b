// Elementwise F32 ops: one element per work-item, global size n rounded up to the local size. Each work-item reads
// its inputs before writing, so dst may be one of the inputs (in place).

inline float silu(float v) { return v / (1.0f + exp(-v)); }

kernel void silu_f32(global const float* x, ulong xOff, global float* dst, ulong dstOff, ulong n) {
    ulong i = get_global_id(0);
    if (i < n) dst[dstOff + i] = silu(x[xOff + i]);
}

kernel void swiglu_f32(global const float* gate, ulong gateOff, global const float* up, ulong upOff,
                       global float* dst, ulong dstOff, ulong n) {
    ulong i = get_global_id(0);
    if (i < n) dst[dstOff + i] = silu(gate[gateOff + i]) * up[upOff + i];
}

kernel void scale_f32(global const float* x, ulong xOff, float factor, global float* dst, ulong dstOff, ulong n) {
    ulong i = get_global_id(0);
    if (i < n) dst[dstOff + i] = x[xOff + i] * factor;
}

// b is either a (same shape) or one row of cols elements broadcast over a's rows (bIsRow != 0).
kernel void add_f32(global const float* a, ulong aOff, global const float* b, ulong bOff, int bIsRow, uint cols,
                    global float* dst, ulong dstOff, ulong n) {
    ulong i = get_global_id(0);
    if (i < n) dst[dstOff + i] = a[aOff + i] + b[bOff + (bIsRow ? i % cols : i)];
}

kernel void mul_f32(global const float* a, ulong aOff, global const float* b, ulong bOff, int bIsRow, uint cols,
                    global float* dst, ulong dstOff, ulong n) {
    ulong i = get_global_id(0);
    if (i < n) dst[dstOff + i] = a[aOff + i] * b[bOff + (bIsRow ? i % cols : i)];
}
