// Softmax per row: dst = softmax(scale · x). -inf inputs (masks) give 0; dst may be x (in place).

#ifdef ROW_KERNELS

// CPU shape: one row per work-item; global size rows rounded up to the local size.
kernel void softmax_rows(global const float* x, ulong xOff, float scale, uint rows, uint cols,
                         global float* dst, ulong dstOff) {
    uint r = get_global_id(0);
    if (r >= rows) return;
    const global float* xr = x + xOff + (ulong) r * cols;
    global float* out = dst + dstOff + (ulong) r * cols;
    float mx = -INFINITY;
    for (uint k = 0; k < cols; k++) mx = fmax(mx, scale * xr[k]);
    float sum = 0.0f;
    for (uint k = 0; k < cols; k++) {
        float e = exp(scale * xr[k] - mx);
        out[k] = e;
        sum += e;
    }
    float inv = 1.0f / sum;
    for (uint k = 0; k < cols; k++) out[k] *= inv;
}

#else

// GPU shape: one row per work-group; global size rows * WG.
kernel void softmax_wg(global const float* x, ulong xOff, float scale, uint rows, uint cols,
                       global float* dst, ulong dstOff) {
    local float red[WG];
    uint r = get_group_id(0);
    uint lid = get_local_id(0);
    const global float* xr = x + xOff + (ulong) r * cols;
    global float* out = dst + dstOff + (ulong) r * cols;
    float mx = -INFINITY;
    for (uint k = lid; k < cols; k += WG) mx = fmax(mx, scale * xr[k]);
    mx = wg_max(mx, red);
    float sum = 0.0f;
    for (uint k = lid; k < cols; k += WG) {
        float e = exp(scale * xr[k] - mx);
        out[k] = e;
        sum += e;
    }
    float inv = 1.0f / wg_sum(sum, red);
    for (uint k = lid; k < cols; k += WG) out[k] *= inv;
}

#endif
