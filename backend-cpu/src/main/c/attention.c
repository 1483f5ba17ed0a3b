/*
 * The two loops of one attention head over the KV cache, whose rows are F16 (converted with F16C's vcvtph2ps; the
 * Vector API has no such conversion and spends about ten integer operations per 16 values on it) or F32.
 */
#include <immintrin.h>
#include <string.h>
#include "microllm_cpu.h"

#define AVX2 __attribute__((target("avx2,fma,f16c")))

AVX2 static inline __m256 load8(const uint8_t *row, int32_t i, int32_t f16) {
    return f16 ? _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) (row + 2 * i))) : _mm256_loadu_ps((const float *) row + i);
}

AVX2 static inline float load1(const uint8_t *row, int32_t i, int32_t f16) {
    if (f16) {
        uint16_t h;
        memcpy(&h, row + 2 * i, 2);
        return _cvtsh_ss(h);
    }
    float f;
    memcpy(&f, row + 4 * i, 4);
    return f;
}

AVX2 void mllm_kv_dots(const float *q, const uint8_t *k, int64_t stride, int32_t n, int32_t head_dim, int32_t f16,
                       float scale, float *scores) {
    for (int32_t j = 0; j < n; j++) {
        const uint8_t *row = k + j * stride;
        __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
        int32_t i = 0;
        for (; i + 16 <= head_dim; i += 16) {
            acc0 = _mm256_fmadd_ps(load8(row, i, f16), _mm256_loadu_ps(q + i), acc0);
            acc1 = _mm256_fmadd_ps(load8(row, i + 8, f16), _mm256_loadu_ps(q + i + 8), acc1);
        }
        for (; i + 8 <= head_dim; i += 8) acc0 = _mm256_fmadd_ps(load8(row, i, f16), _mm256_loadu_ps(q + i), acc0);
        __m256 acc = _mm256_add_ps(acc0, acc1);
        __m128 s = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
        s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        float sum = _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
        for (; i < head_dim; i++) sum += q[i] * load1(row, i, f16);
        scores[j] = scale * sum;
    }
}

/* Four vectors of out at a time stay in registers while all n rows stream by. */
AVX2 void mllm_kv_axpys(const float *p, const uint8_t *v, int64_t stride, int32_t n, int32_t head_dim, int32_t f16,
                        float *out) {
    int32_t i = 0;
    for (; i + 32 <= head_dim; i += 32) {
        __m256 a0 = _mm256_loadu_ps(out + i), a1 = _mm256_loadu_ps(out + i + 8);
        __m256 a2 = _mm256_loadu_ps(out + i + 16), a3 = _mm256_loadu_ps(out + i + 24);
        for (int32_t j = 0; j < n; j++) {
            const uint8_t *row = v + j * stride;
            __m256 pj = _mm256_set1_ps(p[j]);
            a0 = _mm256_fmadd_ps(load8(row, i, f16), pj, a0);
            a1 = _mm256_fmadd_ps(load8(row, i + 8, f16), pj, a1);
            a2 = _mm256_fmadd_ps(load8(row, i + 16, f16), pj, a2);
            a3 = _mm256_fmadd_ps(load8(row, i + 24, f16), pj, a3);
        }
        _mm256_storeu_ps(out + i, a0);
        _mm256_storeu_ps(out + i + 8, a1);
        _mm256_storeu_ps(out + i + 16, a2);
        _mm256_storeu_ps(out + i + 24, a3);
    }
    for (; i + 8 <= head_dim; i += 8) {
        __m256 a = _mm256_loadu_ps(out + i);
        for (int32_t j = 0; j < n; j++) a = _mm256_fmadd_ps(load8(v + j * stride, i, f16), _mm256_set1_ps(p[j]), a);
        _mm256_storeu_ps(out + i, a);
    }
    for (; i < head_dim; i++) {
        float a = out[i];
        for (int32_t j = 0; j < n; j++) a += p[j] * load1(v + j * stride, i, f16);
        out[i] = a;
    }
}
