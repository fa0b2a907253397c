// Ternary × int8 products on AVX2 by byte multiply-adds: the twin of `TernaryMatrix.multiplyPortable`.
//
// The weights come expanded once, at load (`TernaryMatrix.pairs`): u[c/2, r, c%2] = W_t[r, c] + 1 ∈ {0, 1, 2} as
// unsigned bytes, rows padded to a multiple of 32 and columns to a multiple of 2 with 0 (so padding adds nothing).
// `vpmaddubsw` multiplies 32 such bytes by a broadcast pair (x[b, c], x[b, c+1]) of signed bytes and adds adjacent
// products: one int16 lane per output row r holds (W[r,c]+1)·x[c] + (W[r,c+1]+1)·x[c+1] ∈ [−512, 508] (no
// saturation). A tile of 4 input rows × 32 outputs keeps 8 int16 accumulators in registers; a column pair costs 2
// weight loads, 4 broadcasts, 8 `vpmaddubsw` + 8 `vpaddw`. Columns run in chunks of 128 (64 pairs: the int16 sums stay
// in [−32768, 32512]); each chunk is widened and added to the exact int32 sums, and Σ_c x[b, c] is subtracted at the
// end (the +1 of the weights). Equal on every path.
// No contraction into FMA except where a kernel asks for it explicitly (the Gaussian kernel repeats the Swift
// twin's bits), as the library's own flags no longer carry -ffp-contract=off.
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)
#include "CKernels.h"

#if defined(__x86_64__)
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

/// The pair (x[c], x[c+1]) of a row as one 16-bit value (x[c] in the low byte), read as one unaligned load.
NK_INLINE int16_t nk_ternary_pair(const int8_t *row, long c) {
    int16_t v;
    memcpy(&v, row + c, 2);
    return v;
}

/// One row of the rescale: y[o] = sums[o] / (sx·s_w[o]) + bias[o] (s_w[o] = sw_rows[o], or sw), then max(y, 0) with
/// `relu` (the operations of `nk_ternary_rescale` and of the ReLU, so the same bits).
NK_INLINE void nk_ternary_rescale_row(const int32_t *a, float sx, float sw, const float *sw_rows, const float *bias,
                                      int relu, float *yr, long outputs) {
    __m256 d8 = _mm256_set1_ps(sx * sw), s8 = _mm256_set1_ps(sx);
    long o = 0;
    for (; o + 8 <= outputs; o += 8) {
        __m256 den = sw_rows ? _mm256_mul_ps(s8, _mm256_loadu_ps(sw_rows + o)) : d8;
        __m256 v = _mm256_div_ps(_mm256_cvtepi32_ps(_mm256_loadu_si256((const __m256i *)(a + o))), den);
        if (bias) v = _mm256_add_ps(v, _mm256_loadu_ps(bias + o));
        if (relu) v = _mm256_max_ps(v, _mm256_setzero_ps());
        _mm256_storeu_ps(yr + o, v);
    }
    for (; o < outputs; o++) {
        float v = (float)a[o] / (sx * (sw_rows ? sw_rows[o] : sw)) + (bias ? bias[o] : 0.0f);
        yr[o] = relu ? (v > 0.0f ? v : 0.0f) : v;
    }
}

