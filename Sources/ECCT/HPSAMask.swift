import Base
import Codes
import GF2
import Neural

/// Head-partitioned self-attention (HPSA) of the AECCT (Levy, Choukroun & Wolf, arXiv 2410.05911; docs/DESIGN.md §6) as
/// per-head flags over the ECCT mask's pairs: the first `firstRingHeads` heads ("first ring") let a bit attend only
/// to the checks that contain it and a check only to its bits; the other heads ("second ring") let a bit attend only
/// to the bits of the ECCT mask's bit–bit block (itself included) and a check only to itself. Every ECCT pair belongs
/// to exactly one ring: (i, j) is first-ring iff exactly one of i, j is a check.
///
/// Returns [pairs, heads] flags (1 = the head may use the pair) in the order of `pattern`, for
/// `EncoderConfig.headMask`. A bit in no check has no first-ring keys: those heads give it a zero output (the engine's
/// empty softmax), where the reference's −1e9 fill gives the mean over all checks. Throws when the pattern is not
/// the ECCT pattern of a code with n bits (a pair between two distinct checks) or the head split is impossible.
public enum HPSAMask {
    public static func headMask(pattern: AttentionPattern, bits n: Int, heads: Int = 8, firstRingHeads: Int = 4) throws
        -> [Float]
    {
        guard heads >= 2, (1..<heads).contains(firstRingHeads) else {
            throw SettingsError(
                "HPSA: \(firstRingHeads) first-ring heads of \(heads) (each ring needs at least one head)")
        }
        var mask = [Float](repeating: 0, count: pattern.pairCount * heads)
        for i in 0..<pattern.length {
            for t in pattern.rowStart[i]..<pattern.rowStart[i + 1] {
                let j = pattern.keys[t]
                if i >= n && j >= n && i != j {
                    throw SettingsError(
                        "HPSA: the pattern lets check \(i - n) attend to check \(j - n); it is not an ECCT mask")
                }
                let firstRing = (i < n) != (j < n)
                for h in (firstRing ? 0..<firstRingHeads : firstRingHeads..<heads) { mask[t * heads + h] = 1 }
            }
        }
        return mask
    }
}
