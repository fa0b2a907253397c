// GELU and LayerNorm on AVX2 + FMA: the twins of `Elementwise.geluForward/Backward` and
// `LayerNorm+EightLanes.swift` (same formulas; fused multiply-adds, so equal to rounding).
// No contraction into FMA except where a kernel asks for it explicitly (the Gaussian kernel repeats the Swift
// twin's bits), as the library's own flags no longer carry -ffp-contract=off.
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)
#include "CKernels.h"

#if defined(__x86_64__)
#include <math.h>
#include "VectorMath.h"

/// Φ(x) and φ(x): ½erfc(|x|/√2) by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), e^{−x²/2} by `nk_exp_negative`.
NK_INLINE void nk_normal_cdf_pdf(__m256 x, __m256 *cdf, __m256 *pdf) {
    __m256 u = _mm256_mul_ps(_mm256_andnot_ps(nk_set1(-0.0f), x), nk_set1(0.70710678118654752f));
    __m256 t = _mm256_div_ps(nk_set1(1.0f), _mm256_fmadd_ps(nk_set1(0.3275911f), u, nk_set1(1.0f)));
    __m256 poly = nk_set1(1.061405429f);
    poly = _mm256_fmadd_ps(poly, t, nk_set1(-1.453152027f));
    poly = _mm256_fmadd_ps(poly, t, nk_set1(1.421413741f));
    poly = _mm256_fmadd_ps(poly, t, nk_set1(-0.284496736f));
    poly = _mm256_fmadd_ps(poly, t, nk_set1(0.254829592f));
    poly = _mm256_mul_ps(poly, t);
    __m256 e = nk_exp_negative(_mm256_mul_ps(u, u));
    __m256 half = _mm256_mul_ps(_mm256_mul_ps(nk_set1(0.5f), poly), e); // Φ(−|x|)
    __m256 positive = _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_GT_OQ);
    *cdf = _mm256_blendv_ps(half, _mm256_sub_ps(nk_set1(1.0f), half), positive);
    *pdf = _mm256_mul_ps(e, nk_set1(0.39894228040143268f));
}

NK_AVX2 void nk_gelu_forward(const float *x, float *y, long count) {
    long i = 0;
    __m256 cdf, pdf;
    for (; i + 8 <= count; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        nk_normal_cdf_pdf(v, &cdf, &pdf);
        _mm256_storeu_ps(y + i, _mm256_mul_ps(v, cdf));
    }
    if (i < count) {
        __m256i m = nk_tail_mask(count - i);
        __m256 v = _mm256_maskload_ps(x + i, m);
        nk_normal_cdf_pdf(v, &cdf, &pdf);
        _mm256_maskstore_ps(y + i, m, _mm256_mul_ps(v, cdf));
    }
}

NK_AVX2 void nk_gelu_backward(const float *x, const float *dy, float *dx, long count, int accumulate) {
    long i = 0;
    __m256 cdf, pdf;
    for (; i + 8 <= count; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        nk_normal_cdf_pdf(v, &cdf, &pdf);
        __m256 base = accumulate ? _mm256_loadu_ps(dx + i) : _mm256_setzero_ps();
        _mm256_storeu_ps(dx + i, _mm256_fmadd_ps(_mm256_loadu_ps(dy + i), _mm256_fmadd_ps(v, pdf, cdf), base));
    }
    if (i < count) {
        __m256i m = nk_tail_mask(count - i);
        __m256 v = _mm256_maskload_ps(x + i, m);
        nk_normal_cdf_pdf(v, &cdf, &pdf);
        __m256 base = accumulate ? _mm256_maskload_ps(dx + i, m) : _mm256_setzero_ps();
        __m256 r = _mm256_fmadd_ps(_mm256_maskload_ps(dy + i, m), _mm256_fmadd_ps(v, pdf, cdf), base);
        _mm256_maskstore_ps(dx + i, m, r);
    }
}

NK_AVX2 void nk_layernorm_forward(const float *x, const float *gamma, const float *beta, float *y, float *mean, float *rstd,
                                  long rows, long channels, float eps) {
    nk_layernorm_forward_fused(x, NULL, gamma, beta, y, mean, rstd, rows, channels, eps, NULL, NULL, NULL);
}

