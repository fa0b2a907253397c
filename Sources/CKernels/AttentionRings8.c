// Head-partitioned attention (the AECCT's HPSA) for inference on AVX2 + FMA: eight heads in two rings of four, each
// ring over its own pattern of pairs, so every pair is computed in the four heads that use it and no others.
//
// Layout: q, k, v are re-laid out per token from [8, dh] to [ring][dh][4] (q scaled by 1/√dh), so the two columns
// (c, c+1) of a ring's four heads are 8 contiguous floats. A 256-bit product of q′ (c, c+1) with k_j (c, c+1) holds
// the even-column terms of the four heads in its low half and the odd ones in its high half; two keys' partial sums
// are folded into one register [s_a | s_b] with two lane permutes and an add. Each register of weights then serves two
// keys (one exp per two keys), and the values accumulate as w_a·v_a(c, c+1) + w_b·v_b(c, c+1) with the two halves of w
// broadcast. A ring with no key for a query gives those heads a zero output (as `MaskedAttention` with a head mask).
// The twin is `MaskedAttention.forward` with the ring flags as a head mask; results agree to rounding (summation
// order), not bit for bit.
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)
#include "CKernels.h"

#if defined(__x86_64__)
#include <math.h>
#include "VectorMath.h"

/// Two 4 × 4 block transposes at once: y[j·ys + i] = scale · x[i·xs + j] and y2[j·ys + i] = scale · x2[i·xs + j] for
/// i, j < 4 (the two rings' blocks, one in each 128-bit half).
NK_INLINE void nk_rings_block(const float *x, const float *x2, long xs, float *y, float *y2, long ys, __m256 scale) {
    __m256 r0 = _mm256_loadu2_m128(x2, x), r1 = _mm256_loadu2_m128(x2 + xs, x + xs);
    __m256 r2 = _mm256_loadu2_m128(x2 + 2 * xs, x + 2 * xs), r3 = _mm256_loadu2_m128(x2 + 3 * xs, x + 3 * xs);
    __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
    __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
    _mm256_storeu2_m128(y2, y, _mm256_mul_ps(_mm256_shuffle_ps(t0, t2, 0x44), scale));
    _mm256_storeu2_m128(y2 + ys, y + ys, _mm256_mul_ps(_mm256_shuffle_ps(t0, t2, 0xEE), scale));
    _mm256_storeu2_m128(y2 + 2 * ys, y + 2 * ys, _mm256_mul_ps(_mm256_shuffle_ps(t1, t3, 0x44), scale));
    _mm256_storeu2_m128(y2 + 3 * ys, y + 3 * ys, _mm256_mul_ps(_mm256_shuffle_ps(t1, t3, 0xEE), scale));
}

/// y[t, r·4·dh + c·4 + h] = scale · x[t, (4r + h)·dh + c] for the two rings r (4 × 4 block transposes where dh is a
/// multiple of 4).
NK_INLINE void nk_rings_interleave(const float *x, float *y, long rows, long dh, float scale) {
    long d = 8 * dh;
    __m256 s8 = nk_set1(scale);
    for (long t = 0; t < rows; t++) {
        const float *xt = x + t * d;
        float *yt = y + t * d;
        if (dh % 4 == 0) {
            for (long c0 = 0; c0 < dh; c0 += 4)
                nk_rings_block(xt + c0, xt + 4 * dh + c0, dh, yt + c0 * 4, yt + 4 * dh + c0 * 4, 4, s8);
            continue;
        }
        for (long r = 0; r < 2; r++)
            for (long h = 0; h < 4; h++)
                for (long c = 0; c < dh; c++) yt[r * 4 * dh + c * 4 + h] = scale * xt[(4 * r + h) * dh + c];
    }
}

/// [lo(a) + hi(a) | lo(b) + hi(b)]: the four heads' scores of keys a and b from their column-pair partial sums.
NK_INLINE __m256 nk_rings_fold(__m256 a, __m256 b) {
    return _mm256_add_ps(_mm256_permute2f128_ps(a, b, 0x20), _mm256_permute2f128_ps(a, b, 0x31));
}

