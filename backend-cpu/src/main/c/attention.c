/*
 * The two loops of one attention head over the KV cache, whose rows are F16 (converted with F16C's vcvtph2ps; the
 * Vector API has no such conversion and spends about ten integer operations per 16 values on it) or F32.
 */
#include "microllm_cpu.h"
#include "x86_helpers.h"

AVX2 static inline __m256 load8(const uint8_t *row, int32_t i, int32_t f16_rows) {
    return f16_rows ? _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) (row + 2 * i))) : _mm256_loadu_ps((const float *) row + i);
}

AVX2 static inline float load1(const uint8_t *row, int32_t i, int32_t f16_rows) {
    if (f16_rows) return f16(row + 2 * i);
    float f;
    memcpy(&f, row + 4 * i, 4);
    return f;
}

AVX2 void mllm_kv_dots(const float *q, const uint8_t *k, int64_t stride, int32_t n, int32_t head_dim, int32_t f16_rows,
                       float scale, float *scores) {
    for (int32_t j = 0; j < n; j++) {
        const uint8_t *row = k + j * stride;
        __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
        int32_t i = 0;
        for (; i + 16 <= head_dim; i += 16) {
            acc0 = _mm256_fmadd_ps(load8(row, i, f16_rows), _mm256_loadu_ps(q + i), acc0);
            acc1 = _mm256_fmadd_ps(load8(row, i + 8, f16_rows), _mm256_loadu_ps(q + i + 8), acc1);
        }
        for (; i + 8 <= head_dim; i += 8) acc0 = _mm256_fmadd_ps(load8(row, i, f16_rows), _mm256_loadu_ps(q + i), acc0);
        float sum = hsum(_mm256_add_ps(acc0, acc1));
        for (; i < head_dim; i++) sum += q[i] * load1(row, i, f16_rows);
        scores[j] = scale * sum;
    }
}

/* Four vectors of out at a time stay in registers while all n rows stream by. */
AVX2 void mllm_kv_axpys(const float *p, const uint8_t *v, int64_t stride, int32_t n, int32_t head_dim, int32_t f16_rows,
                        float *out) {
    int32_t i = 0;
    for (; i + 32 <= head_dim; i += 32) {
        __m256 a0 = _mm256_loadu_ps(out + i), a1 = _mm256_loadu_ps(out + i + 8);
        __m256 a2 = _mm256_loadu_ps(out + i + 16), a3 = _mm256_loadu_ps(out + i + 24);
        for (int32_t j = 0; j < n; j++) {
            const uint8_t *row = v + j * stride;
            __m256 pj = _mm256_set1_ps(p[j]);
            a0 = _mm256_fmadd_ps(load8(row, i, f16_rows), pj, a0);
            a1 = _mm256_fmadd_ps(load8(row, i + 8, f16_rows), pj, a1);
            a2 = _mm256_fmadd_ps(load8(row, i + 16, f16_rows), pj, a2);
            a3 = _mm256_fmadd_ps(load8(row, i + 24, f16_rows), pj, a3);
        }
        _mm256_storeu_ps(out + i, a0);
        _mm256_storeu_ps(out + i + 8, a1);
        _mm256_storeu_ps(out + i + 16, a2);
        _mm256_storeu_ps(out + i + 24, a3);
    }
    for (; i + 8 <= head_dim; i += 8) {
        __m256 a = _mm256_loadu_ps(out + i);
        for (int32_t j = 0; j < n; j++) a = _mm256_fmadd_ps(load8(v + j * stride, i, f16_rows), _mm256_set1_ps(p[j]), a);
        _mm256_storeu_ps(out + i, a);
    }
    for (; i < head_dim; i++) {
        float a = out[i];
        for (int32_t j = 0; j < n; j++) a += p[j] * load1(v + j * stride, i, f16_rows);
        out[i] = a;
    }
}
