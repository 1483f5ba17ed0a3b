// Q5_K weights (GGUF type 13): super-blocks of 256 elements in 8 chunks of 32. Chunk s has a 6-bit scale sc and a
// 6-bit min mn (packed into 12 bytes like Q4_K) and w = d * sc * q - dmin * mn with 5-bit q. Quant bytes
// 32j .. 32j+31 hold the low 4 bits of chunk 2j (low nibbles) and 2j+1 (high nibbles); bit s of qh[l] is the fifth
// bit of element l of chunk s.
// Fields: 0 = quants (128 bytes, GGUF byte 48), 1 = qh (32 bytes, GGUF byte 16), 2 = scales (12 bytes, GGUF byte 4),
// 3 = d then dmin (2 fp16, GGUF byte 0). Included before matmul.cl.
#define ONE_SCALE
#define HAS_MIN

// ggml's get_scale_min_k4: (scale, min) of chunk s.
inline float2 q5k_scale_min(const global uchar* sc, uint s) {
    if (s < 4) return (float2) ((float) (sc[s] & 63), (float) (sc[s + 4] & 63));
    return (float2) ((float) ((sc[s + 4] & 0xF) | ((sc[s - 4] >> 6) << 4)),
                     (float) ((sc[s + 4] >> 4) | ((sc[s] >> 6) << 4)));
}

inline void block32(W_PARAMS, ulong e, float16* lo, float16* hi, float2* d, float* m) {
    ulong b = e / 256;
    uint s = (uint) (e % 256) / 32;
    const global uchar* q = FIELD(0, b) + 32 * (s / 2);
    const global uchar* qh = FIELD(1, b);
    float2 scm = q5k_scale_min(FIELD(2, b), s);
    uchar16 q0 = vload16(0, q), q1 = vload16(1, q);
    if (s & 1) {
        q0 >>= (uchar16) 4;
        q1 >>= (uchar16) 4;
    }
    uchar16 h0 = ((vload16(0, qh) >> (uchar16) (uchar) s) & (uchar16) 1) << (uchar16) 4;
    uchar16 h1 = ((vload16(1, qh) >> (uchar16) (uchar) s) & (uchar16) 1) << (uchar16) 4;
    *lo = convert_float16((q0 & (uchar16) 0xF) | h0);
    *hi = convert_float16((q1 & (uchar16) 0xF) | h1);
    d->x = LOAD_HALF(FIELD(3, b), 0) * scm.x;
    *m = -(LOAD_HALF(FIELD(3, b), 1) * scm.y);
}