NK_AVX2 void nk_ternary_matmul(const int8_t *x, const uint8_t *pairs, int32_t *acc, long B, long C, long R,
                               long Rp, const nk_rescale *rescale) {
    if (B <= 0 || R <= 0) return;
    if (C <= 0) memset(acc, 0, (size_t)(B * R) * sizeof(int32_t));
    for (long b0 = 0; b0 < B; b0 += 4) {
        long live = B - b0 < 4 ? B - b0 : 4;
        const int8_t *xr[4];
        // a short last tile repeats its first row in the missing slots (valid memory; those sums are never stored)
        for (long i = 0; i < 4; i++) xr[i] = x + (b0 + (i < live ? i : 0)) * C;
        for (long r0 = 0; r0 < Rp; r0 += 32) {
            for (long c0 = 0; c0 < C; c0 += 128) {
                long c1 = c0 + 128 < C ? c0 + 128 : C;
                __m256i a00 = _mm256_setzero_si256(), a01 = a00, a10 = a00, a11 = a00;
                __m256i a20 = a00, a21 = a00, a30 = a00, a31 = a00;
                // whole pairs, then an odd last column as the pair (x[c], 0) (its padding weight is 0 as well)
                for (long c = c0; c < c1; c += 2) {
                    const uint8_t *w = pairs + (c >> 1) * Rp * 2 + r0 * 2;
                    __m256i w0 = _mm256_loadu_si256((const __m256i *)w);
                    __m256i w1 = _mm256_loadu_si256((const __m256i *)(w + 32));
                    int tail = c + 1 == C;
                    __m256i v = _mm256_set1_epi16(tail ? (uint8_t)xr[0][c] : nk_ternary_pair(xr[0], c));
                    a00 = _mm256_add_epi16(a00, _mm256_maddubs_epi16(w0, v));
                    a01 = _mm256_add_epi16(a01, _mm256_maddubs_epi16(w1, v));
                    v = _mm256_set1_epi16(tail ? (uint8_t)xr[1][c] : nk_ternary_pair(xr[1], c));
                    a10 = _mm256_add_epi16(a10, _mm256_maddubs_epi16(w0, v));
                    a11 = _mm256_add_epi16(a11, _mm256_maddubs_epi16(w1, v));
                    v = _mm256_set1_epi16(tail ? (uint8_t)xr[2][c] : nk_ternary_pair(xr[2], c));
                    a20 = _mm256_add_epi16(a20, _mm256_maddubs_epi16(w0, v));
                    a21 = _mm256_add_epi16(a21, _mm256_maddubs_epi16(w1, v));
                    v = _mm256_set1_epi16(tail ? (uint8_t)xr[3][c] : nk_ternary_pair(xr[3], c));
                    a30 = _mm256_add_epi16(a30, _mm256_maddubs_epi16(w0, v));
                    a31 = _mm256_add_epi16(a31, _mm256_maddubs_epi16(w1, v));
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
        for (long i = 0; i < live; i++) {  // the +1 of every weight: subtract Σ_c x[b, c]
            int32_t sx = 0;
            for (long c = 0; c < C; c++) sx += xr[i][c];
            int32_t *out = acc + (b0 + i) * R;
            for (long r = 0; r < R; r++) out[r] -= sx;
        }
        if (!rescale) continue;
        // the tile's sums are final and still in L1: rescale (+ ReLU) and quantise its rows for the next layer
        for (long i = 0; i < live; i++) {
            long b = b0 + i;
            float *y = rescale->y + b * R;
            nk_ternary_rescale_row(acc + b * R, rescale->scales[rescale->per_row ? b : 0], rescale->sw, rescale->sw_rows,
                                   rescale->bias, rescale->relu, y, R);
            if (rescale->q) nk_quantize_int8(y, rescale->q + b * R, rescale->q_scales + b, 1, R);
        }
    }
}

#else
void nk_ternary_matmul(const int8_t *x, const uint8_t *pairs, int32_t *acc, long B, long C, long R, long Rp,
                       const nk_rescale *rescale) {
    (void)x; (void)pairs; (void)acc; (void)B; (void)C; (void)R; (void)Rp; (void)rescale;
}
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
NK_AVX2 void nk_ternary_rescale(const int32_t *sums, const float *scales, int per_row, float sw, const float *sw_rows,
                                const float *bias, float *y, long rows, long outputs) {
    for (long r = 0; r < rows; r++)
        nk_ternary_rescale_row(sums + r * outputs, scales[per_row ? r : 0], sw, sw_rows, bias, 0, y + r * outputs,
                               outputs);
}
#else
void nk_quantize_int8(const float *x, int8_t *q, float *scales, long groups, long size) { (void)x; (void)q; (void)scales; (void)groups; (void)size; }
void nk_ternary_rescale(const int32_t *sums, const float *scales, int per_row, float sw, const float *sw_rows,
                        const float *bias, float *y, long rows, long outputs) {
    (void)sums; (void)scales; (void)per_row; (void)sw; (void)sw_rows; (void)bias; (void)y; (void)rows; (void)outputs;
}
#endif
