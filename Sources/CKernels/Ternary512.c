// Ternary × int8 products on AVX-512 VNNI by byte dot products: the twin of `TernaryMatrix.multiplyPortable`.
//
// The weights come expanded once, at load (`TernaryMatrix.quads`): u[c/4, r, c%4] = W_t[r, c] + 1 ∈ {0, 1, 2} as
// unsigned bytes, rows padded to a multiple of 32 and columns to a multiple of 4 with 0 (so padding adds nothing).
// `vpdpbusd` multiplies 64 such bytes (16 output rows × 4 columns) by a broadcast quad (x[b, c…c+3]) of signed bytes
// and adds each row's four products to its int32 lane: exact, no intermediate width to overflow (|sum| ≤ 2·128·C).
// A tile of 8 input rows × 32 outputs keeps 16 zmm accumulators; a column quad costs 2 weight loads, 8 broadcasts and
// 16 `vpdpbusd`. Σ_c x[b, c] is subtracted at the end (the +1 of the weights). Equal on every path.
// With a rescale (`nk_rescale`, the frozen linear layer), the tile is stored as y = sum / (s_x·s_w) + b straight from
// the registers (the operations of `LinearLayer.forwardInteger`'s rescale, so the same bits) and the int32 sums never reach memory.
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)
#include "CKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

#define NK_VNNI __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma")))

/// The quad x[c…c+3] of a row as one 32-bit value (x[c] in the low byte); past the row's end (`C`), zeros.
static inline __attribute__((always_inline)) int32_t nk_ternary_quad(const int8_t *row, long c, long C) {
    int32_t v = 0;
    memcpy(&v, row + c, (size_t)(C - c < 4 ? C - c : 4));
    return v;
}

/// Stores the 16 lanes of `s` minus `sx` to acc[0..<n], n ≤ 16; or, with `rescale`, (s − sx) / den + bias[0..<n] to
/// y[0..<n] (`acc` and `y`, `bias` point at the row's first output of this block).
static inline __attribute__((always_inline)) NK_VNNI void nk_ternary_store16(int32_t *acc, float *y, const float *bias,
                                                                            int relu, __m512 den, __m512i s,
                                                                            __m512i sx, long n) {
    if (n <= 0) return;
    __mmask16 mask = n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1);
    __m512i v = _mm512_sub_epi32(s, sx);
    if (!y) { _mm512_mask_storeu_epi32(acc, mask, v); return; }
    __m512 f = _mm512_div_ps(_mm512_cvtepi32_ps(v), den);
    if (bias) f = _mm512_add_ps(f, _mm512_maskz_loadu_ps(mask, bias));
    if (relu) f = _mm512_max_ps(f, _mm512_setzero_ps());
    _mm512_mask_storeu_ps(y, mask, f);
}

/// One row of n floats to int8 with its own scale, the operations of `nk_quantize_int8` (same bytes and scale):
/// s = 127 / (max|y| + 1e-6), q = clamp(round_half_even(y·s), −128, 127).
static inline __attribute__((always_inline)) NK_VNNI void nk_quantize_row16(const float *y, int8_t *q, float *scale,
                                                                           long n) {
    __m512 mx = _mm512_setzero_ps();
    for (long i = 0; i < n; i += 16) {
        __mmask16 mask = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1);
        mx = _mm512_max_ps(mx, _mm512_abs_ps(_mm512_maskz_loadu_ps(mask, y + i)));
    }
    float s = 127.0f / (_mm512_reduce_max_ps(mx) + 1e-6f);
    *scale = s;
    __m512 s16 = _mm512_set1_ps(s), low = _mm512_set1_ps(-128.0f), high = _mm512_set1_ps(127.0f);
    for (long i = 0; i < n; i += 16) {
        __mmask16 mask = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1);
        __m512 v = _mm512_roundscale_ps(_mm512_mul_ps(_mm512_maskz_loadu_ps(mask, y + i), s16),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        __m512i k = _mm512_cvtps_epi32(_mm512_min_ps(high, _mm512_max_ps(low, v)));
        _mm_mask_storeu_epi8(q + i, mask, _mm512_cvtsepi32_epi8(k));
    }
}

NK_VNNI void nk_quantize_int8_rows512(const float *x, int8_t *q, float *scales, long rows, long width) {
    for (long r = 0; r < rows; r++) nk_quantize_row16(x + r * width, q + r * width, scales + r, width);
}

