// Ternary × int8 products on AVX-512 (F, BW, VL), additions and subtractions only: the twin of
// `TernaryMatrix.multiplyPortable`.
//
// Outer-product form with the bit planes used as lane masks. Per call the row-major planes are transposed into
// column-major bit words: bit r % 32 of tplus[c, r / 32] is set where W_t[r, c] = +1 (tminus: −1); the stored weights
// stay 2 bits each. The input rows are widened to int16. A tile of 4 input rows × 64 outputs keeps 16 zmm
// accumulators of 32 int16 lanes (the sums over +1 weights and over −1 weights apart, so the two masked additions of a
// lane do not wait on each other); column c costs 4 mask loads, 4 broadcasts of x[b, c] and 16 masked `vpaddw`: a
// lane is touched only where its weight is ±1, no multiply and no sign instruction; one `vpsubw` per chunk. Columns run in chunks of 128 (an int16 lane holds at most 128 terms of
// |x| ≤ 128: no overflow); each chunk is widened and added to the exact int32 sums, equal on every path.
// No contraction into FMA except where a kernel asks for it explicitly (the Gaussian kernel repeats the Swift
// twin's bits), as the library's own flags no longer carry -ffp-contract=off.
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)
#include "CKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

#define NK_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx2,fma")))

/// Adds (or stores, when `first`) the 32 int16 lanes of `s` as int32 to acc[0..<n], n ≤ 32.
static inline __attribute__((always_inline)) NK_AVX512 void nk_ternary_put32(int32_t *acc, __m512i s, long n,
                                                                             int first) {
    if (n <= 0) return;
    __m512i lo = _mm512_cvtepi16_epi32(_mm512_castsi512_si256(s));
    __m512i hi = _mm512_cvtepi16_epi32(_mm512_extracti64x4_epi64(s, 1));
    __mmask16 mlo = n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1);
    __mmask16 mhi = n >= 32 ? (__mmask16)0xFFFF : n <= 16 ? (__mmask16)0 : (__mmask16)((1u << (n - 16)) - 1);
    if (!first) {
        lo = _mm512_add_epi32(lo, _mm512_maskz_loadu_epi32(mlo, acc));
        hi = _mm512_add_epi32(hi, _mm512_maskz_loadu_epi32(mhi, acc + 16));
    }
    _mm512_mask_storeu_epi32(acc, mlo, lo);
    _mm512_mask_storeu_epi32(acc + 16, mhi, hi);
}

#define NK_STEP(ap, am, kp, km, v) ap = _mm512_mask_add_epi16(ap, kp, ap, v); am = _mm512_mask_add_epi16(am, km, am, v)

NK_AVX512 void nk_ternary_matmul_avx512(const int8_t *x, const uint8_t *plus, const uint8_t *minus, int32_t *acc,
                                        long B, long C, long R, long row_bytes) {
    if (B <= 0 || R <= 0) return;
    if (C <= 0) { memset(acc, 0, (size_t)(B * R) * sizeof(int32_t)); return; }
    long Rw = ((R + 63) & ~63L) / 32, Bp = (B + 3) & ~3L;  // 32-bit mask words per column (pairs), padded rows
    uint32_t *tp = calloc((size_t)(C * Rw), sizeof(uint32_t)), *tm = calloc((size_t)(C * Rw), sizeof(uint32_t));
    int16_t *x16 = malloc((size_t)(Bp * C) * sizeof(int16_t));
    for (long r = 0; r < R; r++)
        for (long k = 0; k < row_bytes; k++) {
            unsigned p = plus[r * row_bytes + k], m = minus[r * row_bytes + k];
            while (p) { tp[(k * 8 + __builtin_ctz(p)) * Rw + r / 32] |= 1u << (r % 32); p &= p - 1; }
            while (m) { tm[(k * 8 + __builtin_ctz(m)) * Rw + r / 32] |= 1u << (r % 32); m &= m - 1; }
        }
    for (long i = 0; i < B * C; i++) x16[i] = x[i];
    for (long i = B * C; i < Bp * C; i++) x16[i] = 0;
    for (long b0 = 0; b0 < Bp; b0 += 4) {
        const int16_t *x0 = x16 + b0 * C, *x1 = x0 + C, *x2 = x1 + C, *x3 = x2 + C;
        long live = B - b0 < 4 ? B - b0 : 4;
        for (long w0 = 0; w0 < Rw; w0 += 2) {
            long r0 = w0 * 32;
            for (long c0 = 0; c0 < C; c0 += 128) {
                long c1 = c0 + 128 < C ? c0 + 128 : C;
                // separate +1 and −1 accumulators: no dependency between the two masked operations of a lane
                __m512i p00 = _mm512_setzero_si512(), p01 = p00, p10 = p00, p11 = p00, p20 = p00, p21 = p00;
                __m512i p30 = p00, p31 = p00, m00 = p00, m01 = p00, m10 = p00, m11 = p00, m20 = p00, m21 = p00;
                __m512i m30 = p00, m31 = p00;
                for (long c = c0; c < c1; c++) {
                    const uint32_t *p = tp + c * Rw + w0, *m = tm + c * Rw + w0;
                    __mmask32 kp0 = p[0], kp1 = p[1], km0 = m[0], km1 = m[1];
                    __m512i v = _mm512_set1_epi16(x0[c]);
                    NK_STEP(p00, m00, kp0, km0, v); NK_STEP(p01, m01, kp1, km1, v);
                    v = _mm512_set1_epi16(x1[c]);
                    NK_STEP(p10, m10, kp0, km0, v); NK_STEP(p11, m11, kp1, km1, v);
                    v = _mm512_set1_epi16(x2[c]);
                    NK_STEP(p20, m20, kp0, km0, v); NK_STEP(p21, m21, kp1, km1, v);
                    v = _mm512_set1_epi16(x3[c]);
                    NK_STEP(p30, m30, kp0, km0, v); NK_STEP(p31, m31, kp1, km1, v);
                }
                // |Σ+| , |Σ−| ≤ 128 · 128 each, so Σ+ − Σ− stays within int16
                __m512i a00 = _mm512_sub_epi16(p00, m00), a01 = _mm512_sub_epi16(p01, m01);
                __m512i a10 = _mm512_sub_epi16(p10, m10), a11 = _mm512_sub_epi16(p11, m11);
                __m512i a20 = _mm512_sub_epi16(p20, m20), a21 = _mm512_sub_epi16(p21, m21);
                __m512i a30 = _mm512_sub_epi16(p30, m30), a31 = _mm512_sub_epi16(p31, m31);
                __m512i tile[4][2] = {{a00, a01}, {a10, a11}, {a20, a21}, {a30, a31}};
                long n0 = R - r0 < 32 ? R - r0 : 32, n1 = R - r0 - 32 < 32 ? R - r0 - 32 : 32;
                for (long i = 0; i < live; i++) {
                    int32_t *out = acc + (b0 + i) * R + r0;
                    nk_ternary_put32(out, tile[i][0], n0, c0 == 0);
                    nk_ternary_put32(out + 32, tile[i][1], n1, c0 == 0);
                }
            }
        }
    }
    free(tp);
    free(tm);
    free(x16);
}

#else
void nk_ternary_matmul_avx512(const int8_t *x, const uint8_t *plus, const uint8_t *minus, int32_t *acc,
                              long B, long C, long R, long row_bytes) {
    (void)x; (void)plus; (void)minus; (void)acc; (void)B; (void)C; (void)R; (void)row_bytes;
}
#endif
