import Foundation

/// A fingerprint of the running executable's bytes (FNV-1a over 64-bit words), so ranks can check they run one build.
public enum BuildFingerprint {
    /// The fingerprint of /proc/self/exe (0 when it cannot be read: the check then compares arguments only).
    public static func executable() -> UInt64 {
        guard let data = FileManager.default.contents(atPath: "/proc/self/exe") else { return 0 }
        return fingerprint(data)
    }

    static func fingerprint(_ data: Data) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        data.withUnsafeBytes { raw in
            let words = raw.count / 8
            for i in 0..<words {
                h = (h ^ raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) &* 0x0000_0100_0000_01b3
            }
            for i in (words * 8)..<raw.count { h = (h ^ UInt64(raw[i])) &* 0x0000_0100_0000_01b3 }
        }
        return h ^ UInt64(data.count)
    }
}