/// One query's four heads of one ring: out4[c·4 + h] (normalised), over keys[0..<n]; `sc`: scratch of 4·(n + 1).
/// DH is the head width (even).
#define NK_RING_BODY(DH)                                                                                          \
    {                                                                                                            \
        enum { NP = (DH) / 2 };                                                                                  \
        __m256 qv[NP], acc[NP];                                                                                  \
        for (long p = 0; p < NP; p++) { qv[p] = _mm256_loadu_ps(qr + 8 * p); acc[p] = _mm256_setzero_ps(); }   \
        __m256 mx = nk_set1(-INFINITY);                                                                          \
        long t = 0;                                                                                              \
        for (; t < n; t += 2) {                                                                                  \
            const float *ka = kbase + keys[t] * d;                                                               \
            const float *kb = t + 1 < n ? kbase + keys[t + 1] * d : ka;                                          \
            __m256 sa = _mm256_mul_ps(qv[0], _mm256_loadu_ps(ka)), sb = _mm256_mul_ps(qv[0], _mm256_loadu_ps(kb)); \
            for (long p = 1; p < NP; p++) {                                                                      \
                sa = _mm256_fmadd_ps(qv[p], _mm256_loadu_ps(ka + 8 * p), sa);                                    \
                sb = _mm256_fmadd_ps(qv[p], _mm256_loadu_ps(kb + 8 * p), sb);                                    \
            }                                                                                                    \
            __m256 s = nk_rings_fold(sa, sb);                                                                    \
            if (t + 1 >= n) s = _mm256_blend_ps(s, nk_set1(-INFINITY), 0xF0);                                    \
            _mm256_storeu_ps(sc + 4 * t, s);                                                                     \
            mx = _mm256_max_ps(mx, s);                                                                           \
        }                                                                                                        \
        __m256 m2 = _mm256_max_ps(mx, _mm256_permute2f128_ps(mx, mx, 0x01));                                     \
        __m256 sum = _mm256_setzero_ps();                                                                        \
        for (t = 0; t < n; t += 2) {                                                                             \
            __m256 w = nk_exp_negative(_mm256_sub_ps(m2, _mm256_loadu_ps(sc + 4 * t)));                          \
            if (t + 1 >= n) w = _mm256_blend_ps(w, _mm256_setzero_ps(), 0xF0);                                   \
            sum = _mm256_add_ps(sum, w);                                                                         \
            const float *va = vbase + keys[t] * d;                                                               \
            const float *vb = t + 1 < n ? vbase + keys[t + 1] * d : va;                                          \
            __m256 wa = _mm256_permute2f128_ps(w, w, 0x00), wb = _mm256_permute2f128_ps(w, w, 0x11);             \
            for (long p = 0; p < NP; p++)                                                                        \
                acc[p] = _mm256_fmadd_ps(wb, _mm256_loadu_ps(vb + 8 * p),                                        \
                                         _mm256_fmadd_ps(wa, _mm256_loadu_ps(va + 8 * p), acc[p]));              \
        }                                                                                                        \
        __m256 total = _mm256_add_ps(sum, _mm256_permute2f128_ps(sum, sum, 0x01));                               \
        __m256 inv = _mm256_div_ps(nk_set1(1.0f), total);                                                        \
        for (long p = 0; p < NP; p++) _mm256_storeu_ps(out4 + 8 * p, _mm256_mul_ps(acc[p], inv));                \
    }

NK_INLINE void nk_ring_query(const float *qr, const float *kbase, const float *vbase, const long *keys, long n,
                             long d, long dh, float *sc, float *out4) {
    if (n == 0) {
        for (long i = 0; i < 4 * dh; i++) out4[i] = 0;
        return;
    }
    switch (dh) {
    case 2: NK_RING_BODY(2) break;
    case 4: NK_RING_BODY(4) break;
    case 8: NK_RING_BODY(8) break;
    case 16: NK_RING_BODY(16) break;
    case 32: NK_RING_BODY(32) break;
    default: break;  // the caller admits dh = 2, 4, 8, 16, 32 only
    }
}
#undef NK_RING_BODY

NK_AVX2 void nk_attention_rings_forward(const float *q, const float *k, const float *v, float *out,
                                        const long *start_a, const long *keys_a, const long *start_b,
                                        const long *keys_b, long L, long B, long d, float *scratch,
                                        nk_row_quantizer quantize, int8_t *q_out, float *q_scales) {
    long R = B * L, dh = d / 8;
    float *qp = scratch, *kp = scratch + R * d, *vp = scratch + 2 * R * d, *sc = scratch + 3 * R * d;
    float *o8 = sc + 4 * (L + 1);  // both rings' output of one query: [ring][dh][4], d floats
    nk_rings_interleave(q, qp, R, dh, 1.0f / sqrtf((float)dh));
    nk_rings_interleave(k, kp, R, dh, 1.0f);
    nk_rings_interleave(v, vp, R, dh, 1.0f);
    for (long b = 0; b < B; b++) {
        long base = b * L;
        for (long i = 0; i < L; i++) {
            float *oi = out + (base + i) * d;
            for (long r = 0; r < 2; r++) {
                const long *start = r == 0 ? start_a : start_b, *keys = r == 0 ? keys_a : keys_b;
                long off = r * 4 * dh;
                nk_ring_query(qp + (base + i) * d + off, kp + base * d + off, vp + base * d + off, keys + start[i],
                              start[i + 1] - start[i], d, dh, sc, o8 + off);
            }
            // back to [8, dh]: oi[(4r + h)·dh + c] = o8[r·4·dh + c·4 + h]
            if (dh % 4 == 0) {
                for (long c0 = 0; c0 < dh; c0 += 4)
                    nk_rings_block(o8 + c0 * 4, o8 + 4 * dh + c0 * 4, 4, oi + c0, oi + 4 * dh + c0, dh, nk_set1(1.0f));
            } else {
                for (long r = 0; r < 2; r++)
                    for (long h = 0; h < 4; h++)
                        for (long c = 0; c < dh; c++) oi[(4 * r + h) * dh + c] = o8[r * 4 * dh + c * 4 + h];
            }
            if (quantize) quantize(oi, q_out + (base + i) * d, q_scales + base + i, 1, d);  // the row is in L1
        }
    }
}

#else
void nk_attention_rings_forward(const float *q, const float *k, const float *v, float *out, const long *start_a,
                                const long *keys_a, const long *start_b, const long *keys_b, long L, long B, long d,
                                float *scratch, nk_row_quantizer quantize, int8_t *q_out, float *q_scales) {
    (void)q; (void)k; (void)v; (void)out; (void)start_a; (void)keys_a; (void)start_b; (void)keys_b; (void)L;
    (void)B; (void)d; (void)scratch; (void)quantize; (void)q_out; (void)q_scales;
}
#endif
