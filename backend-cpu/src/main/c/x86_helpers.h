/* What every kernel file shares: the target attributes of the two variants and two small inline helpers. */
#ifndef MICROLLM_X86_HELPERS_H
#define MICROLLM_X86_HELPERS_H

#include <immintrin.h>
#include <string.h>

/* Per function, not per file: one library holds both variants and runs on any x86-64 (mllm_cpu_level decides). */
#define AVX2 __attribute__((target("avx2,fma,f16c")))
#define VNNI __attribute__((target("avx2,fma,f16c,avx512vl,avx512bw,avx512vnni")))

/* An fp16 value at any byte address (weights are byte-packed). */
AVX2 static inline float f16(const uint8_t *p) {
    uint16_t h;
    memcpy(&h, p, 2);
    return _cvtsh_ss(h);
}

/* The sum of the 8 lanes. */
AVX2 static inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

#endif
