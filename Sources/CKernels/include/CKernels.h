// AVX2 + FMA kernels of the neural engine and of belief propagation, chosen at run time.
//
// `Neural` and `Codes` call these only when `cpu_has_avx2_fma()` is true; otherwise (older x86-64 CPUs,
// ARM) they run their portable Swift twins, which the tests compare these kernels against. Each kernel has
// the same contract (shapes, layouts, accumulation) as the Swift function named in its comment. On
// targets other than x86-64 the kernels are not compiled in and `cpu_has_avx2_fma()` returns 0.
#ifndef C_KERNELS_H
#define C_KERNELS_H

#include <stdint.h>

/// A row quantiser: `nk_quantize_int8` or `nk_quantize_int8_rows512` (their signatures agree), called on one row at a
/// time by the kernels that fuse the INT8 step of the next linear layer into the step that produces its input.
typedef void (*nk_row_quantizer)(const float *x, int8_t *q, float *scales, long rows, long width);

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when the CPU executes AVX2 and FMA instructions (CPUID), else 0.

/// Attention dropout: element e of a call is kept iff its 16-bit hash field is ≥ threshold (see `Dropout`).
typedef struct {
    uint64_t seed;
    uint64_t stream;
    uint32_t threshold;
    float scale;
    int enabled;
} nk_dropout;

/// `MaskedAttention.forwardEightHeads`: H = 8 heads of width dh = d/8 over the allowed pairs.
/// q, k, v, out: [B, L, d]; probs, keep: [B, P, 8]; row_start: [L + 1]; keys: [P];
/// scratch: 4·B·L·d floats. With store_probabilities = 0, probs holds unnormalised scores (eval mode).
/// head_mask: [P, 8] flags (1 = the head may use the pair; HPSA) or NULL; a head with no key gets a zero output.
void nk_attention8_forward(const float *q, const float *k, const float *v, float *out, float *probs, float *keep,
                           nk_dropout dropout, const long *row_start, const long *keys, long L, long P, long B,
                           long d, long batch_offset, float *scratch, int store_probabilities,
                           const float *head_mask);

/// Head-partitioned attention for inference (`MaskedAttention.forwardRings`): heads 0–3 over the pattern (start_a,
/// keys_a), heads 4–7 over (start_b, keys_b), no dropout, no stored probabilities; dh = d/8 ∈ {2, 4, 8, 16, 32}.
/// q, k, v, out: [B, L, d]; scratch: 3·B·L·d + 4·(L + 1) + d floats. A query with no key in a ring gets zeros there.
/// With `quantize` (not NULL) each finished output row is quantised into q [B·L, d] and q_scales [B·L] (token scales).
void nk_attention_rings_forward(const float *q, const float *k, const float *v, float *out, const long *start_a,
                                const long *keys_a, const long *start_b, const long *keys_b, long L, long B, long d,
                                float *scratch, nk_row_quantizer quantize, int8_t *q_out, float *q_scales);

/// `MaskedAttention.backwardEightHeads`: dq, dk, dv ([B, L, d]) accumulated (accumulate = 1) or written (0).
/// scratch: 7·B·L·d + 8·(longest row) floats.
void nk_attention8_backward(const float *dout, const float *q, const float *k, const float *v, const float *probs,
                            const float *keep, float keep_scale, float *dq, float *dk, float *dv,
                            const long *row_start, const long *keys, long L, long P, long B, long d, float *scratch,
                            int accumulate);

/// `Elementwise.geluForward`: y = x·Φ(x).
void nk_gelu_forward(const float *x, float *y, long count);
/// `Elementwise.geluBackward`: dx (+)= dy·(Φ(x) + x·φ(x)), accumulated (accumulate = 1) or written (0).
void nk_gelu_backward(const float *x, const float *dy, float *dx, long count, int accumulate);

/// `LayerNormKernel.forward` for channels a multiple of 8.
void nk_layernorm_forward(const float *x, const float *gamma, const float *beta, float *y, float *mean, float *rstd,
                          long rows, long channels, float eps);
/// y = LayerNorm(x + residual) (residual may be NULL: plain LayerNorm, the bits of `nk_layernorm_forward`), and with
/// `quantize` (not NULL) each finished row of y quantised into q [rows, channels] and q_scales [rows] (token scales).
void nk_layernorm_forward_fused(const float *x, const float *residual, const float *gamma, const float *beta, float *y,
                                float *mean, float *rstd, long rows, long channels, float eps, nk_row_quantizer quantize,
                                int8_t *q, float *q_scales);
