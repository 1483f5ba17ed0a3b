/* Q4_0 and Q8_0 weights times activations quantized in blocks of 32 (mllm_q8_32). */
#include "microllm_cpu.h"
#include "x86_helpers.h"

/*
 * d = max|x| / 127 and q = x / d rounded to nearest even, as ggml's AVX2 quantize_row_q8_1. Vectorized: it runs
 * once per mat-vec over the whole activation row, and scalar rounding cost 10 % of a 135M model's token.
 * Returns 0 when x holds an infinity or NaN, which int8 cannot carry: the caller must not use `out` then.
 */
AVX2 int mllm_quantize_q8_32(const float *x, int64_t blocks, void *out) {
    mllm_q8_32 xq = mllm_q8_32_arrays(out, blocks);
    const __m256 sign = _mm256_set1_ps(-0.0f);
    __m256 nonFinite = _mm256_setzero_ps();
    for (int64_t b = 0; b < blocks; b++) {
        __m256 v[4], amax = _mm256_setzero_ps();
        for (int j = 0; j < 4; j++) {
            v[j] = _mm256_loadu_ps(x + 32 * b + 8 * j);
            amax = _mm256_max_ps(amax, _mm256_andnot_ps(sign, v[j]));
            __m256 zero = _mm256_mul_ps(v[j], _mm256_setzero_ps()); /* NaN exactly where v is not finite */
            nonFinite = _mm256_or_ps(nonFinite, _mm256_cmp_ps(zero, zero, _CMP_UNORD_Q));
        }
        __m128 m = _mm_max_ps(_mm256_castps256_ps128(amax), _mm256_extractf128_ps(amax, 1));
        m = _mm_max_ps(m, _mm_movehl_ps(m, m));
        m = _mm_max_ss(m, _mm_movehdup_ps(m));
        float d = _mm_cvtss_f32(m) / 127, id = d != 0 ? 1 / d : 0;
        __m256i q[4], sum = _mm256_setzero_si256();
        for (int j = 0; j < 4; j++) {
            q[j] = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v[j], _mm256_set1_ps(id)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
            sum = _mm256_add_epi32(sum, q[j]);
        }
        /* int32 to int8: the packs interleave 128-bit lanes, the permute puts the 32 bytes back in order. */
        __m256i bytes = _mm256_packs_epi16(_mm256_packs_epi32(q[0], q[1]), _mm256_packs_epi32(q[2], q[3]));
        bytes = _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
        _mm256_storeu_si256((__m256i *) (xq.q + 32 * b), bytes);
        _mm256_storeu2_m128i((__m128i *) (xq.grouped + mllm_q8_32_half(blocks, b, 1)),
                             (__m128i *) (xq.grouped + mllm_q8_32_half(blocks, b, 0)), bytes);
        xq.d[b] = d;
        xq.s[b] = d * hsum(_mm256_cvtepi32_ps(sum));
    }
    return _mm256_testz_ps(nonFinite, nonFinite);
}

/* The 32 nibbles of a Q4_0 block as bytes 0..15 in x's order: low nibbles first, then high ones. */
#define NIBBLES(p) ({ __m128i raw_ = _mm_loadu_si128((const __m128i *) (p)); \
    _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(raw_, 4), raw_), _mm256_set1_epi8(0x0F)); })

/* Σ a·b over each 4 bytes, as 8 int32: a unsigned (u8, pairs must fit int16 with pmaddubsw) or signed (s8). */
#define DOT_U8_S8_AVX2(u, s) _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1))
#define DOT_U8_S8_VNNI(u, s) _mm256_dpbusd_epi32(_mm256_setzero_si256(), u, s)
#define DOT_S8_S8_AVX2(a, b) DOT_U8_S8_AVX2(_mm256_sign_epi8(a, a), _mm256_sign_epi8(b, a))

/*
 * Both formats share the loop. Q4_0 nibbles are unsigned bytes and their offset 8 times the block's Σx comes off
 * once per row. Q8_0 quants are signed: with VNNI they are biased by 128 to unsigned (offset 128); pmaddubsw would
 * saturate on those, so AVX2 moves the sign to x instead (offset 0). Two accumulators hide the FMA latency.
 */