NK_AVX2 void nk_layernorm_forward_fused(const float *x, const float *residual, const float *gamma, const float *beta,
                                        float *y, float *mean, float *rstd, long rows, long channels, float eps,
                                        nk_row_quantizer quantize, int8_t *q, float *q_scales) {
    long groups = channels / 8;
    float inverse = 1.0f / (float)channels;
    for (long r = 0; r < rows; r++) {
        const float *xr = x + r * channels;
        float *yr = y + r * channels;
        __m256 acc = _mm256_setzero_ps();
        if (residual) {  // the sum x + residual once, into y (L1), then normalised in place
            const float *rr = residual + r * channels;
            for (long g = 0; g < groups; g++) {
                __m256 v = _mm256_add_ps(_mm256_loadu_ps(xr + 8 * g), _mm256_loadu_ps(rr + 8 * g));
                _mm256_storeu_ps(yr + 8 * g, v);
                acc = _mm256_add_ps(acc, v);
            }
            xr = yr;
        } else {
            for (long g = 0; g < groups; g++) acc = _mm256_add_ps(acc, _mm256_loadu_ps(xr + 8 * g));
        }
        float m = nk_hsum(acc) * inverse;
        __m256 mv = nk_set1(m), sq = _mm256_setzero_ps();
        for (long g = 0; g < groups; g++) {
            __m256 c = _mm256_sub_ps(_mm256_loadu_ps(xr + 8 * g), mv);
            sq = _mm256_fmadd_ps(c, c, sq);
        }
        float s = 1.0f / sqrtf(nk_hsum(sq) * inverse + eps);
        __m256 sv = nk_set1(s);
        for (long g = 0; g < groups; g++) {
            __m256 norm = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(xr + 8 * g), mv), sv);
            _mm256_storeu_ps(yr + 8 * g, _mm256_fmadd_ps(norm, _mm256_loadu_ps(gamma + 8 * g), _mm256_loadu_ps(beta + 8 * g)));
        }
        mean[r] = m;
        rstd[r] = s;
        if (quantize) quantize(yr, q + r * channels, q_scales + r, 1, channels);  // the row is still in L1
    }
}

NK_AVX2 void nk_layernorm_backward(const float *dy, const float *x, const float *gamma, const float *mean, const float *rstd,
                                   float *dx, float *dgamma, float *dbeta, long rows, long channels) {
    long groups = channels / 8;
    float inverse = 1.0f / (float)channels;
    for (long r = 0; r < rows; r++) {
        const float *xr = x + r * channels, *dyr = dy + r * channels;
        float *dxr = dx + r * channels;
        __m256 mv = nk_set1(mean[r]), sv = nk_set1(rstd[r]);
        __m256 accD = _mm256_setzero_ps(), accDN = _mm256_setzero_ps();
        for (long g = 0; g < groups; g++) {
            __m256 norm = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(xr + 8 * g), mv), sv);
            __m256 dnorm = _mm256_mul_ps(_mm256_loadu_ps(dyr + 8 * g), _mm256_loadu_ps(gamma + 8 * g));
            accD = _mm256_add_ps(accD, dnorm);
            accDN = _mm256_fmadd_ps(dnorm, norm, accDN);
        }
        __m256 meanD = nk_set1(nk_hsum(accD) * inverse), meanDN = nk_set1(nk_hsum(accDN) * inverse);
        for (long g = 0; g < groups; g++) {
            long o = 8 * g;
            __m256 norm = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(xr + o), mv), sv);
            __m256 d = _mm256_loadu_ps(dyr + o);
            __m256 dnorm = _mm256_mul_ps(d, _mm256_loadu_ps(gamma + o));
            _mm256_storeu_ps(dbeta + o, _mm256_add_ps(_mm256_loadu_ps(dbeta + o), d));
            _mm256_storeu_ps(dgamma + o, _mm256_fmadd_ps(d, norm, _mm256_loadu_ps(dgamma + o)));
            __m256 g2 = _mm256_sub_ps(_mm256_sub_ps(dnorm, meanD), _mm256_mul_ps(norm, meanDN));
            _mm256_storeu_ps(dxr + o, _mm256_fmadd_ps(g2, sv, _mm256_loadu_ps(dxr + o)));
        }
    }
}

#else
#include <stdio.h>
#include <stdlib.h>
// Not an x86-64 target: `cpu_has_avx2_fma()` is 0, so `Neural` never calls these.
static void nk_unavailable(const char *name) {
    fprintf(stderr, "%s: AVX2 kernels are not built for this CPU\n", name);
    abort();
}
void nk_gelu_forward(const float *x, float *y, long count) { nk_unavailable("nk_gelu_forward"); }
void nk_gelu_backward(const float *x, const float *dy, float *dx, long count, int accumulate) { nk_unavailable("nk_gelu_backward"); }
void nk_layernorm_forward(const float *x, const float *gamma, const float *beta, float *y, float *mean, float *rstd,
                          long rows, long channels, float eps) { nk_unavailable("nk_layernorm_forward"); }
void nk_layernorm_forward_fused(const float *x, const float *residual, const float *gamma, const float *beta, float *y,
                                float *mean, float *rstd, long rows, long channels, float eps, nk_row_quantizer quantize,
                                int8_t *q, float *q_scales) { nk_unavailable("nk_layernorm_forward_fused"); }
void nk_layernorm_backward(const float *dy, const float *x, const float *gamma, const float *mean, const float *rstd,
                           float *dx, float *dgamma, float *dbeta, long rows, long channels) { nk_unavailable("nk_layernorm_backward"); }
#endif
