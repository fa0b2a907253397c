// The Gaussian generator of `GaussianGenerator` (Channels) on AVX2: the same xoshiro128+ lanes, uniforms and
// polynomials, each operation in the Swift code's order and without FMA, so the samples are the Swift twin's bits
// (seeded runs give the same counts on both paths).
// No contraction into FMA except where a kernel asks for it explicitly (the Gaussian kernel repeats the Swift
// twin's bits), as the library's own flags no longer carry -ffp-contract=off.
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)
#include "CKernels.h"

#if defined(__x86_64__)
#include "VectorMath.h"

NK_INLINE __m256i nk_next_words(__m256i *s) {
    __m256i result = _mm256_add_epi32(s[0], s[3]);
    __m256i t = _mm256_slli_epi32(s[1], 9);
    s[2] = _mm256_xor_si256(s[2], s[0]);
    s[3] = _mm256_xor_si256(s[3], s[1]);
    s[1] = _mm256_xor_si256(s[1], s[2]);
    s[0] = _mm256_xor_si256(s[0], s[3]);
    s[2] = _mm256_xor_si256(s[2], t);
    s[3] = _mm256_or_si256(_mm256_slli_epi32(s[3], 11), _mm256_srli_epi32(s[3], 21));
    return result;
}

/// Float of 32-bit unsigned lanes as `SIMDMath.float`: (x >> 16)·65536 + (x & 0xFFFF), both halves exact.
NK_INLINE __m256 nk_u32_to_float(__m256i x) {
    __m256 hi = _mm256_cvtepi32_ps(_mm256_srli_epi32(x, 16));
    __m256 lo = _mm256_cvtepi32_ps(_mm256_and_si256(x, _mm256_set1_epi32(0xFFFF)));
    return _mm256_add_ps(_mm256_mul_ps(hi, nk_set1(65536.0f)), lo);
}

/// (cos 2πv, sin 2πv) for v ∈ [−½, ½] as `GaussianGenerator.sinCosTurns`.
NK_INLINE void nk_sincos_turns(__m256 v, __m256 *cos_out, __m256 *sin_out) {
    __m256 q = _mm256_round_ps(nk_mul(v, nk_set1(4.0f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 a = nk_mul(nk_sub(v, nk_mul(q, nk_set1(0.25f))), nk_set1(6.283185307179586f));
    __m256 a2 = nk_mul(a, a);
    __m256 s = nk_set1(-1.9515295891e-4f);
    s = nk_add(nk_mul(s, a2), nk_set1(8.3321608736e-3f));
    s = nk_sub(nk_mul(s, a2), nk_set1(1.6666654611e-1f));
    s = nk_add(nk_mul(nk_mul(s, a2), a), a);
    __m256 c = nk_set1(2.443315711809948e-5f);
    c = nk_sub(nk_mul(c, a2), nk_set1(1.388731625493765e-3f));
    c = nk_add(nk_mul(c, a2), nk_set1(4.166664568298827e-2f));
    c = nk_add(nk_sub(nk_mul(nk_mul(c, a2), a2), nk_mul(nk_set1(0.5f), a2)), nk_set1(1.0f));
    __m256 sign = _mm256_castsi256_ps(_mm256_set1_epi32((int)0x80000000));   // negation flips the sign bit, as Swift's -x
    __m256 one = _mm256_cmp_ps(q, nk_set1(1.0f), _CMP_EQ_OQ), minus_one = _mm256_cmp_ps(q, nk_set1(-1.0f), _CMP_EQ_OQ);
    __m256 two = _mm256_or_ps(_mm256_cmp_ps(q, nk_set1(2.0f), _CMP_EQ_OQ), _mm256_cmp_ps(q, nk_set1(-2.0f), _CMP_EQ_OQ));
    __m256 co = _mm256_blendv_ps(c, _mm256_xor_ps(s, sign), one);
    __m256 si = _mm256_blendv_ps(s, c, one);
    co = _mm256_blendv_ps(co, s, minus_one);
    si = _mm256_blendv_ps(si, _mm256_xor_ps(c, sign), minus_one);
    co = _mm256_blendv_ps(co, _mm256_xor_ps(c, sign), two);
    si = _mm256_blendv_ps(si, _mm256_xor_ps(s, sign), two);
    *cos_out = co;
    *sin_out = si;
}

NK_AVX2 void nk_gaussian_fill(uint32_t *state, float *out, long n) {
    __m256i s[4];
    for (int k = 0; k < 4; k++) s[k] = _mm256_loadu_si256((const __m256i *)(state + 8 * k));
    for (long i = 0; i < n; i += 16) {
        __m256i a = nk_next_words(s), b = nk_next_words(s);
        __m256 u1 = _mm256_mul_ps(_mm256_add_ps(nk_u32_to_float(a), nk_set1(0.5f)), nk_set1(0x1p-32f));
        __m256 v = _mm256_sub_ps(_mm256_castsi256_ps(_mm256_or_si256(_mm256_srli_epi32(b, 9), _mm256_set1_epi32(0x3F800000))),
                                 nk_set1(1.5f));
        __m256 r = _mm256_sqrt_ps(nk_mul(nk_set1(-2.0f), nk_log(u1)));
        __m256 c, si;
        nk_sincos_turns(v, &c, &si);
        __m256 z0 = _mm256_mul_ps(r, c), z1 = _mm256_mul_ps(r, si);
        if (i + 16 <= n) {
            _mm256_storeu_ps(out + i, z0);
            _mm256_storeu_ps(out + i + 8, z1);
        } else {
            float tmp[16];
            _mm256_storeu_ps(tmp, z0);
            _mm256_storeu_ps(tmp + 8, z1);
            for (long j = 0; i + j < n; j++) out[i + j] = tmp[j];
        }
    }
    for (int k = 0; k < 4; k++) _mm256_storeu_si256((__m256i *)(state + 8 * k), s[k]);
}

#else
#include <stdio.h>
#include <stdlib.h>
// Not an x86-64 target: `cpu_has_avx2_fma()` is 0, so `Channels` never calls this.
void nk_gaussian_fill(uint32_t *state, float *out, long n) {
    fprintf(stderr, "nk_gaussian_fill: AVX2 kernels are not built for this CPU\n");
    abort();
}
#endif
