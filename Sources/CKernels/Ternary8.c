// Ternary × int8 products on AVX2, additions and subtractions only: the twin of `TernaryMatrix.multiplyPortable`.
//
// Outer-product form. The bit planes are expanded once per call into a column-major int16 sign table
// w[c, r] ∈ {−1, 0, 1} (R padded to 32; transient, C·R·2 bytes; the stored weights stay 2 bits each). A tile of 4 input
// rows × 32 outputs keeps 8 int16 accumulators in registers; each column c costs 2 loads of w[c, r0..r0+32),
// 4 broadcasts of x[b, c] and 8 `vpsignw` (x·w as a conditional negate: no multiply) + 8 `vpaddw`: no horizontal sums.
// Columns run in chunks of 128, so an int16 lane holds at most 128 terms of |x·w| ≤ 128 (≤ 16384: no overflow); each
// chunk is widened and added to the exact int32 sums, equal on every path.
// No contraction into FMA except where a kernel asks for it explicitly (the Gaussian kernel repeats the Swift
// twin's bits), as the library's own flags no longer carry -ffp-contract=off.
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)
#include "CKernels.h"

#if defined(__x86_64__)
#include <stdlib.h>
#include <string.h>
#include "VectorMath.h"

/// Adds (or stores, when `first`) the 16 int16 lanes of `s` as int32 to acc[0..<n], n ≤ 16.
NK_INLINE void nk_ternary_put16(int32_t *acc, __m256i s, long n, int first) {
    __m256i lo = _mm256_cvtepi16_epi32(_mm256_castsi256_si128(s));
    __m256i hi = _mm256_cvtepi16_epi32(_mm256_extracti128_si256(s, 1));
    if (n >= 16) {
        if (!first) {
            lo = _mm256_add_epi32(lo, _mm256_loadu_si256((const __m256i *)acc));
            hi = _mm256_add_epi32(hi, _mm256_loadu_si256((const __m256i *)(acc + 8)));
        }
        _mm256_storeu_si256((__m256i *)acc, lo);
        _mm256_storeu_si256((__m256i *)(acc + 8), hi);
        return;
    }
    int32_t t[16];
    _mm256_storeu_si256((__m256i *)t, lo);
    _mm256_storeu_si256((__m256i *)(t + 8), hi);
    for (long i = 0; i < n; i++) acc[i] = first ? t[i] : acc[i] + t[i];
}

NK_AVX2 void nk_ternary_matmul(const int8_t *x, const uint8_t *plus, const uint8_t *minus, int32_t *acc,
                               long B, long C, long R, long row_bytes) {
    if (B <= 0 || R <= 0) return;
    if (C <= 0) { memset(acc, 0, (size_t)(B * R) * sizeof(int32_t)); return; }
    long Rp = (R + 31) & ~31L, Bp = (B + 3) & ~3L;
    int16_t *w = aligned_alloc(32, (size_t)(C * Rp) * 2);
    int16_t *x16 = aligned_alloc(32, ((size_t)(Bp * C) * 2 + 31) & ~(size_t)31);
    memset(w, 0, (size_t)(C * Rp) * 2);
    for (long r = 0; r < R; r++)
        for (long k = 0; k < row_bytes; k++) {
            unsigned p = plus[r * row_bytes + k], m = minus[r * row_bytes + k];
            while (p) { w[(k * 8 + __builtin_ctz(p)) * Rp + r] = 1; p &= p - 1; }
            while (m) { w[(k * 8 + __builtin_ctz(m)) * Rp + r] = -1; m &= m - 1; }
        }
    for (long i = 0; i < B * C; i++) x16[i] = x[i];
    for (long i = B * C; i < Bp * C; i++) x16[i] = 0;
    for (long b0 = 0; b0 < Bp; b0 += 4) {
        const int16_t *x0 = x16 + b0 * C, *x1 = x0 + C, *x2 = x1 + C, *x3 = x2 + C;
        long live = B - b0 < 4 ? B - b0 : 4;
        for (long r0 = 0; r0 < Rp; r0 += 32) {
            for (long c0 = 0; c0 < C; c0 += 128) {
                long c1 = c0 + 128 < C ? c0 + 128 : C;
                __m256i a00 = _mm256_setzero_si256(), a01 = a00, a10 = a00, a11 = a00;
                __m256i a20 = a00, a21 = a00, a30 = a00, a31 = a00;
                for (long c = c0; c < c1; c++) {
                    __m256i w0 = _mm256_load_si256((const __m256i *)(w + c * Rp + r0));
                    __m256i w1 = _mm256_load_si256((const __m256i *)(w + c * Rp + r0 + 16));
                    __m256i v = _mm256_set1_epi16(x0[c]);
                    a00 = _mm256_add_epi16(a00, _mm256_sign_epi16(v, w0));
                    a01 = _mm256_add_epi16(a01, _mm256_sign_epi16(v, w1));
                    v = _mm256_set1_epi16(x1[c]);
                    a10 = _mm256_add_epi16(a10, _mm256_sign_epi16(v, w0));
                    a11 = _mm256_add_epi16(a11, _mm256_sign_epi16(v, w1));
                    v = _mm256_set1_epi16(x2[c]);
                    a20 = _mm256_add_epi16(a20, _mm256_sign_epi16(v, w0));
                    a21 = _mm256_add_epi16(a21, _mm256_sign_epi16(v, w1));
                    v = _mm256_set1_epi16(x3[c]);
                    a30 = _mm256_add_epi16(a30, _mm256_sign_epi16(v, w0));
                    a31 = _mm256_add_epi16(a31, _mm256_sign_epi16(v, w1));
                }
                __m256i tile[4][2] = {{a00, a01}, {a10, a11}, {a20, a21}, {a30, a31}};
                long n0 = R - r0 < 16 ? R - r0 : 16, n1 = R - r0 - 16 < 16 ? R - r0 - 16 : 16;
                for (long i = 0; i < live; i++) {
                    int32_t *out = acc + (b0 + i) * R + r0;
                    nk_ternary_put16(out, tile[i][0], n0, c0 == 0);
                    if (n1 > 0) nk_ternary_put16(out + 16, tile[i][1], n1, c0 == 0);
                }
            }
        }
    }
    free(w);
    free(x16);
}

