// Ternary × int8 products on AVX2, additions and subtractions only: the twin of `TernaryMatrix.multiplyPortable`.
//
// The input rows are widened once to int16 (16 columns a register, zero-padded to a multiple of 16). For each output
// row and block of up to 128 columns, the row's two bit planes are expanded once into int16 sign vectors w ∈ {−1, 0, 1}
// (broadcast, bit select, compare), and every input row then costs one `vpsignw` (x·w as a conditional negate: no
// multiply) and one `vpaddw` per 16 columns, and one widening horizontal sum per block. A block puts at most 8
// products of |x| ≤ 127 in an int16 lane, so nothing overflows; the sums are exact int32, equal on every path.
#include "CKernels.h"

#if defined(__x86_64__)
#include <stdlib.h>
#include <string.h>
#include "VectorMath.h"

NK_INLINE int32_t nk_hsum_epi16_to_32(__m256i s) {
    __m256i v = _mm256_add_epi32(_mm256_cvtepi16_epi32(_mm256_castsi256_si128(s)),
                                 _mm256_cvtepi16_epi32(_mm256_extracti128_si256(s, 1)));
    __m128i t = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    t = _mm_add_epi32(t, _mm_shuffle_epi32(t, 0x4E));
    t = _mm_add_epi32(t, _mm_shuffle_epi32(t, 0xB1));
    return _mm_cvtsi128_si32(t);
}

/// The sign vector of 16 columns from 16 plus bits and 16 minus bits: +1, −1 or 0 per int16 lane.
NK_INLINE __m256i nk_signs16(uint32_t p, uint32_t m, __m256i select) {
    __m256i pm = _mm256_cmpeq_epi16(_mm256_and_si256(_mm256_set1_epi16((short)p), select), select);
    __m256i mm = _mm256_cmpeq_epi16(_mm256_and_si256(_mm256_set1_epi16((short)m), select), select);
    return _mm256_or_si256(_mm256_sub_epi16(_mm256_setzero_si256(), pm), mm);
}

NK_AVX2 void nk_ternary_matmul(const int8_t *x, const uint8_t *plus, const uint8_t *minus, int32_t *acc,
                               long B, long C, long R, long row_bytes) {
    long Cp = (C + 15) & ~15L;
    int16_t *x16 = aligned_alloc(32, (size_t)(B * Cp * 2 + 32));
    for (long b = 0; b < B; b++) {
        const int8_t *xb = x + b * C;
        int16_t *yb = x16 + b * Cp;
        long c = 0;
        for (; c + 16 <= C; c += 16)
            _mm256_store_si256((__m256i *)(yb + c), _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(xb + c))));
        for (; c < Cp; c++) yb[c] = c < C ? xb[c] : 0;
    }
    const __m256i select = _mm256_setr_epi16(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384,
                                             (short)0x8000);
    for (long r = 0; r < R; r++) {
        const uint8_t *p = plus + r * row_bytes, *m = minus + r * row_bytes;
        for (long c0 = 0; c0 < Cp; c0 += 128) {
            long nb = (Cp - c0) / 16 < 8 ? (Cp - c0) / 16 : 8;
            __m256i w[8];
            for (long k = 0; k < nb; k++) {
                long byte = (c0 + 16 * k) / 8;
                uint32_t pb = p[byte] | (byte + 1 < row_bytes ? (uint32_t)p[byte + 1] << 8 : 0);
                uint32_t mb = m[byte] | (byte + 1 < row_bytes ? (uint32_t)m[byte + 1] << 8 : 0);
                w[k] = nk_signs16(pb, mb, select);
            }
            for (long b = 0; b < B; b++) {
                const int16_t *xr = x16 + b * Cp + c0;
                __m256i s = _mm256_sign_epi16(_mm256_load_si256((const __m256i *)xr), w[0]);
                for (long k = 1; k < nb; k++)
                    s = _mm256_add_epi16(s, _mm256_sign_epi16(_mm256_load_si256((const __m256i *)(xr + 16 * k)), w[k]));
                int32_t total = nk_hsum_epi16_to_32(s);
                acc[b * R + r] = c0 == 0 ? total : acc[b * R + r] + total;
            }
        }
    }
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
