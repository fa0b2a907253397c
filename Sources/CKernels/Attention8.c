// Masked attention for eight heads on AVX2 + FMA: the twin of `Attention+EightHeads.swift`.
//
// Rows of q, k, v are re-laid out from [8, dh] to [dh, 8] so that the eight heads of one (query, key) pair
// fill one 256-bit register; each pair then costs dh fused multiply-adds for the score, one vector exp for
// the softmax and dh multiply-adds for the values. Summation order differs from the Swift path (FMA, two
// partial sums), so results agree to rounding, not bit for bit.
// No contraction into FMA except where a kernel asks for it explicitly (the Gaussian kernel repeats the Swift
// twin's bits), as the library's own flags no longer carry -ffp-contract=off.
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)
#include "CKernels.h"

#if defined(__x86_64__)
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "VectorMath.h"

/// `Dropout.hash`: SplitMix64 finaliser of (seed, stream, index).
static inline uint64_t nk_hash(uint64_t seed, uint64_t stream, uint64_t index) {
    uint64_t z = seed + stream * 0x9E3779B97F4A7C15ull + index * 0xD1B54A32D192ED03ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/// `Dropout.keepFlags8`: 1 or 0 for the eight elements from `index` (a multiple of 4); two hashes, whose
/// four 16-bit fields each are compared with the threshold.
NK_INLINE __m256 nk_keep_flags8(const nk_dropout *dropout, uint64_t index) {
    uint64_t a = nk_hash(dropout->seed, dropout->stream, index >> 2);
    // Keep the two hashes scalar: AVX2 has no 64-bit multiply, and the two-lane emulation that the SLP
    // vectoriser otherwise builds (three vpmuludq per product) is slower than scalar imul.
    uint64_t next = (index >> 2) + 1;
    __asm__("" : "+r"(next) : "r"(a));
    uint64_t b = nk_hash(dropout->seed, dropout->stream, next);
    __m256i fields = _mm256_cvtepu16_epi32(_mm_set_epi64x((long long)b, (long long)a));
    __m256i kept = _mm256_cmpgt_epi32(fields, _mm256_set1_epi32((int)dropout->threshold - 1));
    return _mm256_and_ps(_mm256_castsi256_ps(kept), nk_set1(1.0f));
}

/// y[r, c·8 + h] = scale · x[r, h·dh + c] for `rows` rows of width 8·dh (one gather per column c).
NK_AVX2 static void nk_interleave(const float *x, float *y, long rows, long dh, float scale) {
    long d = 8 * dh;
    __m256i index = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32((int)dh));
    __m256 s = nk_set1(scale);
    for (long r = 0; r < rows; r++) {
        const float *xr = x + r * d;
        float *yr = y + r * d;
        for (long c = 0; c < dh; c++)
            _mm256_storeu_ps(yr + 8 * c, _mm256_mul_ps(_mm256_i32gather_ps(xr + c, index, 4), s));
    }
}

/// y[r, h·dh + c] (+)= scale · x[r, c·8 + h]: the inverse of `nk_interleave`, accumulating or writing.
NK_AVX2 static void nk_deinterleave(const float *x, float *y, long rows, long dh, float scale, int accumulate) {
    long d = 8 * dh;
    for (long r = 0; r < rows; r++) {
        const float *xr = x + r * d;
        float *yr = y + r * d;
        if (accumulate) {
            for (long h = 0; h < 8; h++)
                for (long c = 0; c < dh; c++) yr[h * dh + c] += scale * xr[c * 8 + h];
        } else {
            for (long h = 0; h < 8; h++)
                for (long c = 0; c < dh; c++) yr[h * dh + c] = scale * xr[c * 8 + h];
        }
    }
}

