// Q8_0 weights (GGUF type 8): blocks of 32 elements, w = d * q, one fp16 scale d and 32 int8 quants q.
// Fields: 0 = quants (32 bytes, GGUF byte 2), 1 = d (GGUF byte 0). Included before matmul.cl.
#define ONE_SCALE

inline void block32(W_PARAMS, ulong e, float16* lo, float16* hi, float2* d, float* m) {
    ulong b = e / 32;
    const global char* q = (const global char*) FIELD(0, b);
    *lo = convert_float16(vload16(0, q));
    *hi = convert_float16(vload16(1, q));
    d->x = LOAD_HALF(FIELD(1, b), 0);
}