#else
void nk_ternary_matmul(const int8_t *x, const uint8_t *plus, const uint8_t *minus, int32_t *acc,
                       long B, long C, long R, long row_bytes) { (void)x; (void)plus; (void)minus; (void)acc; (void)B; (void)C; (void)R; (void)row_bytes; }
#endif

#if defined(__x86_64__)
/// `ActivationQuantizer.forwardInteger`: per group of `size` values, s = 127 / (max|x| + 1e-6) and
/// q = clamp(round_half_even(x·s), −128, 127) as int8; the same float operations as the Swift loops (same bits).
NK_AVX2 void nk_quantize_int8(const float *x, int8_t *q, float *scales, long groups, long size) {
    const __m256 sign = _mm256_set1_ps(-0.0f), low = _mm256_set1_ps(-128.0f), high = _mm256_set1_ps(127.0f);
    for (long g = 0; g < groups; g++) {
        const float *xg = x + g * size;
        int8_t *qg = q + g * size;
        __m256 mx = _mm256_setzero_ps();
        long i = 0;
        for (; i + 8 <= size; i += 8) mx = _mm256_max_ps(mx, _mm256_andnot_ps(sign, _mm256_loadu_ps(xg + i)));
        __m128 h = _mm_max_ps(_mm256_castps256_ps128(mx), _mm256_extractf128_ps(mx, 1));
        h = _mm_max_ps(h, _mm_movehl_ps(h, h));
        h = _mm_max_ss(h, _mm_shuffle_ps(h, h, 1));
        float m = _mm_cvtss_f32(h);
        for (; i < size; i++) { float a = xg[i] < 0 ? -xg[i] : xg[i]; if (a > m) m = a; }
        float s = 127.0f / (m + 1e-6f);
        scales[g] = s;
        __m256 s8 = _mm256_set1_ps(s);
        i = 0;
        for (; i + 8 <= size; i += 8) {
            __m256 v = _mm256_round_ps(_mm256_mul_ps(_mm256_loadu_ps(xg + i), s8), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
            __m256i n = _mm256_cvtps_epi32(_mm256_min_ps(high, _mm256_max_ps(low, v)));
            __m128i n16 = _mm_packs_epi32(_mm256_castsi256_si128(n), _mm256_extracti128_si256(n, 1));
            _mm_storel_epi64((__m128i *)(qg + i), _mm_packs_epi16(n16, n16));
        }
        for (; i < size; i++) {
            float v = __builtin_roundevenf(xg[i] * s);
            qg[i] = (int8_t)(v < -128.0f ? -128.0f : (v > 127.0f ? 127.0f : v));
        }
    }
}

/// `LinearLayer.forwardInteger`'s rescale: y[r, o] = sums[r, o] / (scale_r·s_w) + b[o] (a division, as the reference).
NK_AVX2 void nk_ternary_rescale(const int32_t *sums, const float *scales, int per_row, float sw, const float *bias,
                                float *y, long rows, long outputs) {
    for (long r = 0; r < rows; r++) {
        float den = scales[per_row ? r : 0] * sw;
        __m256 d8 = _mm256_set1_ps(den);
        const int32_t *a = sums + r * outputs;
        float *yr = y + r * outputs;
        long o = 0;
        for (; o + 8 <= outputs; o += 8) {
            __m256 v = _mm256_div_ps(_mm256_cvtepi32_ps(_mm256_loadu_si256((const __m256i *)(a + o))), d8);
            if (bias) v = _mm256_add_ps(v, _mm256_loadu_ps(bias + o));
            _mm256_storeu_ps(yr + o, v);
        }
        for (; o < outputs; o++) yr[o] = (float)a[o] / den + (bias ? bias[o] : 0.0f);
    }
}
#else
void nk_quantize_int8(const float *x, int8_t *q, float *scales, long groups, long size) { (void)x; (void)q; (void)scales; (void)groups; (void)size; }
void nk_ternary_rescale(const int32_t *sums, const float *scales, int per_row, float sw, const float *bias, float *y,
                        long rows, long outputs) { (void)sums; (void)scales; (void)per_row; (void)sw; (void)bias; (void)y; (void)rows; (void)outputs; }
#endif
