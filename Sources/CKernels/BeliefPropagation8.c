// Sum-product BP with eight frames across the AVX2 lanes (see CKernels.h). The formulas are those of the
// Swift kernels (`SumProduct` in Codes): tanh(x/2) = sign(x)(1 − e^{−|x|})/(1 + e^{−|x|}), exclusive products
// by prefix and suffix sweeps, 2·atanh(p) = ln((1 + p)/(1 − p)) with p clamped to ±(1 − 1e-7), messages
// clamped to ±30.
// No contraction into FMA except where a kernel asks for it explicitly (the Gaussian kernel repeats the Swift
// twin's bits), as the library's own flags no longer carry -ffp-contract=off.
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)
#include "CKernels.h"

#if defined(__x86_64__)
#include "VectorMath.h"
#include <string.h>

NK_INLINE __m256 nk_tanh_half(__m256 x) {
    __m256 sign = _mm256_and_ps(x, _mm256_castsi256_ps(_mm256_set1_epi32((int)0x80000000)));
    __m256 a = _mm256_andnot_ps(_mm256_castsi256_ps(_mm256_set1_epi32((int)0x80000000)), x);
    __m256 e = nk_exp_negative(a);
    __m256 t = _mm256_div_ps(_mm256_sub_ps(nk_set1(1.0f), e), _mm256_add_ps(nk_set1(1.0f), e));
    return _mm256_or_ps(t, sign);
}

NK_INLINE __m256 nk_clamp(__m256 x, float limit) {
    return _mm256_min_ps(_mm256_max_ps(x, nk_set1(-limit)), nk_set1(limit));
}

/// Puts frame f into lane l: its LLRs, and its variable-to-check messages (the clamped LLRs).
NK_AVX2 static void load_lane(const float *llr, long f, long l, long n, long E, const long *edge_var,
                              float *lane_llr, float *v2c) {
    const float *x = llr + f * n;
    for (long v = 0; v < n; v++) lane_llr[v * 8 + l] = x[v];
    for (long e = 0; e < E; e++) {
        float y = x[edge_var[e]];
        v2c[e * 8 + l] = y < -30.0f ? -30.0f : (y > 30.0f ? 30.0f : y);
    }
}

/// True when the hard decision of frame f's LLRs satisfies every check.
static int hard_decision_is_codeword(const float *x, long m, const long *edge_var, const long *check_start) {
    for (long c = 0; c < m; c++) {
        int parity = 0;
        for (long e = check_start[c]; e < check_start[c + 1]; e++) parity ^= x[edge_var[e]] < 0;
        if (parity) return 0;
    }
    return 1;
}

/// The next frame that needs iterations, or −1; frames on the way whose hard decision is a codeword are answered.
static long take_next(const float *llr, uint8_t *bits, long count, long n, long m, const long *edge_var,
                      const long *check_start, long *next) {
    while (*next < count) {
        long f = (*next)++;
        const float *x = llr + f * n;
        if (!hard_decision_is_codeword(x, m, edge_var, check_start)) return f;
        for (long v = 0; v < n; v++) bits[f * n + v] = x[v] < 0;
    }
    return -1;
}