NK_AVX2 void nk_attention8_forward(const float *q, const float *k, const float *v, float *out, float *probs, float *keep,
                                   nk_dropout dropout, const long *row_start, const long *keys, long L, long P, long B,
                                   long d, long batch_offset, float *scratch, int store_probabilities,
                                   const float *head_mask) {
    const __m256 minus_inf = nk_set1(-INFINITY), zero = _mm256_setzero_ps();
    long R = B * L, dh = d / 8;
    float *qp = scratch, *kp = scratch + R * d, *vp = scratch + 2 * R * d, *acc = scratch + 3 * R * d;
    nk_interleave(q, qp, R, dh, 1.0f / sqrtf((float)dh));
    nk_interleave(k, kp, R, dh, 1.0f);
    nk_interleave(v, vp, R, dh, 1.0f);
    __m256 keep_scale = nk_set1(dropout.enabled ? dropout.scale : 1.0f);
    for (long b = 0; b < B; b++) {
        float *pb = probs + b * P * 8;
        float *kb = dropout.enabled ? keep + b * P * 8 : NULL;
        uint64_t stream_base = (uint64_t)((batch_offset + b) * P);
        long base = b * L;
        for (long i = 0; i < L; i++) {
            const float *qi = qp + (base + i) * d;
            long s = row_start[i], e = row_start[i + 1];
            // scores s_j = q′_i·k_j for the eight heads at once, and their maximum
            __m256 mx = nk_set1(-INFINITY);
            if (dh == 4) {
                __m256 q0 = _mm256_loadu_ps(qi), q1 = _mm256_loadu_ps(qi + 8);
                __m256 q2 = _mm256_loadu_ps(qi + 16), q3 = _mm256_loadu_ps(qi + 24);
                for (long t = s; t < e; t++) {
                    const float *kj = kp + (base + keys[t]) * 32;
                    __m256 a = _mm256_fmadd_ps(q1, _mm256_loadu_ps(kj + 8), _mm256_mul_ps(q0, _mm256_loadu_ps(kj)));
                    __m256 c = _mm256_fmadd_ps(q3, _mm256_loadu_ps(kj + 24), _mm256_mul_ps(q2, _mm256_loadu_ps(kj + 16)));
                    a = _mm256_add_ps(a, c);
                    if (head_mask) a = _mm256_blendv_ps(minus_inf, a, _mm256_cmp_ps(_mm256_loadu_ps(head_mask + t * 8), zero, _CMP_NEQ_OQ));
                    _mm256_storeu_ps(pb + t * 8, a);
                    mx = _mm256_max_ps(mx, a);
                }
            } else {
                for (long t = s; t < e; t++) {
                    const float *kj = kp + (base + keys[t]) * d;
                    __m256 a = _mm256_setzero_ps();
                    for (long c = 0; c < dh; c++) a = _mm256_fmadd_ps(_mm256_loadu_ps(qi + 8 * c), _mm256_loadu_ps(kj + 8 * c), a);
                    if (head_mask) a = _mm256_blendv_ps(minus_inf, a, _mm256_cmp_ps(_mm256_loadu_ps(head_mask + t * 8), zero, _CMP_NEQ_OQ));
                    _mm256_storeu_ps(pb + t * 8, a);
                    mx = _mm256_max_ps(mx, a);
                }
            }
            // a head whose every key is masked (HPSA) gets zero weights and a zero output
            if (head_mask) mx = _mm256_blendv_ps(mx, zero, _mm256_cmp_ps(mx, minus_inf, _CMP_EQ_OQ));
            // p̂_j = e^{s_j − max}; Σ p̂_j and Σ p̂_j·keep_j/(1 − p′)·v_j in one pass, normalised at the end
            __m256 sum = _mm256_setzero_ps();
#define NK_WEIGHT(t, w)                                                                             \
            __m256 w = nk_exp_negative(_mm256_sub_ps(mx, _mm256_loadu_ps(pb + (t) * 8)));           \
            if (head_mask) w = _mm256_mul_ps(w, _mm256_loadu_ps(head_mask + (t) * 8));              \
            _mm256_storeu_ps(pb + (t) * 8, w);                                                      \
            sum = _mm256_add_ps(sum, w);                                                            \
            if (kb) {                                                                               \
                __m256 flags = nk_keep_flags8(&dropout, (stream_base + (uint64_t)(t)) * 8);         \
                _mm256_storeu_ps(kb + (t) * 8, flags);                                              \
                w = _mm256_mul_ps(_mm256_mul_ps(w, flags), keep_scale);                             \
            }
            if (dh == 4) {
                __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
                for (long t = s; t < e; t++) {
                    NK_WEIGHT(t, w)
                    const float *vj = vp + (base + keys[t]) * 32;
                    a0 = _mm256_fmadd_ps(w, _mm256_loadu_ps(vj), a0);
                    a1 = _mm256_fmadd_ps(w, _mm256_loadu_ps(vj + 8), a1);
                    a2 = _mm256_fmadd_ps(w, _mm256_loadu_ps(vj + 16), a2);
                    a3 = _mm256_fmadd_ps(w, _mm256_loadu_ps(vj + 24), a3);
                }
                _mm256_storeu_ps(acc, a0); _mm256_storeu_ps(acc + 8, a1);
                _mm256_storeu_ps(acc + 16, a2); _mm256_storeu_ps(acc + 24, a3);
            } else {
                for (long c = 0; c < dh; c++) _mm256_storeu_ps(acc + 8 * c, _mm256_setzero_ps());
                for (long t = s; t < e; t++) {
                    NK_WEIGHT(t, w)
                    const float *vj = vp + (base + keys[t]) * d;
                    for (long c = 0; c < dh; c++)
                        _mm256_storeu_ps(acc + 8 * c, _mm256_fmadd_ps(w, _mm256_loadu_ps(vj + 8 * c), _mm256_loadu_ps(acc + 8 * c)));
                }
            }
#undef NK_WEIGHT
            __m256 inv = _mm256_div_ps(nk_set1(1.0f), sum);
            if (head_mask) inv = _mm256_blendv_ps(inv, zero, _mm256_cmp_ps(sum, zero, _CMP_EQ_OQ));
            for (long c = 0; c < dh; c++) _mm256_storeu_ps(acc + 8 * c, _mm256_mul_ps(_mm256_loadu_ps(acc + 8 * c), inv));
            if (store_probabilities)
                for (long t = s; t < e; t++) _mm256_storeu_ps(pb + t * 8, _mm256_mul_ps(_mm256_loadu_ps(pb + t * 8), inv));
            float *oi = out + (base + i) * d;
            for (long h = 0; h < 8; h++)
                for (long c = 0; c < dh; c++) oi[h * dh + c] = acc[c * 8 + h];
        }
    }
}

