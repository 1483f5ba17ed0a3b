// Q5_0 weights (GGUF type 6): blocks of 32 elements, w = d * (q - 16) with 5-bit q. Byte j of the quants holds the
// low 4 bits of elements j and j + 16; bit j of the 32-bit qh holds the fifth bit of element j.
// Fields: 0 = quants (16 bytes, GGUF byte 6), 1 = qh (4 bytes, GGUF byte 2), 2 = d (GGUF byte 0).
// Included before matmul.cl.
#define ONE_SCALE

inline void block32(W_PARAMS, ulong e, float16* lo, float16* hi, float2* d, float* m) {
    ulong b = e / 32;
    uchar16 q = vload16(0, FIELD(0, b));
    uchar4 h4 = vload4(0, FIELD(1, b));  // qh is not 4-byte aligned in GGUF layout
    uint qh = h4.x | (uint) h4.y << 8 | (uint) h4.z << 16 | (uint) h4.w << 24;
    const uint16 bit = (uint16) (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    uint16 hlo = (((uint16) qh >> bit) & 1u) << 4;
    uint16 hhi = (((uint16) qh >> (bit + 16u)) & 1u) << 4;
    *lo = convert_float16(convert_uint16(q & (uchar16) 0xF) | hlo) - 16.0f;
    *hi = convert_float16(convert_uint16(q >> (uchar16) 4) | hhi) - 16.0f;
    d->x = LOAD_HALF(FIELD(2, b), 0);
}
