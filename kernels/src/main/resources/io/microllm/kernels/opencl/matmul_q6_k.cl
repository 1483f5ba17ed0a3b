// Q6_K weights (GGUF type 14): super-blocks of 256 elements, w = d * sc * (q - 32) with 6-bit q and an int8 scale
// sc per 16 elements. Each half of 128 elements uses 64 ql bytes (low 4 bits), 32 qh bytes (2 high bits each) and
// 8 scales; element l + 32k of a half (k = 0..3) takes ql[l + 32 (k & 1)] (low nibble for k < 2, high for k >= 2),
// bits 2k, 2k+1 of qh[l], and scale 2k + l / 16.
// Fields: 0 = ql (128 bytes, GGUF byte 0), 1 = qh (64 bytes, GGUF byte 128), 2 = scales (16 int8, GGUF byte 192),
// 3 = d (fp16, GGUF byte 208). Included before matmul.cl.

inline void block32(W_PARAMS, ulong e, float16* lo, float16* hi, float2* d, float* m) {
    ulong b = e / 256;
    uint s = (uint) (e % 256) / 32;
    uint half_ = s / 4, k = s % 4;
    const global uchar* ql = FIELD(0, b) + 64 * half_ + 32 * (k & 1);
    const global uchar* qh = FIELD(1, b) + 32 * half_;
    const global char* sc = (const global char*) FIELD(2, b) + 8 * half_ + 2 * k;
    uchar16 l0 = vload16(0, ql), l1 = vload16(1, ql);
    if (k >= 2) {
        l0 >>= (uchar16) 4;
        l1 >>= (uchar16) 4;
    }
    uchar shift = (uchar) (2 * k);
    uchar16 h0 = ((vload16(0, qh) >> shift) & (uchar16) 3) << (uchar16) 4;
    uchar16 h1 = ((vload16(1, qh) >> shift) & (uchar16) 3) << (uchar16) 4;
    *lo = convert_float16((l0 & (uchar16) 0xF) | h0) - 32.0f;
    *hi = convert_float16((l1 & (uchar16) 0xF) | h1) - 32.0f;
    float dd = LOAD_HALF(FIELD(3, b), 0);
    *d = (float2) (dd * sc[0], dd * sc[1]);
}
