/*
 * Native int8 dot products for the CPU backend, called through the FFM API (NativeKernels.java).
 *
 * Why native: the Vector API has no int8 multiply-add (x86 pmaddubsw / vpdpbusd), so 4-bit weights must become
 * floats lane by lane, about 7 cycles per 32 weights on one core, where llama.cpp's int8 kernels need 3. Like
 * llama.cpp, these kernels quantize the activation row once per mat-vec (to 8 bits, one scale per block) and then
 * multiply integers.
 *
 * Every kernel is compiled for a baseline of AVX2 + FMA + F16C (suffix _avx2) and, where it pays, for AVX-512 VNNI
 * (suffix _vnni), with target attributes, so one library runs on any x86-64 and Java picks the variant by
 * mllm_cpu_level(). The Java side checks every offset and size before it calls in: nothing here bounds-checks.
 *
 * A mat-vec entry point computes dst[r] = w[r] . x for rows from..to-1, where w[r] starts at w + r * row_bytes and
 * holds `blocks` weight blocks in GGUF layout, and x is the activation row quantized by the matching
 * mllm_quantize_* function.
 */
#ifndef MICROLLM_CPU_H
#define MICROLLM_CPU_H

#include <stdint.h>

/* 32 activations: d·q, with s = d·Σq for the offset term of Q4_0 (ggml's block_q8_1). */
typedef struct { float d; float s; int8_t q[32]; } mllm_q8_32;

/* 256 activations for the k-quants: d·q, with bsums = Σq over each 16 (ggml's block_q8_K). */
typedef struct { float d; int8_t q[256]; int16_t bsums[16]; } mllm_q8_256;

/* 0: AVX2, FMA or F16C missing (no native kernel runs); 1: AVX2; 2: AVX2 and AVX-512 VNNI/VL/BW. */
int mllm_cpu_level(void);

/* Quantize `blocks` blocks of x; return 0 (and leave `out` meaningless) when x holds an infinity or NaN. */
int mllm_quantize_q8_32(const float *x, int64_t blocks, mllm_q8_32 *out);
int mllm_quantize_q8_256(const float *x, int64_t blocks, mllm_q8_256 *out);

#define MLLM_MATVEC(name) \
    void name(const uint8_t *w, int64_t row_bytes, int32_t blocks, int32_t from, int32_t to, const void *x, float *dst)

MLLM_MATVEC(mllm_matvec_q4_0_avx2);
MLLM_MATVEC(mllm_matvec_q4_0_vnni);
MLLM_MATVEC(mllm_matvec_q8_0_avx2);
MLLM_MATVEC(mllm_matvec_q8_0_vnni);
MLLM_MATVEC(mllm_matvec_q4_K_avx2);
MLLM_MATVEC(mllm_matvec_q4_K_vnni);
MLLM_MATVEC(mllm_matvec_q5_K_avx2);
MLLM_MATVEC(mllm_matvec_q5_K_vnni);
MLLM_MATVEC(mllm_matvec_q6_K_avx2);
MLLM_MATVEC(mllm_matvec_q6_K_vnni);

/*
 * One attention head over n cached rows of head_dim F16 (f16 != 0) or F32 values, row j at k + j * stride:
 * scores[j] = scale * (q . k_j), and out[i] += sum_j p[j] * v_j[i].
 */
void mllm_kv_dots(const float *q, const uint8_t *k, int64_t stride, int32_t n, int32_t head_dim, int32_t f16, float scale, float *scores);
void mllm_kv_axpys(const float *p, const uint8_t *v, int64_t stride, int32_t n, int32_t head_dim, int32_t f16, float *out);

#endif
