/*
 * One attention head over the KV cache, whose rows are F16 (converted with F16C's vcvtph2ps; the
 * Vector API has no such conversion and spends about ten integer operations per 16 values on it) or F32.
 */
#include "microllm_cpu.h"
#include "x86_helpers.h"
#include <math.h>

AVX2 static inline __m256 load8(const uint8_t *row, int32_t i, int32_t f16_rows) {
    return f16_rows ? _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) (row + 2 * i))) : _mm256_loadu_ps((const float *) row + i);
}

AVX2 static inline float load1(const uint8_t *row, int32_t i, int32_t f16_rows) {
    if (f16_rows) return f16(row + 2 * i);
    float f;
    memcpy(&f, row + 4 * i, 4);
    return f;
}

AVX2 static void kv_dots(const float *q, const uint8_t *k, int64_t stride, int32_t n, int32_t head_dim, int32_t f16_rows,
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
AVX2 static void kv_axpys(const float *p, const uint8_t *v, int64_t stride, int32_t n, int32_t head_dim, int32_t f16_rows,
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

/* e^x for x <= 0 (Cephes' polynomial, about 2 ulp); below -87 it returns e^-87 instead of smaller values. */
AVX2 static inline __m256 exp_nonpositive(__m256 x) {
    x = _mm256_max_ps(x, _mm256_set1_ps(-87.0f));
    __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    x = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    x = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), x);
    __m256 y = _mm256_set1_ps(1.9875691500e-4f);
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.3981999507e-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(8.3334519073e-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(4.1665795894e-2f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.6666665459e-1f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(5.0000001201e-1f));
    y = _mm256_fmadd_ps(y, _mm256_mul_ps(x, x), _mm256_add_ps(x, _mm256_set1_ps(1.0f)));
    __m256i scale = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(y, _mm256_castsi256_ps(scale));
}

/*
 * The whole head in one call, softmax included, so that no Java code runs between the native loops: with the
 * softmax in Java between two native calls, the JVM (25.0.3) crashed now and then in its compiled Vector API code.
 */
AVX2 int mllm_attention_head(const float *q, const uint8_t *k, int64_t k_stride, int32_t k_f16, const uint8_t *v,
                             int64_t v_stride, int32_t v_f16, int32_t n, int32_t head_dim, float scale, float *scores,
                             float *out) {
    kv_dots(q, k, k_stride, n, head_dim, k_f16, scale, scores);
    float max = -INFINITY;
    for (int32_t j = 0; j < n; j++) {
        if (!isfinite(scores[j])) return 0;
        max = scores[j] > max ? scores[j] : max;
    }
    __m256 sum8 = _mm256_setzero_ps();
    int32_t j = 0;
    for (; j + 8 <= n; j += 8) {
        __m256 e = exp_nonpositive(_mm256_sub_ps(_mm256_loadu_ps(scores + j), _mm256_set1_ps(max)));
        _mm256_storeu_ps(scores + j, e);
        sum8 = _mm256_add_ps(sum8, e);
    }
    float sum = hsum(sum8);
    for (; j < n; j++) {
        __m256 e = exp_nonpositive(_mm256_set1_ps(scores[j] - max));
        scores[j] = _mm256_cvtss_f32(e);
        sum += scores[j];
    }
    memset(out, 0, sizeof(float) * head_dim);
    kv_axpys(scores, v, v_stride, n, head_dim, v_f16, out);
    for (int32_t i = 0; i < head_dim; i++) out[i] /= sum;
    return 1;
}