NK_VNNI void nk_ternary_matmul_vnni(const int8_t *x, const uint8_t *quads, int32_t *acc, long B, long C, long R,
                                    long Rp, const nk_rescale *rescale) {
    if (B <= 0 || R <= 0) return;
    long whole = C / 4 * 4;  // columns read as whole quads; the rest (< 4) as a zero-padded last quad
    for (long b0 = 0; b0 < B; b0 += 8) {
        long live = B - b0 < 8 ? B - b0 : 8;
        const int8_t *xr[8];
        // a short last tile repeats its first row in the missing slots (valid memory; those sums are never stored)
        for (long i = 0; i < 8; i++) xr[i] = x + (b0 + (i < live ? i : 0)) * C;
        __m512i sx[8];
        __m512 den[8], xs[8];  // xs: the rows' activation scales, for per-row weight scales
        for (long i = 0; i < 8; i++) {
            int32_t s = 0;
            for (long c = 0; c < C; c++) s += xr[i][c];
            sx[i] = _mm512_set1_epi32(s);
            float scale = rescale ? rescale->scales[rescale->per_row ? b0 + (i < live ? i : 0) : 0] : 1.0f;
            xs[i] = _mm512_set1_ps(scale);
            den[i] = _mm512_set1_ps(rescale ? scale * rescale->sw : 1.0f);
        }
        const float *swr = rescale ? rescale->sw_rows : NULL;
        for (long r0 = 0; r0 < Rp; r0 += 32) {
            __m512i a[8][2];
            for (long i = 0; i < 8; i++) a[i][0] = a[i][1] = _mm512_setzero_si512();
            const uint8_t *w = quads + r0 * 4;
            long c = 0;
            for (; c < whole; c += 4, w += Rp * 4) {
                __m512i w0 = _mm512_loadu_si512((const void *)w), w1 = _mm512_loadu_si512((const void *)(w + 64));
                for (long i = 0; i < 8; i++) {
                    int32_t q;
                    memcpy(&q, xr[i] + c, 4);
                    __m512i v = _mm512_set1_epi32(q);
                    a[i][0] = _mm512_dpbusd_epi32(a[i][0], w0, v);
                    a[i][1] = _mm512_dpbusd_epi32(a[i][1], w1, v);
                }
            }
            if (c < C) {
                __m512i w0 = _mm512_loadu_si512((const void *)w), w1 = _mm512_loadu_si512((const void *)(w + 64));
                for (long i = 0; i < 8; i++) {
                    __m512i v = _mm512_set1_epi32(nk_ternary_quad(xr[i], c, C));
                    a[i][0] = _mm512_dpbusd_epi32(a[i][0], w0, v);
                    a[i][1] = _mm512_dpbusd_epi32(a[i][1], w1, v);
                }
            }
            long n0 = R - r0 < 16 ? R - r0 : 16, n1 = R - r0 - 16 < 16 ? R - r0 - 16 : 16;
            const float *bias = rescale && rescale->bias ? rescale->bias + r0 : NULL;
            int relu = rescale && rescale->relu;
            // per-row weight scales: this tile's 2 × 16 of them (lanes past R read as 0; those lanes are not stored)
            __m512 w0 = _mm512_setzero_ps(), w1 = w0;
            if (swr) {
                w0 = _mm512_maskz_loadu_ps(n0 >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n0) - 1), swr + r0);
                if (n1 > 0)
                    w1 = _mm512_maskz_loadu_ps(n1 >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n1) - 1), swr + r0 + 16);
            }
            for (long i = 0; i < live; i++) {
                int32_t *out = rescale ? NULL : acc + (b0 + i) * R + r0;
                float *y = rescale ? rescale->y + (b0 + i) * R + r0 : NULL;
                __m512 d0 = swr ? _mm512_mul_ps(xs[i], w0) : den[i], d1 = swr ? _mm512_mul_ps(xs[i], w1) : den[i];
                nk_ternary_store16(out, y, bias, relu, d0, a[i][0], sx[i], n0);
                nk_ternary_store16(out ? out + 16 : NULL, y ? y + 16 : NULL, bias ? bias + 16 : NULL, relu, d1,
                                   a[i][1], sx[i], n1);
            }
        }
        if (rescale && rescale->q)  // the tile's rows are finished and still in L1: quantise them for the next layer
            for (long i = 0; i < live; i++)
                nk_quantize_row16(rescale->y + (b0 + i) * R, rescale->q + (b0 + i) * R, rescale->q_scales + b0 + i, R);
    }
}

#else
void nk_quantize_int8_rows512(const float *x, int8_t *q, float *scales, long rows, long width) {
    (void)x; (void)q; (void)scales; (void)rows; (void)width;
}
void nk_ternary_matmul_vnni(const int8_t *x, const uint8_t *quads, int32_t *acc, long B, long C, long R, long Rp,
                            const nk_rescale *rescale) {
    (void)x; (void)quads; (void)acc; (void)B; (void)C; (void)R; (void)Rp; (void)rescale;
}
#endif
