// Q4_0 weights (GGUF type 2): blocks of 32 elements, w = d * (q - 8) with 4-bit q. Byte j holds element j in its
// low nibble and element j + 16 in its high nibble.
// Fields: 0 = quants (16 bytes, GGUF byte 2), 1 = d (GGUF byte 0). Included before matmul.cl.
#define ONE_SCALE

inline void block32(W_PARAMS, ulong e, float16* lo, float16* hi, float2* d, float* m) {
    ulong b = e / 32;
    uchar16 q = vload16(0, FIELD(0, b));
    *lo = convert_float16(q & (uchar16) 0xF) - 8.0f;
    *hi = convert_float16(q >> (uchar16) 4) - 8.0f;
    d->x = LOAD_HALF(FIELD(1, b), 0);
}
