/* Q4_K, Q5_K and Q6_K weights (super-blocks of 256) times activations quantized in blocks of 256 (mllm_q8_256). */
#include "microllm_cpu.h"
#include "x86_helpers.h"

/*
 * ggml's quantize_row_q8_K up to the sign of d and q (ggml scales by -127/max, the signed largest value; here
 * 127/max|x|, the same products d·q): q in -127..127, so pmaddubsw may take it as the signed operand, rounded to
 * nearest even. Vectorized like mllm_quantize_q8_32; returns 0 when x holds an infinity or NaN.
 */
AVX2 int mllm_quantize_q8_256(const float *x, int64_t blocks, mllm_q8_256 *out) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    __m256 nonFinite = _mm256_setzero_ps();
    for (int64_t b = 0; b < blocks; b++) {
        const float *v = x + 256 * b;
        __m256 amax = _mm256_setzero_ps();
        for (int i = 0; i < 256; i += 8) {
            __m256 f = _mm256_loadu_ps(v + i);
            amax = _mm256_max_ps(amax, _mm256_andnot_ps(sign, f));
            __m256 zero = _mm256_mul_ps(f, _mm256_setzero_ps()); /* NaN exactly where f is not finite */
            nonFinite = _mm256_or_ps(nonFinite, _mm256_cmp_ps(zero, zero, _CMP_UNORD_Q));
        }
        __m128 m = _mm_max_ps(_mm256_castps256_ps128(amax), _mm256_extractf128_ps(amax, 1));
        m = _mm_max_ps(m, _mm_movehl_ps(m, m));
        m = _mm_max_ss(m, _mm_movehdup_ps(m));
        float iscale = _mm_cvtss_f32(m) != 0 ? 127 / _mm_cvtss_f32(m) : 0;
        /* sums[j]: the quants of groups 2j and 2j + 1 (16 each) summed to lanes 0, 1, 4, 5 and 2, 3, 6, 7. */
        __m256i sums[8];
        for (int j = 0; j < 8; j++) {
            __m256i q[4];
            for (int k = 0; k < 4; k++) {
                __m256 scaled = _mm256_mul_ps(_mm256_loadu_ps(v + 32 * j + 8 * k), _mm256_set1_ps(iscale));
                q[k] = _mm256_cvtps_epi32(_mm256_round_ps(scaled, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
            }
            /* int32 to int8: the packs interleave 128-bit lanes, the permute puts the 32 bytes back in order. */
            __m256i bytes = _mm256_packs_epi16(_mm256_packs_epi32(q[0], q[1]), _mm256_packs_epi32(q[2], q[3]));
            _mm256_storeu_si256((__m256i *) (out[b].q + 32 * j),
                                _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7)));
            sums[j] = _mm256_hadd_epi32(_mm256_add_epi32(q[0], q[1]), _mm256_add_epi32(q[2], q[3]));
        }
        /* Two more hadds leave groups 4i..4i+3 in each 128-bit half of g[i]; adding the halves finishes them. */
        __m256i g0 = _mm256_hadd_epi32(sums[0], sums[1]), g1 = _mm256_hadd_epi32(sums[2], sums[3]);
        __m256i g2 = _mm256_hadd_epi32(sums[4], sums[5]), g3 = _mm256_hadd_epi32(sums[6], sums[7]);
        __m256i groups_0_7 = _mm256_add_epi32(_mm256_permute2x128_si256(g0, g1, 0x20),
                                              _mm256_permute2x128_si256(g0, g1, 0x31));
        __m256i groups_8_15 = _mm256_add_epi32(_mm256_permute2x128_si256(g2, g3, 0x20),
                                               _mm256_permute2x128_si256(g2, g3, 0x31));
        _mm256_storeu_si256((__m256i *) out[b].bsums,
                            _mm256_permute4x64_epi64(_mm256_packs_epi32(groups_0_7, groups_8_15), 0xD8));
        out[b].d = iscale != 0 ? 1 / iscale : 0;
    }
    return _mm256_testz_ps(nonFinite, nonFinite);
}

#define LOAD(p) _mm256_loadu_si256((const __m256i *) (p))

/* 16 int16 lanes: word lo of v's low half across the low half, word hi of v's high half across the high half. */
AVX2 static inline __m256i spread_words(__m256i v, int lo, int hi) {
    int a = 0x02020202 * lo + 0x01000100, b = 0x02020202 * hi + 0x01000100; /* bytes 2i, 2i + 1, twice */
    return _mm256_shuffle_epi8(v, _mm256_setr_epi32(a, a, a, a, b, b, b, b));
}

/*
 * acc + scale · (u . s), 8 int32 lanes, u unsigned and s signed bytes, scale 16 int16 (one per pair of products).
 * pmaddubsw cannot saturate here: u ≤ 63 and |s| ≤ 127. VNNI fuses the scaling pmaddwd with the add.
 */
