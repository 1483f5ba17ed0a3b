// Causal grouped-query attention over a KV cache. q and dst are [n, nHead * headDim]; the caches k and v are
// [ctx, nKvHead * headDim], F32, or F16 when the backend builds this file with -DKV_F16. Query row i (position
// position0 + i) of head h attends cache rows 0 .. position0 + i of KV head h / (nHead / nKvHead):
//   dst = softmax(scale · q·kᵀ) · v.
// Scores go to a scratch buffer of scoresStride floats per (row, head), so no context length limit comes from
// private or local memory. Offsets: q and dst in floats, k and v in cache elements.

#ifdef KV_F16
inline float16 kv_load16(const global uchar* kv, ulong e) { return vload_half16(0, (const global half*) (kv + 2 * e)); }
inline float kv_load1(const global uchar* kv, ulong e) { return vload_half(0, (const global half*) (kv + 2 * e)); }
#else
inline float16 kv_load16(const global uchar* kv, ulong e) { return vload16(0, (const global float*) (kv + 4 * e)); }
inline float kv_load1(const global uchar* kv, ulong e) { return ((const global float*) kv)[e]; }
#endif

inline float kv_dot(const global float* q, const global uchar* k, ulong e, uint headDim) {
    float16 acc = 0.0f;
    uint c = 0;
    for (; c + 16 <= headDim; c += 16) acc = fma(vload16(0, q + c), kv_load16(k, e + c), acc);
    float s = hsum16(acc);
    for (; c < headDim; c++) s = fma(q[c], kv_load1(k, e + c), s);
    return s;
}

#ifdef ROW_KERNELS

// CPU shape: work-item (h, i) does the whole head for query row i. Global size: (nHead, n), local size (1, 1).
kernel void attention_rows(global const float* q, ulong qOff, global const uchar* k, ulong kOff,
                           global const uchar* v, ulong vOff, uint n, uint nHead, uint nKvHead, uint headDim,
                           uint position0, float scale, global float* dst, ulong dstOff,
                           global float* scores, uint scoresStride) {
    uint h = get_global_id(0);
    uint i = get_global_id(1);
    if (h >= nHead || i >= n) return;
    ulong kvCols = (ulong) nKvHead * headDim;
    ulong kvHead = (ulong) (h / (nHead / nKvHead)) * headDim;
    ulong qRow = ((ulong) i * nHead + h) * headDim;
    const global float* qr = q + qOff + qRow;
    global float* s = scores + ((ulong) i * nHead + h) * scoresStride;
    uint last = position0 + i;

    float mx = -INFINITY;
    for (uint p = 0; p <= last; p++) {
        float d = kv_dot(qr, k, kOff + p * kvCols + kvHead, headDim) * scale;
        s[p] = d;
        mx = fmax(mx, d);
    }
    float sum = 0.0f;
    for (uint p = 0; p <= last; p++) {
        float e = exp(s[p] - mx);
        s[p] = e;
        sum += e;
    }
    float inv = 1.0f / sum;

    global float* out = dst + dstOff + qRow;  // q of this (row, head) is no longer read: dst may be q
    uint c = 0;
    for (; c + 16 <= headDim; c += 16) {
        float16 acc = 0.0f;
        for (uint p = 0; p <= last; p++) acc = fma(s[p], kv_load16(v, vOff + p * kvCols + kvHead + c), acc);
        vstore16(acc * inv, 0, out + c);
    }
    for (; c < headDim; c++) {
        float acc = 0.0f;
        for (uint p = 0; p <= last; p++) acc = fma(s[p], kv_load1(v, vOff + p * kvCols + kvHead + c), acc);
        out[c] = acc * inv;
    }
}

#else

// GPU shape: work-group (h, i) of WG items; items split the cache rows for the scores, then the head's dimensions
// for the weighted sum of v. Global size: (nHead * WG, n), local size (WG, 1).
kernel void attention_wg(global const float* q, ulong qOff, global const uchar* k, ulong kOff,
                         global const uchar* v, ulong vOff, uint n, uint nHead, uint nKvHead, uint headDim,
                         uint position0, float scale, global float* dst, ulong dstOff,
                         global float* scores, uint scoresStride) {
    local float red[WG];
    uint h = get_group_id(0);
    uint i = get_group_id(1);
    uint lid = get_local_id(0);
    ulong kvCols = (ulong) nKvHead * headDim;
    ulong kvHead = (ulong) (h / (nHead / nKvHead)) * headDim;
    ulong qRow = ((ulong) i * nHead + h) * headDim;
    const global float* qr = q + qOff + qRow;
    global float* s = scores + ((ulong) i * nHead + h) * scoresStride;
    uint last = position0 + i;

    float mx = -INFINITY;
    for (uint p = lid; p <= last; p += WG) {
        float d = kv_dot(qr, k, kOff + p * kvCols + kvHead, headDim) * scale;
        s[p] = d;
        mx = fmax(mx, d);
    }
    mx = wg_max(mx, red);
    float sum = 0.0f;
    for (uint p = lid; p <= last; p += WG) {
        float e = exp(s[p] - mx);
        s[p] = e;
        sum += e;
    }
    float inv = 1.0f / wg_sum(sum, red);
    barrier(CLK_GLOBAL_MEM_FENCE);  // every item's scores are visible to the whole group from here

    global float* out = dst + dstOff + qRow;  // all reads of q happened before the barriers: dst may be q
    for (uint c = lid; c < headDim; c += WG) {
        float acc = 0.0f;
        for (uint p = 0; p <= last; p++) acc = fma(s[p], kv_load1(v, vOff + p * kvCols + kvHead + c), acc);
        out[c] = acc * inv;
    }
}

#endif