#define MATVEC_Q8_32(BLOCK_BYTES, UNSIGNED_QUANTS, OFFSET, DOT) \
    mllm_q8_32 xq = mllm_q8_32_arrays((void *) x, blocks); \
    for (int32_t r = from; r < to; r++) { \
        const uint8_t *row = w + r * row_bytes; \
        __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps(); \
        float offset = 0; \
        int32_t b = 0; \
        for (; b + 1 < blocks; b += 2) { \
            const uint8_t *w0 = row + BLOCK_BYTES * b, *w1 = w0 + BLOCK_BYTES; \
            __m256 p0 = _mm256_cvtepi32_ps(DOT(UNSIGNED_QUANTS(w0 + 2), _mm256_loadu_si256((const __m256i *) (xq.q + 32 * b)))); \
            __m256 p1 = _mm256_cvtepi32_ps(DOT(UNSIGNED_QUANTS(w1 + 2), _mm256_loadu_si256((const __m256i *) (xq.q + 32 * b + 32)))); \
            float d0 = f16(w0), d1 = f16(w1); \
            acc0 = _mm256_fmadd_ps(_mm256_set1_ps(d0 * xq.d[b]), p0, acc0); \
            acc1 = _mm256_fmadd_ps(_mm256_set1_ps(d1 * xq.d[b + 1]), p1, acc1); \
            offset += d0 * xq.s[b] + d1 * xq.s[b + 1]; \
        } \
        if (b < blocks) { \
            const uint8_t *w0 = row + BLOCK_BYTES * b; \
            __m256 p0 = _mm256_cvtepi32_ps(DOT(UNSIGNED_QUANTS(w0 + 2), _mm256_loadu_si256((const __m256i *) (xq.q + 32 * b)))); \
            float d0 = f16(w0); \
            acc0 = _mm256_fmadd_ps(_mm256_set1_ps(d0 * xq.d[b]), p0, acc0); \
            offset += d0 * xq.s[b]; \
        } \
        dst[r] = hsum(_mm256_add_ps(acc0, acc1)) - OFFSET * offset; \
    }

#define BYTES(p) _mm256_loadu_si256((const __m256i *) (p))
#define BIASED_BYTES(p) _mm256_xor_si256(BYTES(p), _mm256_set1_epi8((char) 0x80))

AVX2 MLLM_MATVEC(mllm_matvec_q4_0_avx2) { MATVEC_Q8_32(18, NIBBLES, 8, DOT_U8_S8_AVX2) }
AVX2 MLLM_MATVEC(mllm_matvec_q8_0_avx2) { MATVEC_Q8_32(34, BYTES, 0, DOT_S8_S8_AVX2) }
VNNI MLLM_MATVEC(mllm_matvec_q8_0_vnni) { MATVEC_Q8_32(34, BIASED_BYTES, 128, DOT_U8_S8_VNNI) }

/*
 * Q4_0 with AVX-512: four blocks per 512-bit vpdpbusd pair, eight blocks (144 bytes) per step. The 256-bit loop
 * above spends more on per-block scalar work (scale conversion, broadcast, offset) than on the dot itself; here a
 * step converts and multiplies eight scales with one vector op each. Blocks are 18 bytes, 9 words, so vpermt2w
 * (AVX512BW; vpermb would need VBMI, which Cascade Lake lacks) gathers four blocks' 16 quant bytes, one block per
 * 128-bit lane; their low nibbles meet x's low halves of those blocks in one load, the high nibbles the high halves.
 */

/* Inlined even when called twice (body and tail), so that the body's NULL tail masks fold to plain loads. */
#define INLINE static inline __attribute__((always_inline))

/*
 * vpermt2w indices (32 + i is word i of the second source). Block k's quants are words 9k+1..9k+8 of a load at
 * word 0; block 3's end past word 31, so they come from a second load at word 4. The f16 scales of four blocks are
 * words 0, 9, 18, 27 of the load at word 0: SCALES takes those of two such loads.
 */
static const int16_t QUANTS[32] __attribute__((aligned(64))) = {
    1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17, 19, 20, 21, 22, 23, 24, 25, 26, 56, 57, 58, 59, 60, 61, 62, 63};
static const int16_t SCALES[32] __attribute__((aligned(64))) = {0, 9, 18, 27, 32, 41, 50, 59};
/* vpermps indices that spread the scales of blocks 0..3 (and 4..7) over the 4 lanes of each. */
static const int32_t QUAD_SCALES[2][16] __attribute__((aligned(64))) = {
    {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3}, {4, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7}};
#define INDICES(table) _mm512_load_si512(table)

/*
 * acc += four blocks' products: each block's 4 int32 sums (low nibbles times x's low half, then high times high)
 * scaled by its product scale, scales[4k..4k+3].
 */
VNNI INLINE __m512 four_blocks(__m512 acc, __m512i w_at0, __m512i w_at4, __m512i x_low, __m512i x_high, __m512 scales, int k) {
    __m512i bytes = _mm512_permutex2var_epi16(w_at0, INDICES(QUANTS), w_at4), nibble = _mm512_set1_epi8(0x0F);
    __m512i dot = _mm512_dpbusd_epi32(_mm512_setzero_si512(), _mm512_and_si512(bytes, nibble), x_low);
    dot = _mm512_dpbusd_epi32(dot, _mm512_and_si512(_mm512_srli_epi16(bytes, 4), nibble), x_high);
    return _mm512_fmadd_ps(_mm512_permutexvar_ps(INDICES(QUAD_SCALES[k]), scales), _mm512_cvtepi32_ps(dot), acc);
}

