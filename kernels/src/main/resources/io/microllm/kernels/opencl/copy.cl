// Copy with conversion between F32, F16 and BF16, one element per work-item (global size n rounded up to the local
// size). The backend builds one program per (source, destination) pair with -DFROM=f32|f16|bf16 -DTO=f32|f16|bf16.
// Offsets are in elements of each side's type. F16 rounds to nearest even (vstore_half_rte), as does BF16.

inline float load_f32(const global uchar* p, ulong i) { return ((const global float*) p)[i]; }
inline float load_f16(const global uchar* p, ulong i) { return vload_half(i, (const global half*) p); }
inline float load_bf16(const global uchar* p, ulong i) { return bf16_to_f32(((const global ushort*) p)[i]); }

inline void store_f32(global uchar* p, ulong i, float v) { ((global float*) p)[i] = v; }
inline void store_f16(global uchar* p, ulong i, float v) { vstore_half_rte(v, i, (global half*) p); }
inline void store_bf16(global uchar* p, ulong i, float v) { ((global ushort*) p)[i] = f32_to_bf16(v); }

#define PASTE(a, b) a##b
#define EXPAND_PASTE(a, b) PASTE(a, b)
#define LOAD EXPAND_PASTE(load_, FROM)
#define STORE EXPAND_PASTE(store_, TO)

kernel void copy(global const uchar* src, ulong srcOff, global uchar* dst, ulong dstOff, ulong n) {
    ulong i = get_global_id(0);
    if (i < n) STORE(dst, dstOff + i, LOAD(src, srcOff + i));
}