#define SCALED_DOT_AVX2(acc, scale, u, s) _mm256_add_epi32(acc, _mm256_madd_epi16(scale, _mm256_maddubs_epi16(u, s)))
#define SCALED_DOT_VNNI(acc, scale, u, s) _mm256_dpwssd_epi32(acc, scale, _mm256_maddubs_epi16(u, s))

/*
 * The 12 bytes of 6-bit scales and mins as ggml's get_scale_min_k4 reads them: scales 0..7 in bytes 0..7 of the
 * result, mins 0..7 in bytes 8..15. Pairs 0..3 sit in the low 6 bits of bytes 0..7; pairs 4..7 in the nibbles of
 * bytes 8..11 with their top 2 bits in the top bits of bytes 0..7. Scalar on purpose: integer ALUs are idle here,
 * while a SIMD unpacking measured slower by loading the busy vector pipes further.
 */
AVX2 static inline __m128i scales_mins_k4(const uint8_t *p) {
    uint32_t a, b, c;
    memcpy(&a, p, 4);
    memcpy(&b, p + 4, 4);
    memcpy(&c, p + 8, 4);
    uint32_t scales_lo = a & 0x3F3F3F3F, mins_lo = b & 0x3F3F3F3F;
    uint32_t scales_hi = (c & 0x0F0F0F0F) | (a >> 6 & 0x03030303) << 4;
    uint32_t mins_hi = (c >> 4 & 0x0F0F0F0F) | (b >> 6 & 0x03030303) << 4;
    return _mm_setr_epi32((int) scales_lo, (int) scales_hi, (int) mins_lo, (int) mins_hi);
}

/* Bit `bit` of each byte as the value 16 (Q5_K's fifth bit); bits the 16-bit shift moves across bytes miss 0x10. */
AVX2 static inline __m256i bit_as_16(__m256i v, int bit) {
    __m256i moved = bit < 4 ? _mm256_slli_epi16(v, 4 - bit) : _mm256_srli_epi16(v, bit - 4);
    return _mm256_and_si256(moved, _mm256_set1_epi8(0x10));
}

#define NO_FIFTH_BIT(blk, bit) _mm256_setzero_si256()
#define Q5_K_FIFTH_BIT(blk, bit) bit_as_16(LOAD((blk) + 16), bit)

/*
 * Q4_K and Q5_K: Σ d·sc·q·xd·xq - dmin·m·xd·xq. The first term is integer per super-block (quants times x, scaled
 * by sc in pmaddwd); the second needs only x's sums over each 16 (bsums), each min covering two of them. Low and
 * high nibbles sum apart so that VNNI's dpwssd chain stays short.
 */
#define MATVEC_Q45_K(BLOCK_BYTES, QS, FIFTH_BIT, SCALED_DOT) \
    const mllm_q8_256 *xq = x; \
    const __m256i low_nibbles = _mm256_set1_epi8(0x0F); \
    for (int32_t r = from; r < to; r++) { \
        const uint8_t *row = w + r * row_bytes; \
        __m256 acc = _mm256_setzero_ps(); \
        for (int32_t b = 0; b < blocks; b++) { \
            const uint8_t *blk = row + BLOCK_BYTES * b; \
            const int8_t *q8 = xq[b].q; \
            __m128i scales_mins = scales_mins_k4(blk + 4); \
            __m256i scales = _mm256_broadcastsi128_si256(_mm_cvtepu8_epi16(scales_mins)); \
            __m256i mins = _mm256_cvtepu8_epi16(_mm_unpackhi_epi8(scales_mins, scales_mins)); \
            __m256i min_sum = _mm256_madd_epi16(mins, LOAD(xq[b].bsums)); \
            __m256i sum_lo = _mm256_setzero_si256(), sum_hi = _mm256_setzero_si256(); \
            _Pragma("GCC unroll 4") \
            for (int c = 0; c < 4; c++) { \
                __m256i qs = LOAD(blk + QS + 32 * c); \
                __m256i lo = _mm256_or_si256(_mm256_and_si256(qs, low_nibbles), FIFTH_BIT(blk, 2 * c)); \
                __m256i hi = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(qs, 4), low_nibbles), \
                                             FIFTH_BIT(blk, 2 * c + 1)); \
                sum_lo = SCALED_DOT(sum_lo, spread_words(scales, 2 * c, 2 * c), lo, LOAD(q8 + 64 * c)); \
                sum_hi = SCALED_DOT(sum_hi, spread_words(scales, 2 * c + 1, 2 * c + 1), hi, LOAD(q8 + 64 * c + 32)); \
            } \
            __m256 sum = _mm256_cvtepi32_ps(_mm256_add_epi32(sum_lo, sum_hi)); \
            acc = _mm256_fmadd_ps(_mm256_set1_ps(f16(blk) * xq[b].d), sum, acc); \
            acc = _mm256_fnmadd_ps(_mm256_set1_ps(f16(blk + 2) * xq[b].d), _mm256_cvtepi32_ps(min_sum), acc); \
        } \
        dst[r] = hsum(acc); \
    }