NK_AVX2 void nk_bp_sum_product_lanes(const float *llr, uint8_t *bits, long count, long n, long m, long E,
                                     const long *edge_var, const long *check_start, long iterations, float *work) {
    float *v2c = work, *c2v = work + 8 * E, *t = work + 16 * E, *total = work + 24 * E, *lane_llr = total + 8 * n;
    long frame[8], iter[8];
    long next = 0;
    int active = 0;
    memset(work, 0, sizeof(float) * (24 * E + 16 * n));
    for (long l = 0; l < 8; l++) {
        frame[l] = take_next(llr, bits, count, n, m, edge_var, check_start, &next);
        iter[l] = 0;
        if (frame[l] >= 0) { load_lane(llr, frame[l], l, n, E, edge_var, lane_llr, v2c); active++; }
    }
    const __m256 limit = nk_set1(1.0f - 1e-7f);
    while (active > 0) {
        // check nodes: c2v = 2·atanh(∏_{other edges} tanh(v2c/2))
        for (long e = 0; e < E; e++) _mm256_storeu_ps(t + 8 * e, nk_tanh_half(_mm256_loadu_ps(v2c + 8 * e)));
        for (long c = 0; c < m; c++) {
            long s = check_start[c], end = check_start[c + 1];
            __m256 prefix = nk_set1(1.0f);
            for (long e = s; e < end; e++) {
                _mm256_storeu_ps(c2v + 8 * e, prefix);
                prefix = _mm256_mul_ps(prefix, _mm256_loadu_ps(t + 8 * e));
            }
            __m256 suffix = nk_set1(1.0f);
            for (long e = end - 1; e >= s; e--) {
                __m256 p = _mm256_mul_ps(_mm256_loadu_ps(c2v + 8 * e), suffix);
                p = _mm256_min_ps(_mm256_max_ps(p, _mm256_sub_ps(_mm256_setzero_ps(), limit)), limit);
                __m256 r = nk_log(_mm256_div_ps(_mm256_add_ps(nk_set1(1.0f), p), _mm256_sub_ps(nk_set1(1.0f), p)));
                _mm256_storeu_ps(c2v + 8 * e, r);
                suffix = _mm256_mul_ps(suffix, _mm256_loadu_ps(t + 8 * e));
            }
        }
        // variable nodes: posteriors, then extrinsic messages
        memcpy(total, lane_llr, sizeof(float) * 8 * n);
        for (long e = 0; e < E; e++) {
            float *tv = total + 8 * edge_var[e];
            _mm256_storeu_ps(tv, _mm256_add_ps(_mm256_loadu_ps(tv), _mm256_loadu_ps(c2v + 8 * e)));
        }
        for (long e = 0; e < E; e++) {
            __m256 x = _mm256_sub_ps(_mm256_loadu_ps(total + 8 * edge_var[e]), _mm256_loadu_ps(c2v + 8 * e));
            _mm256_storeu_ps(v2c + 8 * e, nk_clamp(x, 30.0f));
        }
        // syndrome of each lane's hard decision: the sign bit of the XOR of the posteriors' sign bits
        __m256i violated = _mm256_setzero_si256();
        for (long c = 0; c < m; c++) {
            __m256i parity = _mm256_setzero_si256();
            for (long e = check_start[c]; e < check_start[c + 1]; e++) {
                parity = _mm256_xor_si256(parity, _mm256_castps_si256(_mm256_loadu_ps(total + 8 * edge_var[e])));
            }
            violated = _mm256_or_si256(violated, parity);
        }
        int unsatisfied = _mm256_movemask_ps(_mm256_castsi256_ps(violated));
        for (long l = 0; l < 8; l++) {
            if (frame[l] < 0) continue;
            iter[l]++;
            if (((unsatisfied >> l) & 1) && iter[l] < iterations) continue;
            uint8_t *out = bits + frame[l] * n;
            for (long v = 0; v < n; v++) out[v] = total[v * 8 + l] < 0;
            frame[l] = take_next(llr, bits, count, n, m, edge_var, check_start, &next);
            iter[l] = 0;
            if (frame[l] >= 0) load_lane(llr, frame[l], l, n, E, edge_var, lane_llr, v2c); else active--;
        }
    }
}

#else
#include <stdio.h>
#include <stdlib.h>
// Not an x86-64 target: `cpu_has_avx2_fma()` is 0, so `Codes` never calls this.
void nk_bp_sum_product_lanes(const float *llr, uint8_t *bits, long count, long n, long m, long E,
                             const long *edge_var, const long *check_start, long iterations, float *work) {
    fprintf(stderr, "nk_bp_sum_product_lanes: AVX2 kernels are not built for this CPU\n");
    abort();
}
#endif
