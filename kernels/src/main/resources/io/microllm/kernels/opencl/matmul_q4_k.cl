// Q4_K weights (GGUF type 12): super-blocks of 256 elements in 8 chunks of 32. Chunk s has a 6-bit scale sc and a
// 6-bit min mn (packed into 12 bytes) and w = d * sc * q - dmin * mn with 4-bit q. Quant bytes 32j .. 32j+31 hold
// chunk 2j in their low nibbles and chunk 2j+1 in their high nibbles.
// Fields: 0 = quants (128 bytes, GGUF byte 16), 1 = scales (12 bytes, GGUF byte 4), 2 = d then dmin (2 fp16,
// GGUF byte 0). Included before matmul.cl.
#define ONE_SCALE
#define HAS_MIN

// ggml's get_scale_min_k4: (scale, min) of chunk s.
inline float2 q4k_scale_min(const global uchar* sc, uint s) {
    if (s < 4) return (float2) ((float) (sc[s] & 63), (float) (sc[s + 4] & 63));
    return (float2) ((float) ((sc[s + 4] & 0xF) | ((sc[s - 4] >> 6) << 4)),
                     (float) ((sc[s + 4] >> 4) | ((sc[s] >> 6) << 4)));
}

inline void block32(W_PARAMS, ulong e, float16* lo, float16* hi, float2* d, float* m) {
    ulong b = e / 256;
    uint s = (uint) (e % 256) / 32;
    const global uchar* q = FIELD(0, b) + 32 * (s / 2);
    float2 scm = q4k_scale_min(FIELD(1, b), s);
    uchar16 q0 = vload16(0, q), q1 = vload16(1, q);
    if (s & 1) {
        q0 >>= (uchar16) 4;
        q1 >>= (uchar16) 4;
    }
    *lo = convert_float16(q0 & (uchar16) 0xF);
    *hi = convert_float16(q1 & (uchar16) 0xF);
    d->x = LOAD_HALF(FIELD(2, b), 0) * scm.x;
    *m = -(LOAD_HALF(FIELD(2, b), 1) * scm.y);
}
