// Ternary × int8 products on AVX2 by byte multiply-adds: the twin of `TernaryMatrix.multiplyPortable`.
//
// The weights come expanded once, at load (`TernaryMatrix.pairs`): w[c/2, r, c%2] = W_t[r, c] ∈ {−1, 0, 1} as signed
// bytes, rows padded to a multiple of 32 and columns to a multiple of 2 with 0 (so padding adds nothing), and
// `TernaryMatrix.offsets`: o[r] = −128·Σ_c W_t[r, c]. `vpmaddubsw` takes its unsigned operand from the activations,
// x + 128 ∈ [0, 255] (x ^ 0x80, made once a tile and chunk), broadcast as a pair (x[b, c] + 128, x[b, c+1] + 128),
// and its signed operand from 32 weight bytes: one int16 lane per output row r holds
// (x[c] + 128)·W[r,c] + (x[c+1] + 128)·W[r,c+1] ∈ [−510, 510] (no saturation). A tile of 4 input rows × 32 outputs
// keeps 8 int16 accumulators in registers; a column pair costs 2 weight loads, 4 broadcasts from memory, 8
// `vpmaddubsw` + 8 `vpaddw`. Columns run in chunks of 128 (64 pairs: the int16 sums stay within ±32,640); each chunk
// is widened and added to the exact int32 sums, which start from o[r] (the +128 of the activations). Equal on every
// path.
// No contraction into FMA except where a kernel asks for it explicitly (the Gaussian kernel repeats the Swift
// twin's bits; the rescale's exact quotient below), as the library's own flags no longer carry -ffp-contract=off.
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)
#include "CKernels.h"

#if defined(__x86_64__)
#include <string.h>
#include "VectorMath.h"

/// acc[0..<n] = base[0..<n] + the 16 int16 lanes of `s` as int32, n ≤ 16 (base may be acc).
NK_INLINE void nk_ternary_put16(int32_t *acc, __m256i s, const int32_t *base, long n) {
    __m256i lo = _mm256_cvtepi16_epi32(_mm256_castsi256_si128(s));
    __m256i hi = _mm256_cvtepi16_epi32(_mm256_extracti128_si256(s, 1));
    if (n >= 16) {
        lo = _mm256_add_epi32(lo, _mm256_loadu_si256((const __m256i *)base));
        hi = _mm256_add_epi32(hi, _mm256_loadu_si256((const __m256i *)(base + 8)));
        _mm256_storeu_si256((__m256i *)acc, lo);
        _mm256_storeu_si256((__m256i *)(acc + 8), hi);
        return;
    }
    int32_t t[16];
    _mm256_storeu_si256((__m256i *)t, lo);
    _mm256_storeu_si256((__m256i *)(t + 8), hi);
    for (long i = 0; i < n; i++) acc[i] = base[i] + t[i];
}

/// One row's column pair against 32 outputs: the pair (x[c] + 128, x[c+1] + 128) at `pair` broadcast, multiplied by
/// the weight bytes w0 (outputs 0–15) and w1 (16–31) and added to the int16 sums lo and hi.
NK_INLINE void nk_ternary_pair_madd(__m256i *lo, __m256i *hi, const uint8_t *pair, __m256i w0, __m256i w1) {
    int16_t p;
    memcpy(&p, pair, 2);
    __m256i v = _mm256_set1_epi16(p);
    *lo = _mm256_add_epi16(*lo, _mm256_maddubs_epi16(v, w0));
    *hi = _mm256_add_epi16(*hi, _mm256_maddubs_epi16(v, w1));
}

/// a / d for 8 lanes, correctly rounded, without a division: q = a·r, e = a − q·d (exact, by FMA), q + e·r, with
/// r = 1/d correctly rounded (Markstein, IBM J. Res. Dev. 34(1), 1990: the correction of a faithful quotient by the
/// remainder and a correctly rounded reciprocal gives the correctly rounded quotient). Checked exhaustively against
/// `_mm256_div_ps(a, d)` when it was written: every significand of d against every integer a with 2^16 ≤ a < 2^17
/// (5.5·10^11 pairs, the same bits), which covers every integer |a| < 2^17 and every exponent of d while neither the
/// quotient nor r over- or underflows; so the caller keeps |a| < 2^17 (sums of at most 1,024 columns: |a| ≤ 128·C)
/// and 2^−60 < |d| < 2^60. The twin tests compare it with the Swift division.
NK_INLINE __m256 nk_quotient(__m256 a, __m256 d, __m256 r) {
    __m256 q = _mm256_mul_ps(a, r);
    return _mm256_fmadd_ps(_mm256_fnmadd_ps(q, d, a), r, q);
}