/*
 * Q6_K: Σ d·sc·(q - 32)·xd·xq. The 6-bit q (unsigned) times x goes through pmaddubsw; the offset 32·Σ sc·Σxq comes
 * off once per super-block from bsums, whose 16-value groups are exactly Q6_K's sub-blocks. Each 32 quants of x
 * meet two sub-blocks: the low 128-bit half of a product holds the first 16 values, the high half the next 16.
 * Two accumulators keep VNNI's dpwssd chain short.
 */
#define MATVEC_Q6_K(SCALED_DOT) \
    const mllm_q8_256 *xq = x; \
    const __m256i low_nibbles = _mm256_set1_epi8(0x0F), bits_4_5 = _mm256_set1_epi8(0x30); \
    for (int32_t r = from; r < to; r++) { \
        const uint8_t *row = w + r * row_bytes; \
        __m256 acc = _mm256_setzero_ps(); \
        for (int32_t b = 0; b < blocks; b++) { \
            const uint8_t *blk = row + 210 * b, *ql = blk, *qh = blk + 128; \
            const int8_t *q8 = xq[b].q; \
            __m128i scales8 = _mm_loadu_si128((const __m128i *) (blk + 192)); \
            __m256i offset = _mm256_madd_epi16(_mm256_cvtepi8_epi16(scales8), LOAD(xq[b].bsums)); \
            __m256i scales_lo = _mm256_broadcastsi128_si256(_mm_cvtepi8_epi16(scales8)); \
            __m128i scales8_hi = _mm_unpackhi_epi64(scales8, scales8); \
            __m256i scales_hi = _mm256_broadcastsi128_si256(_mm_cvtepi8_epi16(scales8_hi)); \
            __m256i sum_a = _mm256_setzero_si256(), sum_b = _mm256_setzero_si256(); \
            _Pragma("GCC unroll 2") \
            for (int h = 0; h < 2; h++) { \
                __m256i scales = h ? scales_hi : scales_lo; \
                __m256i ql0 = LOAD(ql + 64 * h), ql1 = LOAD(ql + 64 * h + 32), high = LOAD(qh + 32 * h); \
                /* 16-bit shifts: bits that cross into the neighbour byte land outside 0x0F / 0x30. */ \
                __m256i q0 = _mm256_or_si256(_mm256_and_si256(ql0, low_nibbles), \
                                             _mm256_and_si256(_mm256_slli_epi16(high, 4), bits_4_5)); \
                __m256i q1 = _mm256_or_si256(_mm256_and_si256(ql1, low_nibbles), \
                                             _mm256_and_si256(_mm256_slli_epi16(high, 2), bits_4_5)); \
                __m256i q2 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), low_nibbles), \
                                             _mm256_and_si256(high, bits_4_5)); \
                __m256i q3 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql1, 4), low_nibbles), \
                                             _mm256_and_si256(_mm256_srli_epi16(high, 2), bits_4_5)); \
                sum_a = SCALED_DOT(sum_a, spread_words(scales, 0, 1), q0, LOAD(q8 + 128 * h)); \
                sum_b = SCALED_DOT(sum_b, spread_words(scales, 2, 3), q1, LOAD(q8 + 128 * h + 32)); \
                sum_a = SCALED_DOT(sum_a, spread_words(scales, 4, 5), q2, LOAD(q8 + 128 * h + 64)); \
                sum_b = SCALED_DOT(sum_b, spread_words(scales, 6, 7), q3, LOAD(q8 + 128 * h + 96)); \
            } \
            __m256i sum = _mm256_sub_epi32(_mm256_add_epi32(sum_a, sum_b), _mm256_slli_epi32(offset, 5)); \
            acc = _mm256_fmadd_ps(_mm256_set1_ps(f16(blk + 208) * xq[b].d), _mm256_cvtepi32_ps(sum), acc); \
        } \
        dst[r] = hsum(acc); \
    }

AVX2 MLLM_MATVEC(mllm_matvec_q4_K_avx2) { MATVEC_Q45_K(144, 16, NO_FIFTH_BIT, SCALED_DOT_AVX2) }
VNNI MLLM_MATVEC(mllm_matvec_q4_K_vnni) { MATVEC_Q45_K(144, 16, NO_FIFTH_BIT, SCALED_DOT_VNNI) }
AVX2 MLLM_MATVEC(mllm_matvec_q5_K_avx2) { MATVEC_Q45_K(176, 48, Q5_K_FIFTH_BIT, SCALED_DOT_AVX2) }
VNNI MLLM_MATVEC(mllm_matvec_q5_K_vnni) { MATVEC_Q45_K(176, 48, Q5_K_FIFTH_BIT, SCALED_DOT_VNNI) }
AVX2 MLLM_MATVEC(mllm_matvec_q6_K_avx2) { MATVEC_Q6_K(SCALED_DOT_AVX2) }
VNNI MLLM_MATVEC(mllm_matvec_q6_K_vnni) { MATVEC_Q6_K(SCALED_DOT_VNNI) }
