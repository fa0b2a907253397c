// Eight-lane helpers shared by the AVX2 kernels (internal header).
#ifndef C_KERNELS_VECTOR_MATH_H
#define C_KERNELS_VECTOR_MATH_H

#if defined(__x86_64__)
#include <immintrin.h>
#include <stdint.h>

#define NK_AVX2 __attribute__((target("avx2,fma")))
#define NK_INLINE static inline __attribute__((always_inline)) NK_AVX2

NK_INLINE __m256 nk_set1(float x) { return _mm256_set1_ps(x); }

/// e^{−a} for 0 ≤ a: 2^{−y}, y = min(a·log2 e, 126), split into ⌊y⌋ and f ∈ [0, 1); 2^{−f} by the same
/// degree-7 Taylor polynomial of e^{−f ln 2} as `SIMDMath.expNegative` (relative error < 2e-8 before rounding).
NK_INLINE __m256 nk_exp_negative(__m256 a) {
    __m256 y = _mm256_min_ps(_mm256_mul_ps(a, nk_set1(1.4426950408889634f)), nk_set1(126.0f));
    __m256 n = _mm256_floor_ps(y);
    __m256 t = _mm256_mul_ps(_mm256_sub_ps(y, n), nk_set1(-0.6931471805599453f));
    __m256 p = nk_set1(1.0f / 5040);
    p = _mm256_fmadd_ps(p, t, nk_set1(1.0f / 720));
    p = _mm256_fmadd_ps(p, t, nk_set1(1.0f / 120));
    p = _mm256_fmadd_ps(p, t, nk_set1(1.0f / 24));
    p = _mm256_fmadd_ps(p, t, nk_set1(1.0f / 6));
    p = _mm256_fmadd_ps(p, t, nk_set1(0.5f));
    p = _mm256_fmadd_ps(p, t, nk_set1(1.0f));
    p = _mm256_fmadd_ps(p, t, nk_set1(1.0f));
    __m256i e = _mm256_slli_epi32(_mm256_sub_epi32(_mm256_set1_epi32(127), _mm256_cvttps_epi32(n)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

/// Sum of the eight lanes.
NK_INLINE float nk_hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/// Lane mask for the first `n` (0…8) lanes, for masked loads and stores of a tail.
NK_INLINE __m256i nk_tail_mask(long n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

#endif
#endif
