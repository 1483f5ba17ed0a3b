// Argmax per row of x [n, d] into dst I32 [1, n]; ties go to the first index, NaN is never picked (a row without
// any value above -inf gives 0).

#ifdef ROW_KERNELS

// CPU shape: one row per work-item; global size rows rounded up to the local size.
kernel void argmax_rows(global const float* x, ulong xOff, uint rows, uint cols, global int* dst, ulong dstOff) {
    uint r = get_global_id(0);
    if (r >= rows) return;
    const global float* xr = x + xOff + (ulong) r * cols;
    float best = -INFINITY;
    uint at = 0;
    for (uint k = 0; k < cols; k++) {
        if (xr[k] > best) {
            best = xr[k];
            at = k;
        }
    }
    dst[dstOff + r] = (int) at;
}

#else

// GPU shape: one row per work-group; global size rows * WG. Each item keeps its first maximum, then the group
// reduces (value, index) pairs preferring the larger value and, on ties, the smaller index.
kernel void argmax_wg(global const float* x, ulong xOff, uint rows, uint cols, global int* dst, ulong dstOff) {
    local float val[WG];
    local uint idx[WG];
    uint r = get_group_id(0);
    uint lid = get_local_id(0);
    const global float* xr = x + xOff + (ulong) r * cols;
    float best = -INFINITY;
    uint at = UINT_MAX;
    for (uint k = lid; k < cols; k += WG) {
        if (xr[k] > best) {
            best = xr[k];
            at = k;
        }
    }
    val[lid] = best;
    idx[lid] = at;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint s = WG / 2; s > 0; s >>= 1) {
        if (lid < s) {
            float ov = val[lid + s];
            uint oi = idx[lid + s];
            if (oi != UINT_MAX && (idx[lid] == UINT_MAX || ov > val[lid] || (ov == val[lid] && oi < idx[lid]))) {
                val[lid] = ov;
                idx[lid] = oi;
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0) dst[dstOff + r] = idx[0] == UINT_MAX ? 0 : (int) idx[0];
}

#endif