/// One row of the rescale: y[o] = sums[o] / (sx·s_w[o]) + bias[o] (s_w[o] = sw_rows[o], or sw), then max(y, 0) with
/// `relu` (the bits of `LinearLayer.forwardInteger`'s rescale loop and of the ReLU; with one s_w, sums of at most 1,024
/// columns (`short_sums`) and sx·sw in its range the quotient by `nk_quotient`, else by division).
NK_INLINE void nk_ternary_rescale_row(const int32_t *a, float sx, float sw, const float *sw_rows, const float *bias,
                                      int relu, int short_sums, float *yr, long outputs) {
    float den = sx * sw, mag = den < 0 ? -den : den;
    int reciprocal = short_sums && !sw_rows && mag > 0x1p-60f && mag < 0x1p60f;
    __m256 d8 = _mm256_set1_ps(den), s8 = _mm256_set1_ps(sx), r8 = _mm256_set1_ps(reciprocal ? 1.0f / den : 0.0f);
    long o = 0;
    for (; o + 8 <= outputs; o += 8) {
        __m256 sums = _mm256_cvtepi32_ps(_mm256_loadu_si256((const __m256i *)(a + o))), v;
        if (reciprocal)
            v = nk_quotient(sums, d8, r8);
        else
            v = _mm256_div_ps(sums, sw_rows ? _mm256_mul_ps(s8, _mm256_loadu_ps(sw_rows + o)) : d8);
        if (bias) v = _mm256_add_ps(v, _mm256_loadu_ps(bias + o));
        if (relu) v = _mm256_max_ps(v, _mm256_setzero_ps());
        _mm256_storeu_ps(yr + o, v);
    }
    for (; o < outputs; o++) {
        float v = (float)a[o] / (sx * (sw_rows ? sw_rows[o] : sw)) + (bias ? bias[o] : 0.0f);
        yr[o] = relu ? (v > 0.0f ? v : 0.0f) : v;
    }
}

