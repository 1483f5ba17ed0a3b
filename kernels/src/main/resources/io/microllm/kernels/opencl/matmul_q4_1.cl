// Q4_1 weights (GGUF type 3): blocks of 32 elements, w = d * q + m with 4-bit q. Byte j holds element j in its
// low nibble and element j + 16 in its high nibble.
// Fields: 0 = quants (16 bytes, GGUF byte 4), 1 = d then m (2 fp16, GGUF byte 0). Included before matmul.cl.

inline void decode32(W_PARAMS, ulong e, float16* lo, float16* hi) {
    ulong b = e / 32;
    uchar16 q = vload16(0, FIELD(0, b));
    const global half* dm = (const global half*) FIELD(1, b);
    float d = vload_half(0, dm);
    float m = vload_half(1, dm);
    *lo = fma(convert_float16(q & (uchar16) 0xF), d, m);
    *hi = fma(convert_float16(q >> (uchar16) 4), d, m);
}