/// One query row of the backward pass for dh = 4, with dout_i, q′_i and dq_i = Σ ds·k in registers (dq_i is written).
NK_INLINE void nk_backward_row4(const float *doi, const float *qi, float *dqi, const float *pb, const float *kb,
                                __m256 keep_scale, const long *keys, long s, long e, long base, const float *kp,
                                const float *vp, float *dkp, float *dvp, float *dp) {
    __m256 o0 = _mm256_loadu_ps(doi), o1 = _mm256_loadu_ps(doi + 8), o2 = _mm256_loadu_ps(doi + 16), o3 = _mm256_loadu_ps(doi + 24);
    __m256 dot = _mm256_setzero_ps();
    for (long t = s; t < e; t++) {
        __m256 p = _mm256_loadu_ps(pb + t * 8);
        __m256 kf = kb ? _mm256_mul_ps(_mm256_loadu_ps(kb + t * 8), keep_scale) : keep_scale;
        __m256 w = _mm256_mul_ps(p, kf);
        long j = (base + keys[t]) * 32;
        const float *vj = vp + j;
        float *dvj = dvp + j;
        _mm256_storeu_ps(dvj, _mm256_fmadd_ps(w, o0, _mm256_loadu_ps(dvj)));
        _mm256_storeu_ps(dvj + 8, _mm256_fmadd_ps(w, o1, _mm256_loadu_ps(dvj + 8)));
        _mm256_storeu_ps(dvj + 16, _mm256_fmadd_ps(w, o2, _mm256_loadu_ps(dvj + 16)));
        _mm256_storeu_ps(dvj + 24, _mm256_fmadd_ps(w, o3, _mm256_loadu_ps(dvj + 24)));
        __m256 g = _mm256_add_ps(_mm256_fmadd_ps(o1, _mm256_loadu_ps(vj + 8), _mm256_mul_ps(o0, _mm256_loadu_ps(vj))),
                                 _mm256_fmadd_ps(o3, _mm256_loadu_ps(vj + 24), _mm256_mul_ps(o2, _mm256_loadu_ps(vj + 16))));
        g = _mm256_mul_ps(g, kf);
        _mm256_storeu_ps(dp + (t - s) * 8, g);
        dot = _mm256_fmadd_ps(g, p, dot);
    }
    __m256 q0 = _mm256_loadu_ps(qi), q1 = _mm256_loadu_ps(qi + 8), q2 = _mm256_loadu_ps(qi + 16), q3 = _mm256_loadu_ps(qi + 24);
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    for (long t = s; t < e; t++) {
        __m256 ds = _mm256_mul_ps(_mm256_loadu_ps(pb + t * 8), _mm256_sub_ps(_mm256_loadu_ps(dp + (t - s) * 8), dot));
        long j = (base + keys[t]) * 32;
        const float *kj = kp + j;
        float *dkj = dkp + j;
        a0 = _mm256_fmadd_ps(ds, _mm256_loadu_ps(kj), a0);
        a1 = _mm256_fmadd_ps(ds, _mm256_loadu_ps(kj + 8), a1);
        a2 = _mm256_fmadd_ps(ds, _mm256_loadu_ps(kj + 16), a2);
        a3 = _mm256_fmadd_ps(ds, _mm256_loadu_ps(kj + 24), a3);
        _mm256_storeu_ps(dkj, _mm256_fmadd_ps(ds, q0, _mm256_loadu_ps(dkj)));
        _mm256_storeu_ps(dkj + 8, _mm256_fmadd_ps(ds, q1, _mm256_loadu_ps(dkj + 8)));
        _mm256_storeu_ps(dkj + 16, _mm256_fmadd_ps(ds, q2, _mm256_loadu_ps(dkj + 16)));
        _mm256_storeu_ps(dkj + 24, _mm256_fmadd_ps(ds, q3, _mm256_loadu_ps(dkj + 24)));
    }
    _mm256_storeu_ps(dqi, a0);
    _mm256_storeu_ps(dqi + 8, a1);
    _mm256_storeu_ps(dqi + 16, a2);
    _mm256_storeu_ps(dqi + 24, a3);
}

