// F32 weights (GGUF type 0): one field, 4-byte floats. Included before matmul.cl.
#define PLAIN

inline void block32(W_PARAMS, ulong e, float16* lo, float16* hi, float2* d, float* m) {
    const global float* p = (const global float*) (w + at.s0) + e;
    *lo = vload16(0, p);
    *hi = vload16(1, p);
}

inline float decode1(W_PARAMS, ulong e) { return ((const global float*) (w + at.s0))[e]; }
