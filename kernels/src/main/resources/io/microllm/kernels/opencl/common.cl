// Helpers shared by every microllm OpenCL program; the backend puts this file in front of each program's sources.
//
// OpenCL C 1.2 without cl_khr_fp16 (PoCL has none): F16 values only move through vload_half / vstore_half_rte,
// which are core, and all arithmetic is in float.
//
// Tensors arrive as a buffer plus an offset argument (elements for activations, bytes for weights) rather than as
// sub-buffers, whose origin must be aligned to CL_DEVICE_MEM_BASE_ADDR_ALIGN: any row of any tensor can be a view.
//
// Two kernel shapes exist for most ops, picked by the backend per device class; a program holds one of them
// (ROW_KERNELS defined or not), so a device compiles only the kernels it runs:
//   *_rows: one row (or one output) per work-item, 16-wide vectors inside the work-item. Suits CPU devices, where
//           a work-group runs as a loop on one core and barriers are expensive.
//   *_wg:   one row per work-group of WG work-items and a local-memory reduction. Suits GPUs.

#ifndef WG
#define WG 64  // work-group size of the *_wg kernels, a power of two; set by the backend through -DWG=
#endif

// Weight tensors: field f (quants, scales, ...) of block b starts at byte at.sf + b * st.sf of buffer w. GGUF layout
// has every stride equal to the block size; the split layout stores each field as its own contiguous array.
// at already includes the view's first block, so element indices are relative to the view.
#define W_PARAMS global const uchar* w, const ulong4 at, const uint4 st
#define W_ARGS w, at, st
#define FIELD(f, b) (w + at.s##f + (ulong)(b) * st.s##f)

// fp16 bits to float, exactly (subnormals, infinities and NaN included) with integer operations only. On PoCL,
// a scalar vload_half goes through a slow library routine (vload_half16 is fine); this costs a few integer ops.
inline float half_to_float(ushort h) {
    uint em = h & 0x7fffu;
    float mag = em < 0x0400u ? (float) em * 0x1p-24f                      // zero and subnormals
              : em < 0x7c00u ? as_float((em << 13) + 0x38000000u)         // normals: rebias the exponent
              : as_float((em << 13) | 0x7f800000u);                       // infinities and NaN
    return as_float(as_uint(mag) | (uint) (h & 0x8000u) << 16);
}

// The i-th fp16 value of a weight field (scales, mins). The split layout stores them widened to float at upload.
#ifdef SPLIT_LAYOUT
#define LOAD_HALF(p, i) (((const global float*) (p))[i])
#else
#define LOAD_HALF(p, i) half_to_float(((const global ushort*) (p))[i])
#endif

inline float hsum16(float16 v) {
    float8 a = v.lo + v.hi;
    float4 b = a.lo + a.hi;
    float2 c = b.lo + b.hi;
    return c.x + c.y;
}

inline float hmax16(float16 v) {
    float8 a = fmax(v.lo, v.hi);
    float4 b = fmax(a.lo, a.hi);
    float2 c = fmax(b.lo, b.hi);
    return fmax(c.x, c.y);
}

inline float bf16_to_f32(ushort h) { return as_float((uint) h << 16); }

inline float16 bf16x16_to_f32(ushort16 h) { return as_float16(convert_uint16(h) << 16); }

// Round to nearest even like ggml's GGML_FP32_TO_BF16; NaN stays a quiet NaN.
inline ushort f32_to_bf16(float f) {
    uint u = as_uint(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (ushort) ((u >> 16) | 64u);
    return (ushort) ((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

// Sum and max over the work-group; every work-item must call them (they contain barriers). red holds WG floats.
inline float wg_sum(float v, local float* red) {
    uint lid = get_local_id(0);
    red[lid] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint s = WG / 2; s > 0; s >>= 1) {
        if (lid < s) red[lid] += red[lid + s];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    float r = red[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return r;
}

inline float wg_max(float v, local float* red) {
    uint lid = get_local_id(0);
    red[lid] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint s = WG / 2; s > 0; s >>= 1) {
        if (lid < s) red[lid] = fmax(red[lid], red[lid + s]);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    float r = red[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return r;
}

// Errors a kernel finds in the data (not in shapes, which the host checks) go to a small buffer the host reads at
// the next read() or synchronize(): err[0] = code (first one wins), err[1] = offending value, err[2] = its bound.
#define ERR_ROW_ID_OUT_OF_RANGE 1

inline void report_error(global int* err, int code, int value, int bound) {
    if (atomic_cmpxchg(err, 0, code) == 0) {
        err[1] = value;
        err[2] = bound;
    }
}
