// Kernels over a weight tensor of one type: MatMul (dst[t, r] = Σk w[r, k]·x[t, k] + bias[r]) and GetRows.
//
// The backend builds one program per weight type (and layout): common.cl, then the type's matmul_<type>.cl, then
// this file. The type file defines
//   void block32(W_PARAMS, ulong e, float16* lo, float16* hi, float2* d, float* m)
// giving elements e .. e+31 (e a multiple of 32) as w = q * d + m: lo/hi the quant values of elements e .. e+15 and
// e+16 .. e+31, d.x/d.y their scales and m a min (offset), plus flags saying which parts exist:
//   PLAIN      lo/hi are the weights themselves (F32, F16, BF16); the file also defines float decode1(W_PARAMS, e),
//              because rows of plain types need not hold a multiple of 32 elements;
//   ONE_SCALE  d.y == d.x (every type but Q6_K);
//   HAS_MIN    m is used (Q4_1, Q5_1, Q4_K, Q5_K).
// Quantized rows always hold whole blocks, and every block type's size is a multiple of 32.
// With ROW_KERNELS (CPU devices) the program has the *_rows kernels, else the *_wg ones; get_rows is in both.
// Keeping q, d and m apart lets the mat-vec apply a block's scale once to a 16-wide partial sum instead of to every
// weight.

// Tokens per work-item (CPU) or work-group (GPU) in the n > 1 kernels: each decoded weight block is used 4 times.
#define TOKENS 4

// The scale of elements e+16 .. e+31.
#ifdef ONE_SCALE
#define SCALE_HI(d) ((d).x)
#else
#define SCALE_HI(d) ((d).y)
#endif

// Elements e .. e+31 as floats.
inline void decode32(W_PARAMS, ulong e, float16* lo, float16* hi) {
    float16 ql, qh;
    float2 d;
    float m;
    block32(W_ARGS, e, &ql, &qh, &d, &m);
#if defined(PLAIN)
    *lo = ql;
    *hi = qh;
#elif defined(HAS_MIN)
    *lo = fma(ql, (float16) d.x, (float16) m);
    *hi = fma(qh, (float16) SCALE_HI(d), (float16) m);
#else
    *lo = ql * d.x;
    *hi = qh * SCALE_HI(d);
#endif
}

// acc + the 16 partial products of elements e .. e+31 with x[0 .. 31].
inline float16 accumulate32(W_PARAMS, ulong e, const global float* x, float16 acc) {
    float16 ql, qh;
    float2 d;
    float m;
    block32(W_ARGS, e, &ql, &qh, &d, &m);
    float16 xl = vload16(0, x), xh = vload16(1, x);
#if defined(PLAIN)
    return fma(qh, xh, fma(ql, xl, acc));
#else
#if defined(ONE_SCALE)
    acc = fma(fma(qh, xh, ql * xl), (float16) d.x, acc);
#else
    acc = fma(qh * xh, (float16) d.y, fma(ql * xl, (float16) d.x, acc));
#endif
#if defined(HAS_MIN)
    acc = fma(xl + xh, (float16) m, acc);
#endif
    return acc;
#endif
}

#ifdef ROW_KERNELS

// One weight row against one activation row; two accumulators keep two fma chains in flight.
inline float row_dot(W_PARAMS, ulong e0, uint cols, const global float* x) {
    float16 a0 = 0.0f, a1 = 0.0f;
    uint k = 0;
    for (; k + 64 <= cols; k += 64) {
        a0 = accumulate32(W_ARGS, e0 + k, x + k, a0);
        a1 = accumulate32(W_ARGS, e0 + k + 32, x + k + 32, a1);
    }
    if (k + 32 <= cols) {
        a0 = accumulate32(W_ARGS, e0 + k, x + k, a0);
        k += 32;
    }
    float s = hsum16(a0 + a1);
#ifdef PLAIN
    for (; k < cols; k++) s = fma(decode1(W_ARGS, e0 + k), x[k], s);
#endif
    return s;
}

// n = 1, CPU shape: one weight row per work-item. Global size: rows rounded up to the local size.
kernel void matvec_rows(W_PARAMS, uint rows, uint cols, global const float* x, ulong xOff,
                        global const float* bias, ulong biasOff, int hasBias, global float* dst, ulong dstOff) {
    uint r = get_global_id(0);
    if (r >= rows) return;
    float s = row_dot(W_ARGS, (ulong) r * cols, cols, x + xOff);
    dst[dstOff + r] = hasBias ? s + bias[biasOff + r] : s;
}