/* Two accumulators (a0 blocks 0..3 of a step, a1 blocks 4..7) and Σ d_w·s_x. */
typedef struct { __m512 a0, a1; __m256 offset; } q4_0_sums;

/*
 * For the last n < 8 blocks: which bytes of a step's loads hold data, and where x's halves start (a last group of
 * fewer than 4 blocks packs its halves closer). The tail runs the step with zeroing masked loads, which do not fault
 * past the end of the weights or x. The same for every row.
 */
typedef struct { __mmask64 w[4], x[4]; int64_t x_at[4]; __mmask8 floats; } tail_masks;

static inline __mmask64 first_bytes(int64_t n) { return n <= 0 ? 0 : n >= 64 ? ~0ULL : (1ULL << n) - 1; }

static tail_masks tail_masks_for(int32_t n) {
    int32_t second = n > 4 ? n - 4 : 0;
    tail_masks m = {{first_bytes(18 * n), first_bytes(18 * n - 8), first_bytes(18 * n - 72), first_bytes(18 * n - 80)},
                    {first_bytes(16 * n), first_bytes(16 * n), first_bytes(16 * second), first_bytes(16 * second)},
                    {0, n < 4 ? 16 * n : 64, 128, 128 + 16 * second}, (__mmask8) ((1u << n) - 1)};
    return m;
}

/* A full load, or with tail masks the masked one. */
#define LOAD(p, tail, i) ((tail) ? _mm512_maskz_loadu_epi8((tail)->w[i], p) : _mm512_loadu_si512(p))
#define LOAD_X(x, tail, i) ((tail) ? _mm512_maskz_loadu_epi8((tail)->x[i], (x) + (tail)->x_at[i]) : _mm512_loadu_si512((x) + 64 * (i)))
#define LOAD_FLOATS(p, tail) ((tail) ? _mm256_maskz_loadu_ps((tail)->floats, p) : _mm256_loadu_ps(p))

/*
 * Eight blocks (or four: a short tail costs half a step) from w into the sums, fewer with tail masks.
 * Loads at words 0, 4, 36 and 40 cover the 72 words without reading past them.
 */
VNNI INLINE void step(const uint8_t *w, mllm_q8_32 xq, int64_t b, int n, const tail_masks *tail, q4_0_sums *sums) {
    __m512i w0 = LOAD(w, tail, 0), w1 = LOAD(w + 8, tail, 1);
    __m512i w2 = n == 8 ? LOAD(w + 72, tail, 2) : w0, w3 = n == 8 ? LOAD(w + 80, tail, 3) : w1;
    __m256 dw = _mm256_cvtph_ps(_mm512_castsi512_si128(_mm512_permutex2var_epi16(w0, INDICES(SCALES), w2)));
    sums->offset = _mm256_fmadd_ps(dw, LOAD_FLOATS(xq.s + b, tail), sums->offset);
    __m512 scales = _mm512_castps256_ps512(_mm256_mul_ps(dw, LOAD_FLOATS(xq.d + b, tail)));
    const int8_t *x = xq.grouped + 32 * b;
    sums->a0 = four_blocks(sums->a0, w0, w1, LOAD_X(x, tail, 0), LOAD_X(x, tail, 1), scales, 0);
    if (n == 8) sums->a1 = four_blocks(sums->a1, w2, w3, LOAD_X(x, tail, 2), LOAD_X(x, tail, 3), scales, 1);
}

#define PREFETCH_DISTANCE 4096

VNNI MLLM_MATVEC(mllm_matvec_q4_0_vnni) {
    mllm_q8_32 xq = mllm_q8_32_arrays((void *) x, blocks);
    int32_t full = blocks & ~7, left = blocks - full;
    tail_masks tail = tail_masks_for(left);
    for (int32_t r = from; r < to; r++) {
        const uint8_t *row = w + r * row_bytes;
        q4_0_sums sums = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm256_setzero_ps()};
        for (int32_t b = 0; b < full; b += 8) {
            /* Every cache line of the step 4 KiB ahead (rows follow each other): +15 % from DRAM, nothing lost in cache. */
            const char *ahead = (const char *) row + 18 * b + PREFETCH_DISTANCE;
            _mm_prefetch(ahead, _MM_HINT_T0);
            _mm_prefetch(ahead + 72, _MM_HINT_T0);
            _mm_prefetch(ahead + 143, _MM_HINT_T0);
            step(row + 18 * b, xq, b, 8, NULL, &sums);
        }
        if (left > 4) step(row + 18 * full, xq, full, 8, &tail, &sums);
        else if (left > 0) step(row + 18 * full, xq, full, 4, &tail, &sums);
        __m512 offset = _mm512_zextps256_ps512(_mm256_mul_ps(sums.offset, _mm256_set1_ps(-8)));
        dst[r] = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(sums.a0, sums.a1), offset));
    }
}