NK_AVX2 void nk_ternary_matmul(const int8_t *x, const int8_t *pairs, const int32_t *offsets, int32_t *acc, long B,
                               long C, long R, long Rp, const nk_rescale *rescale) {
    if (B <= 0 || R <= 0) return;
    // a chunk of the tile's activations as unsigned bytes x + 128, an odd last column paired with x = 0 (its padding
    // weight is 0 as well)
    _Alignas(32) uint8_t xs[4][128 + 32];
    const __m256i flip = _mm256_set1_epi8((char)0x80);
    for (long b0 = 0; b0 < B; b0 += 4) {
        long live = B - b0 < 4 ? B - b0 : 4;
        // the tile's sums: its rows of acc, or with a rescale the first rows of acc for every tile (they stay in L1
        // and the sums never go out to memory)
        int32_t *sums = rescale ? acc : acc + b0 * R;
        const int8_t *xr[4];
        // a short last tile repeats its first row in the missing slots (valid memory; those sums are never stored)
        for (long i = 0; i < 4; i++) xr[i] = x + (b0 + (i < live ? i : 0)) * C;
        if (C <= 0)
            for (long i = 0; i < live; i++) memcpy(sums + i * R, offsets, (size_t)R * sizeof(int32_t));
        for (long c0 = 0; c0 < C; c0 += 128) {
            long n = C - c0 < 128 ? C - c0 : 128, np = (n + 1) >> 1;
            for (long i = 0; i < 4; i++) {
                long k = 0;
                for (; k + 32 <= n; k += 32) {
                    __m256i v = _mm256_loadu_si256((const __m256i *)(xr[i] + c0 + k));
                    _mm256_store_si256((__m256i *)(xs[i] + k), _mm256_xor_si256(v, flip));
                }
                for (; k < n; k++) xs[i][k] = (uint8_t)xr[i][c0 + k] ^ 0x80;
                xs[i][n] = 0x80;
            }
            for (long r0 = 0; r0 < Rp; r0 += 32) {
                __m256i a00 = _mm256_setzero_si256(), a01 = a00, a10 = a00, a11 = a00;
                __m256i a20 = a00, a21 = a00, a30 = a00, a31 = a00;
                const int8_t *w = pairs + (c0 >> 1) * Rp * 2 + r0 * 2;
                for (long k = 0; k < np; k++, w += Rp * 2) {
                    __m256i w0 = _mm256_loadu_si256((const __m256i *)w);
                    __m256i w1 = _mm256_loadu_si256((const __m256i *)(w + 32));
                    nk_ternary_pair_madd(&a00, &a01, xs[0] + 2 * k, w0, w1);
                    nk_ternary_pair_madd(&a10, &a11, xs[1] + 2 * k, w0, w1);
                    nk_ternary_pair_madd(&a20, &a21, xs[2] + 2 * k, w0, w1);
                    nk_ternary_pair_madd(&a30, &a31, xs[3] + 2 * k, w0, w1);
                }
                __m256i tile[4][2] = {{a00, a01}, {a10, a11}, {a20, a21}, {a30, a31}};
                long n0 = R - r0 < 16 ? R - r0 : 16, n1 = R - r0 - 16 < 16 ? R - r0 - 16 : 16;
                for (long i = 0; i < live; i++) {
                    int32_t *out = sums + i * R + r0;
                    const int32_t *base = c0 == 0 ? offsets + r0 : out;  // the first chunk starts from the offsets
                    nk_ternary_put16(out, tile[i][0], base, n0);
                    if (n1 > 0) nk_ternary_put16(out + 16, tile[i][1], base + 16, n1);
                }
            }
        }
        if (!rescale) continue;
        // the tile's sums are final and still in L1: rescale (+ ReLU) and quantise its rows for the next layer
        for (long i = 0; i < live; i++) {
            long b = b0 + i;
            float *y = rescale->y + b * R;
            nk_ternary_rescale_row(sums + i * R, rescale->scales[rescale->per_row ? b : 0], rescale->sw, rescale->sw_rows,
                                   rescale->bias, rescale->relu, C <= 1024, y, R);
            if (rescale->q) nk_quantize_int8(y, rescale->q + b * R, rescale->q_scales + b, 1, R);
        }
    }
}

#else
void nk_ternary_matmul(const int8_t *x, const int8_t *pairs, const int32_t *offsets, int32_t *acc, long B, long C,
                       long R, long Rp, const nk_rescale *rescale) {
    (void)x; (void)pairs; (void)offsets; (void)acc; (void)B; (void)C; (void)R; (void)Rp; (void)rescale;
}
#endif

#if defined(__x86_64__)
/// `ActivationQuantizer.forwardInteger`: per group of `size` values, s = 127 / (max|x| + 1e-6) and
/// q = clamp(round_half_even(x·s), −128, 127) as int8; the same float operations as the Swift loops (same bits).
NK_AVX2 void nk_quantize_int8(const float *x, int8_t *q, float *scales, long groups, long size) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
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
        // |x·s| ≤ 127 for finite x: the conversion's rounding (to nearest even, the default mode) and the packs'
        // saturation do what round, clamp and convert do; NaN converts to INT32_MIN, which saturates to −128 as the
        // clamped NaN did
        for (; i + 8 <= size; i += 8) {
            __m256i n = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(xg + i), s8));
            __m128i n16 = _mm_packs_epi32(_mm256_castsi256_si128(n), _mm256_extracti128_si256(n, 1));
            _mm_storel_epi64((__m128i *)(qg + i), _mm_packs_epi16(n16, n16));
        }
        for (; i < size; i++) {
            float v = __builtin_roundevenf(xg[i] * s);
            qg[i] = (int8_t)(v < -128.0f ? -128.0f : (v > 127.0f ? 127.0f : v));
        }
    }
}

#else
void nk_quantize_int8(const float *x, int8_t *q, float *scales, long groups, long size) { (void)x; (void)q; (void)scales; (void)groups; (void)size; }
#endif
