// Q8_0 weights (GGUF type 8): blocks of 32 elements, w = d * q, one fp16 scale d and 32 int8 quants q.
// Fields: 0 = quants (32 bytes, GGUF byte 2), 1 = d (GGUF byte 0). Included before matmul.cl.

inline void decode32(W_PARAMS, ulong e, float16* lo, float16* hi) {
    ulong b = e / 32;
    const global char* q = (const global char*) FIELD(0, b);
    float d = vload_half(0, (const global half*) FIELD(1, b));
    *lo = convert_float16(vload16(0, q)) * d;
    *hi = convert_float16(vload16(1, q)) * d;
}