NK_AVX2 void nk_attention8_backward(const float *dout, const float *q, const float *k, const float *v, const float *probs,
                                    const float *keep, float keep_scale, float *dq, float *dk, float *dv,
                                    const long *row_start, const long *keys, long L, long P, long B, long d, float *scratch,
                                    int accumulate) {
    long R = B * L, dh = d / 8;
    float scale = 1.0f / sqrtf((float)dh);
    float *dop = scratch, *qp = scratch + R * d, *kp = scratch + 2 * R * d, *vp = scratch + 3 * R * d;
    float *dqp = scratch + 4 * R * d, *dkp = scratch + 5 * R * d, *dvp = scratch + 6 * R * d, *dp = scratch + 7 * R * d;
    nk_interleave(dout, dop, R, dh, 1.0f);
    nk_interleave(q, qp, R, dh, scale);
    nk_interleave(k, kp, R, dh, 1.0f);
    nk_interleave(v, vp, R, dh, 1.0f);
    memset(dkp, 0, sizeof(float) * (size_t)(2 * R * d)); // dk, dv gather from many rows; dq is written per row
    __m256 ks = nk_set1(keep_scale);
    for (long b = 0; b < B; b++) {
        const float *pb = probs + b * P * 8;
        const float *kb = keep ? keep + b * P * 8 : NULL;
        long base = b * L;
        for (long i = 0; i < L; i++) {
            long s = row_start[i], e = row_start[i + 1];
            const float *doi = dop + (base + i) * d, *qi = qp + (base + i) * d;
            float *dqi = dqp + (base + i) * d;
            if (dh == 4) {
                nk_backward_row4(doi, qi, dqi, pb, kb, ks, keys, s, e, base, kp, vp, dkp, dvp, dp);
                continue;
            }
            // g_j = (dout_i·v_j)·keep/(1 − p′) per head; dv_j += p̃_j dout_i; dot = Σ_j g_j p_j
            __m256 dot = _mm256_setzero_ps();
            for (long c = 0; c < dh; c++) _mm256_storeu_ps(dqi + 8 * c, _mm256_setzero_ps());
            for (long t = s; t < e; t++) {
                __m256 p = _mm256_loadu_ps(pb + t * 8);
                __m256 kf = kb ? _mm256_mul_ps(_mm256_loadu_ps(kb + t * 8), ks) : ks;
                __m256 w = _mm256_mul_ps(p, kf);
                long j = (base + keys[t]) * d;
                const float *vj = vp + j;
                float *dvj = dvp + j;
                __m256 g = _mm256_setzero_ps();
                for (long c = 0; c < dh; c++) {
                    __m256 o = _mm256_loadu_ps(doi + 8 * c);
                    _mm256_storeu_ps(dvj + 8 * c, _mm256_fmadd_ps(w, o, _mm256_loadu_ps(dvj + 8 * c)));
                    g = _mm256_fmadd_ps(o, _mm256_loadu_ps(vj + 8 * c), g);
                }
                g = _mm256_mul_ps(g, kf);
                _mm256_storeu_ps(dp + (t - s) * 8, g);
                dot = _mm256_fmadd_ps(g, p, dot);
            }
            // softmax backward ds = p (g − dot); s = q′·k
            for (long t = s; t < e; t++) {
                __m256 ds = _mm256_mul_ps(_mm256_loadu_ps(pb + t * 8), _mm256_sub_ps(_mm256_loadu_ps(dp + (t - s) * 8), dot));
                long j = (base + keys[t]) * d;
                const float *kj = kp + j;
                float *dkj = dkp + j;
                for (long c = 0; c < dh; c++) {
                    _mm256_storeu_ps(dqi + 8 * c, _mm256_fmadd_ps(ds, _mm256_loadu_ps(kj + 8 * c), _mm256_loadu_ps(dqi + 8 * c)));
                    _mm256_storeu_ps(dkj + 8 * c, _mm256_fmadd_ps(ds, _mm256_loadu_ps(qi + 8 * c), _mm256_loadu_ps(dkj + 8 * c)));
                }
            }
        }
    }
    nk_deinterleave(dqp, dq, R, dh, scale, accumulate);
    nk_deinterleave(dkp, dk, R, dh, 1.0f, accumulate);
    nk_deinterleave(dvp, dv, R, dh, 1.0f, accumulate);
}

#else
#include <stdio.h>
#include <stdlib.h>
// Not an x86-64 target: `cpu_has_avx2_fma()` is 0, so `Neural` never calls these.
void nk_attention8_forward(const float *q, const float *k, const float *v, float *out, float *probs, float *keep,
                           nk_dropout dropout, const long *row_start, const long *keys, long L, long P, long B,
                           long d, long batch_offset, float *scratch, int store_probabilities, const float *head_mask) {
    fprintf(stderr, "nk_attention8_forward: AVX2 kernels are not built for this CPU\n");
    abort();
}
void nk_attention8_backward(const float *dout, const float *q, const float *k, const float *v, const float *probs,
                            const float *keep, float keep_scale, float *dq, float *dk, float *dv,
                            const long *row_start, const long *keys, long L, long P, long B, long d, float *scratch,
                            int accumulate) {
    fprintf(stderr, "nk_attention8_backward: AVX2 kernels are not built for this CPU\n");
    abort();
}
#endif
