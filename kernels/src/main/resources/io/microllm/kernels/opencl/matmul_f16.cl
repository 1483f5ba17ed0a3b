// F16 weights (GGUF type 1): one field, IEEE half floats, read with vload_half (no fp16 arithmetic needed).
// Included before matmul.cl.
#define PLAIN

inline void block32(W_PARAMS, ulong e, float16* lo, float16* hi, float2* d, float* m) {
    const global half* p = (const global half*) (w + at.s0 + 2 * e);
    *lo = vload_half16(0, p);
    *hi = vload_half16(1, p);
}

inline float decode1(W_PARAMS, ulong e) { return vload_half(0, (const global half*) (w + at.s0 + 2 * e)); }
