// RmsNorm per row: dst = x / sqrt(mean(x²) + eps) · weight (weight optional: hasWeight = 0).
// dst may be x (in place): a row is fully read before it is written.

#ifdef ROW_KERNELS

// CPU shape: one row per work-item; global size rows rounded up to the local size.
kernel void rms_norm_rows(global const float* x, ulong xOff, global const float* weight, ulong weightOff, int hasWeight,
                          float eps, uint rows, uint cols, global float* dst, ulong dstOff) {
    uint r = get_global_id(0);
    if (r >= rows) return;
    const global float* xr = x + xOff + (ulong) r * cols;
    global float* out = dst + dstOff + (ulong) r * cols;
    const global float* wr = weight + weightOff;
    float16 acc = 0.0f;
    uint k = 0;
    for (; k + 16 <= cols; k += 16) {
        float16 v = vload16(0, xr + k);
        acc = fma(v, v, acc);
    }
    float ss = hsum16(acc);
    for (; k < cols; k++) ss = fma(xr[k], xr[k], ss);
    float inv = 1.0f / sqrt(ss / cols + eps);
    k = 0;
    for (; k + 16 <= cols; k += 16) {
        float16 v = vload16(0, xr + k) * inv;
        vstore16(hasWeight ? v * vload16(0, wr + k) : v, 0, out + k);
    }
    for (; k < cols; k++) out[k] = hasWeight ? xr[k] * inv * wr[k] : xr[k] * inv;
}

#else

// GPU shape: one row per work-group; global size rows * WG.
kernel void rms_norm_wg(global const float* x, ulong xOff, global const float* weight, ulong weightOff, int hasWeight,
                        float eps, uint rows, uint cols, global float* dst, ulong dstOff) {
    local float red[WG];
    uint r = get_group_id(0);
    uint lid = get_local_id(0);
    const global float* xr = x + xOff + (ulong) r * cols;
    global float* out = dst + dstOff + (ulong) r * cols;
    float ss = 0.0f;
    for (uint k = lid; k < cols; k += WG) ss = fma(xr[k], xr[k], ss);
    float inv = 1.0f / sqrt(wg_sum(ss, red) / cols + eps);
    for (uint k = lid; k < cols; k += WG) out[k] = hasWeight ? xr[k] * inv * weight[weightOff + k] : xr[k] * inv;
}

#endif
