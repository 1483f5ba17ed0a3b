// Q4_1 weights (GGUF type 3): blocks of 32 elements, w = d * q + m with 4-bit q. Byte j holds element j in its
// low nibble and element j + 16 in its high nibble.
// Fields: 0 = quants (16 bytes, GGUF byte 4), 1 = d then m (2 fp16, GGUF byte 0). Included before matmul.cl.
#define ONE_SCALE
#define HAS_MIN

inline void block32(W_PARAMS, ulong e, float16* lo, float16* hi, float2* d, float* m) {
    ulong b = e / 32;
    uchar16 q = vload16(0, FIELD(0, b));
    *lo = convert_float16(q & (uchar16) 0xF);
    *hi = convert_float16(q >> (uchar16) 4);
    d->x = LOAD_HALF(FIELD(1, b), 0);
    *m = LOAD_HALF(FIELD(1, b), 1);
}
