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

/*
 * Activations quantized in blocks of 32, d·q, with s = d·Σq for the offset term of Q4_0 (ggml's block_q8_1), stored
 * as arrays, 72 bytes per block: for n blocks int8 q[32n], the same quants again as grouped[32n], then float d[n],
 * then float s[n]. So a 256-bit load takes eight blocks' scales. grouped holds groups of four blocks, each the first
 * 16 quants of its four blocks, then their last 16 (a last group of k < 4 blocks the same with k): one 512-bit load
 * takes the low halves of four blocks, which is how the AVX-512 Q4_0 kernel unpacks its nibbles. The 256-bit
 * kernels read q, where a block is one 256-bit load.
 */
typedef struct { int8_t *q, *grouped; float *d, *s; } mllm_q8_32;
static inline mllm_q8_32 mllm_q8_32_arrays(void *base, int64_t blocks) {
    int8_t *q = base;
    float *d = (float *) (q + 64 * blocks);
    return (mllm_q8_32) {q, q + 32 * blocks, d, d + blocks};
}
/* Where in grouped block b's low (half 0) or high (half 1) 16 quants start. */
static inline int64_t mllm_q8_32_half(int64_t blocks, int64_t b, int half) {
    int64_t group = b & ~3, in_group = blocks - group < 4 ? blocks - group : 4;
    return 32 * group + 16 * (half * in_group + (b & 3));
}

/* 256 activations for the k-quants: d·q, with bsums = Σq over each 16 (ggml's block_q8_K). */
typedef struct { float d; int8_t q[256]; int16_t bsums[16]; } mllm_q8_256;

/* 0: AVX2, FMA or F16C missing (no native kernel runs); 1: AVX2; 2: AVX2 and AVX-512 VNNI/VL/BW. */
int mllm_cpu_level(void);

/* Quantize `blocks` blocks of x; return 0 (and leave `out` meaningless) when x holds an infinity or NaN. */
int mllm_quantize_q8_32(const float *x, int64_t blocks, void *out);
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
 * One query head of attention over n cached rows: out = softmax(scale * (q . k_j))_j . v_j, row j of the K (V)
 * cache at k + j * k_stride (v + j * v_stride), head_dim F16 (k_f16, v_f16 != 0) or F32 values. scores is scratch
 * for n floats. Returns 0 (out meaningless) when a score is not finite, which the caller handles in Java.
 */
int mllm_attention_head(const float *q, const uint8_t *k, int64_t k_stride, int32_t k_f16, const uint8_t *v,
                        int64_t v_stride, int32_t v_f16, int32_t n, int32_t head_dim, float scale, float *scores,
                        float *out);

#endif
