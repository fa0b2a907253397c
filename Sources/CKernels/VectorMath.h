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

/// ln x for normal x > 0: the Cephes logf polynomial of `SIMDMath.log`, with the same operations in the same
/// order (no FMA), so it gives the Swift function's bits.
NK_INLINE __m256 nk_mul(__m256 a, __m256 b) { return _mm256_mul_ps(a, b); }
NK_INLINE __m256 nk_add(__m256 a, __m256 b) { return _mm256_add_ps(a, b); }
NK_INLINE __m256 nk_sub(__m256 a, __m256 b) { return _mm256_sub_ps(a, b); }
NK_INLINE __m256 nk_log(__m256 x) {
    __m256i bits = _mm256_castps_si256(x);
    __m256 e = nk_sub(_mm256_cvtepi32_ps(_mm256_and_si256(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(0xFF))),
                      nk_set1(126.0f));
    __m256 mant = _mm256_castsi256_ps(_mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi32(0x007FFFFF)),
                                                      _mm256_set1_epi32(0x3F000000)));
    __m256 small = _mm256_cmp_ps(mant, nk_set1(0.707106781186547524f), _CMP_LT_OQ);
    e = _mm256_blendv_ps(e, nk_sub(e, nk_set1(1.0f)), small);
    mant = nk_sub(_mm256_blendv_ps(mant, nk_add(mant, mant), small), nk_set1(1.0f));
    __m256 z = nk_mul(mant, mant);
    __m256 y = nk_set1(7.0376836292e-2f);
    y = nk_sub(nk_mul(y, mant), nk_set1(1.1514610310e-1f));
    y = nk_add(nk_mul(y, mant), nk_set1(1.1676998740e-1f));
    y = nk_sub(nk_mul(y, mant), nk_set1(1.2420140846e-1f));
    y = nk_add(nk_mul(y, mant), nk_set1(1.4249322787e-1f));
    y = nk_sub(nk_mul(y, mant), nk_set1(1.6668057665e-1f));
    y = nk_add(nk_mul(y, mant), nk_set1(2.0000714765e-1f));
    y = nk_sub(nk_mul(y, mant), nk_set1(2.4999993993e-1f));
    y = nk_add(nk_mul(y, mant), nk_set1(3.3333331174e-1f));
    y = nk_mul(nk_mul(y, mant), z);
    y = nk_add(y, nk_mul(e, nk_set1(-2.12194440e-4f)));
    y = nk_sub(y, nk_mul(nk_set1(0.5f), z));
    return nk_add(nk_add(mant, y), nk_mul(e, nk_set1(0.693359375f)));
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
