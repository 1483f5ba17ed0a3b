// Copy with conversion between F32, F16 and BF16, one element per work-item (global size n rounded up to the local
// size). Offsets are in elements of each side's type. F16 rounds to nearest even (vstore_half_rte), as does BF16.

inline float load_f32(const global uchar* p, ulong i) { return ((const global float*) p)[i]; }
inline float load_f16(const global uchar* p, ulong i) { return vload_half(i, (const global half*) p); }
inline float load_bf16(const global uchar* p, ulong i) { return bf16_to_f32(((const global ushort*) p)[i]); }

inline void store_f32(global uchar* p, ulong i, float v) { ((global float*) p)[i] = v; }
inline void store_f16(global uchar* p, ulong i, float v) { vstore_half_rte(v, i, (global half*) p); }
inline void store_bf16(global uchar* p, ulong i, float v) { ((global ushort*) p)[i] = f32_to_bf16(v); }

#define COPY_KERNEL(FROM, TO)                                                                                   \
    kernel void copy_##FROM##_##TO(global const uchar* src, ulong srcOff, global uchar* dst, ulong dstOff,       \
                                   ulong n) {                                                                   \
        ulong i = get_global_id(0);                                                                             \
        if (i < n) store_##TO(dst, dstOff + i, load_##FROM(src, srcOff + i));                                   \
    }

COPY_KERNEL(f32, f32)
COPY_KERNEL(f32, f16)
COPY_KERNEL(f32, bf16)
COPY_KERNEL(f16, f32)
COPY_KERNEL(f16, f16)
COPY_KERNEL(f16, bf16)
COPY_KERNEL(bf16, f32)
COPY_KERNEL(bf16, f16)
COPY_KERNEL(bf16, bf16)
