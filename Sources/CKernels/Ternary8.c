// Ternary × int8 products on AVX2, additions and subtractions only: the twin of `TernaryMatrix.multiplyPortable`.
//
// Each input row is widened once to int32 (8 columns per register); each byte of a row's plus / minus bit plane
// selects lanes through a 256-entry table of lane masks; acc += x & plus_mask, acc −= x & minus_mask. The sums are
// exact int32, so every path gives the same integers.
#include "CKernels.h"

#if defined(__x86_64__)
#include <stdlib.h>
#include <string.h>
#include "VectorMath.h"

static int32_t nk_lane_masks[256][8];
static int nk_lane_masks_ready = 0;

static void nk_fill_lane_masks(void) {
    for (int byte = 0; byte < 256; byte++)
        for (int lane = 0; lane < 8; lane++) nk_lane_masks[byte][lane] = (byte >> lane) & 1 ? -1 : 0;
    __atomic_store_n(&nk_lane_masks_ready, 1, __ATOMIC_RELEASE);
}

NK_INLINE int32_t nk_hsum_epi32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    return _mm_cvtsi128_si32(s);
}

NK_AVX2 void nk_ternary_matmul(const int8_t *x, const uint8_t *plus, const uint8_t *minus, int32_t *acc,
                               long B, long C, long R, long row_bytes) {
    if (!__atomic_load_n(&nk_lane_masks_ready, __ATOMIC_ACQUIRE)) nk_fill_lane_masks();
    long chunks = (C + 7) / 8;
    int32_t *wide = aligned_alloc(32, (size_t)(chunks * 8 * 4 + 32));
    for (long k = C; k < chunks * 8; k++) wide[k] = 0;
    for (long b = 0; b < B; b++) {
        const int8_t *xb = x + b * C;
        long c = 0;
        for (; c + 8 <= C; c += 8)
            _mm256_store_si256((__m256i *)(wide + c), _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(xb + c))));
        for (; c < C; c++) wide[c] = xb[c];
        for (long r = 0; r < R; r++) {
            const uint8_t *p = plus + r * row_bytes, *m = minus + r * row_bytes;
            __m256i s = _mm256_setzero_si256();
            for (long k = 0; k < chunks; k++) {
                __m256i v = _mm256_load_si256((const __m256i *)(wide + 8 * k));
                __m256i pm = _mm256_loadu_si256((const __m256i *)nk_lane_masks[p[k]]);
                __m256i mm = _mm256_loadu_si256((const __m256i *)nk_lane_masks[m[k]]);
                s = _mm256_add_epi32(s, _mm256_and_si256(v, pm));
                s = _mm256_sub_epi32(s, _mm256_and_si256(v, mm));
            }
            acc[b * R + r] = nk_hsum_epi32(s);
        }
    }
    free(wide);
}

#else
void nk_ternary_matmul(const int8_t *x, const uint8_t *plus, const uint8_t *minus, int32_t *acc,
                       long B, long C, long R, long row_bytes) { (void)x; (void)plus; (void)minus; (void)acc; (void)B; (void)C; (void)R; (void)row_bytes; }
#endif
