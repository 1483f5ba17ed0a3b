// BF16 weights (GGUF type 30): one field, the upper 16 bits of an IEEE float. Included before matmul.cl.
#define PLAIN

inline void block32(W_PARAMS, ulong e, float16* lo, float16* hi, float2* d, float* m) {
    const global ushort* p = (const global ushort*) (w + at.s0) + e;
    *lo = bf16x16_to_f32(vload16(0, p));
    *hi = bf16x16_to_f32(vload16(1, p));
}

inline float decode1(W_PARAMS, ulong e) { return bf16_to_f32(((const global ushort*) (w + at.s0))[e]); }