// n > 1, CPU shape: work-item (r, g) computes row r for tokens 4g .. 4g+3, decoding each weight block once.
// Global size: (rows rounded up to the local size, ceil(n / 4)).
kernel void matmul_rows(W_PARAMS, uint rows, uint cols, uint n, global const float* x, ulong xOff,
                        global const float* bias, ulong biasOff, int hasBias, global float* dst, ulong dstOff) {
    uint r = get_global_id(0);
    uint t0 = get_global_id(1) * TOKENS;
    if (r >= rows || t0 >= n) return;
    // Tokens past n repeat the last row (same cache lines) and are not stored.
    const global float* x0 = x + xOff + (ulong) t0 * cols;
    const global float* x1 = x + xOff + (ulong) min(t0 + 1, n - 1) * cols;
    const global float* x2 = x + xOff + (ulong) min(t0 + 2, n - 1) * cols;
    const global float* x3 = x + xOff + (ulong) min(t0 + 3, n - 1) * cols;
    ulong e0 = (ulong) r * cols;
    float16 a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f;
    uint k = 0;
    for (; k + 32 <= cols; k += 32) {
        float16 lo, hi;
        decode32(W_ARGS, e0 + k, &lo, &hi);
        a0 = fma(hi, vload16(1, x0 + k), fma(lo, vload16(0, x0 + k), a0));
        a1 = fma(hi, vload16(1, x1 + k), fma(lo, vload16(0, x1 + k), a1));
        a2 = fma(hi, vload16(1, x2 + k), fma(lo, vload16(0, x2 + k), a2));
        a3 = fma(hi, vload16(1, x3 + k), fma(lo, vload16(0, x3 + k), a3));
    }
    float s[TOKENS] = {hsum16(a0), hsum16(a1), hsum16(a2), hsum16(a3)};
#ifdef PLAIN
    for (; k < cols; k++) {
        float wk = decode1(W_ARGS, e0 + k);
        s[0] = fma(wk, x0[k], s[0]);
        s[1] = fma(wk, x1[k], s[1]);
        s[2] = fma(wk, x2[k], s[2]);
        s[3] = fma(wk, x3[k], s[3]);
    }
#endif
    float b = hasBias ? bias[biasOff + r] : 0.0f;
    for (uint i = 0; i < TOKENS && t0 + i < n; i++) dst[dstOff + (ulong) (t0 + i) * rows + r] = s[i] + b;
}

#else

// The work-items of a group share one weight row: item i takes the 32-element chunks i, i + WG, ...
inline float row_dot_part(W_PARAMS, ulong e0, uint cols, const global float* x, uint lid) {
    float s = 0.0f;
    for (uint k = lid * 32; k + 32 <= cols; k += WG * 32) s += hsum16(accumulate32(W_ARGS, e0 + k, x + k, (float16) 0.0f));
#ifdef PLAIN
    for (uint k = cols / 32 * 32 + lid; k < cols; k += WG) s = fma(decode1(W_ARGS, e0 + k), x[k], s);
#endif
    return s;
}

// n = 1, GPU shape: one work-group per weight row. Global size: rows * WG.
kernel void matvec_wg(W_PARAMS, uint rows, uint cols, global const float* x, ulong xOff,
                      global const float* bias, ulong biasOff, int hasBias, global float* dst, ulong dstOff) {
    local float red[WG];
    uint r = get_group_id(0);
    uint lid = get_local_id(0);
    float s = wg_sum(row_dot_part(W_ARGS, (ulong) r * cols, cols, x + xOff, lid), red);
    if (lid == 0) dst[dstOff + r] = hasBias ? s + bias[biasOff + r] : s;
}

// n > 1, GPU shape: work-group (r, g) computes row r for tokens 4g .. 4g+3. Global size: (rows * WG, ceil(n / 4)).
kernel void matmul_wg(W_PARAMS, uint rows, uint cols, uint n, global const float* x, ulong xOff,
                      global const float* bias, ulong biasOff, int hasBias, global float* dst, ulong dstOff) {
    local float red[WG];
    uint r = get_group_id(0);
    uint lid = get_local_id(0);
    uint t0 = get_global_id(1) * TOKENS;
    const global float* xt[TOKENS];
    for (uint i = 0; i < TOKENS; i++) xt[i] = x + xOff + (ulong) min(t0 + i, n - 1) * cols;
    ulong e0 = (ulong) r * cols;
    float s[TOKENS] = {0.0f, 0.0f, 0.0f, 0.0f};
    for (uint k = lid * 32; k + 32 <= cols; k += WG * 32) {
        float16 lo, hi;
        decode32(W_ARGS, e0 + k, &lo, &hi);
        for (uint i = 0; i < TOKENS; i++) s[i] += hsum16(fma(lo, vload16(0, xt[i] + k), hi * vload16(1, xt[i] + k)));
    }
#ifdef PLAIN
    for (uint k = cols / 32 * 32 + lid; k < cols; k += WG) {
        float wk = decode1(W_ARGS, e0 + k);
        for (uint i = 0; i < TOKENS; i++) s[i] = fma(wk, xt[i][k], s[i]);
    }
#endif
    float b = hasBias ? bias[biasOff + r] : 0.0f;
    for (uint i = 0; i < TOKENS; i++) {
        float total = wg_sum(s[i], red);
        if (lid == 0 && t0 + i < n) dst[dstOff + (ulong) (t0 + i) * rows + r] = total + b;
    }
}

#endif

// GetRows: dst[i] = table[ids[i]] as floats. Work-item (c, i) writes elements 32c .. 32c+31 of row i.
// Global size: (ceil(cols / 32) rounded up to the local size, n). A bad id zeroes the row and is reported.
kernel void get_rows(W_PARAMS, uint cols, uint tableRows, global const int* ids, ulong idsOff, uint n,
                     global float* dst, ulong dstOff, global int* err) {
    uint k = get_global_id(0) * 32;
    uint i = get_global_id(1);
    if (k >= cols || i >= n) return;
    int id = ids[idsOff + i];
    global float* out = dst + dstOff + (ulong) i * cols + k;
    uint count = min(32u, cols - k);
    if (id < 0 || (uint) id >= tableRows) {
        report_error(err, ERR_ROW_ID_OUT_OF_RANGE, id, (int) tableRows);
        for (uint j = 0; j < count; j++) out[j] = 0.0f;
        return;
    }
    ulong e = (ulong) id * cols + k;
    if (count == 32) {
        float16 lo, hi;
        decode32(W_ARGS, e, &lo, &hi);
        vstore16(lo, 0, out);
        vstore16(hi, 1, out);
    }
#ifdef PLAIN
    else {
        for (uint j = 0; j < count; j++) out[j] = decode1(W_ARGS, e + j);
    }
#endif
}