/// `LayerNormKernel.backward` for channels a multiple of 8 (accumulates dx, dgamma, dbeta).
void nk_layernorm_backward(const float *dy, const float *x, const float *gamma, const float *mean, const float *rstd,
                           float *dx, float *dgamma, float *dbeta, long rows, long channels);

/// Sum-product belief propagation, flooding schedule, with eight frames across the AVX2 lanes (the contract of
/// `BeliefPropagationDecoder.decode` for `.sumProduct`): frames whose hard decision is a codeword are answered at
/// once; the others occupy a lane until their decision satisfies every check or `iterations` are done, and a
/// finished lane takes the next frame. Edges are grouped by check (`check_start[m + 1]`), `edge_var[E]` is the
/// variable of each edge. llr: [count, n]; bits: [count, n] (0/1). work: 3·8·E + 2·8·n floats.
void nk_bp_sum_product_lanes(const float *llr, uint8_t *bits, long count, long n, long m, long E,
                             const long *edge_var, const long *check_start, long iterations, float *work);

/// N(0, 1) samples (the contract of `GaussianGenerator.fill`): xoshiro128+ in eight lanes, state [4][8] words
/// (s0, s1, s2, s3), one Box–Muller step per 16 samples (a tail consumes a whole step), Cephes log and sin/cos.
void nk_gaussian_fill(uint32_t *state, float *out, long n);

/// The frozen linear layer's rescale, y[b, r] = sum[b, r] / (scales[per_row ? b : 0]·s_w[r]) + bias[r] (bias may be
/// NULL; s_w[r] = sw_rows[r], or sw for every r when sw_rows is NULL),
/// then with `relu` y = max(y, 0), and with `q` (not NULL) each finished row of y quantised as `nk_quantize_int8` with
/// one group per row (token scales): q[b, r] and q_scales[b] (the next linear layer's INT8 input).
typedef struct {
    const float *scales;
    int per_row;
    float sw;
    const float *sw_rows;
    const float *bias;
    float *y;
    int relu;
    int8_t *q;
    float *q_scales;
} nk_rescale;

/// `TernaryMatrix.multiplyPortable` by byte multiply-adds (`vpmaddubsw`): acc[b, r] = Σ_c W_t[r, c]·x[b, c].
/// x: [B, C] int8; pairs: [⌈C/2⌉, Rp, 2] signed bytes W_t[r, c] (0 in padding; Rp = R rounded up to 32); offsets:
/// [Rp] int32, −128·Σ_c W_t[r, c]; acc: [B, R] int32.
/// With `rescale` (not NULL) each finished tile of 4 rows is rescaled into y (and ReLU, and quantised) while its sums
/// are in L1, with the bits of `nk_rescale`'s formula, the ReLU and `nk_quantize_int8`; acc is then scratch for one
/// tile's sums (its first min(B, 4)·R entries are overwritten).
void nk_ternary_matmul(const int8_t *x, const int8_t *pairs, const int32_t *offsets, int32_t *acc, long B, long C,
                       long R, long Rp, const nk_rescale *rescale);
/// `nk_quantize_int8` with one group per row (token scales) on AVX-512 (the same bytes and scales); call only when
/// `cpu_has_avx512vnni()` (it lives beside the VNNI kernel, whose fused quantiser it shares).
void nk_quantize_int8_rows512(const float *x, int8_t *q, float *scales, long rows, long width);
/// The same product by byte dot products (`vpdpbusd`, AVX-512 VNNI) on `TernaryMatrix.quads`
/// ([⌈C/4⌉, Rp, 4] bytes W_t + 1, 0 in padding); call only when `cpu_has_avx512vnni()`. With `rescale` (not NULL)
/// the sums are not stored: y [B, R] is written instead (`acc` is not touched and may be NULL), with the bits of
/// `nk_rescale`'s formula as `LinearLayer.forwardInteger` computes it.
void nk_ternary_matmul_vnni(const int8_t *x, const uint8_t *quads, int32_t *acc, long B, long C, long R, long Rp,
                            const nk_rescale *rescale);

/// `ActivationQuantizer.forwardInteger`: per group of `size` floats, scales[g] = 127 / (max|x| + 1e-6) and
/// q = clamp(round half to even(x·scale), −128, 127).
void nk_quantize_int8(const float *x, int8_t *q, float *scales, long groups, long size);

#ifdef __cplusplus
}
#endif
#endif
