// Decodes BCH-63-45 with `bp50` and the shipped `ecct` through the library's catalog and Monte Carlo engine, as a
// library user would, and fails unless both decode (fewer bit errors than the hard decision's).
import Channels
import Codes
import Decoders
import Foundation
import Neural

GEMM.useSingleThreadedBLAS()
do {
    let code = try Catalog.code(named: "BCH-63-45")
    var config = MonteCarloConfig()
    config.minErrors = 0
    config.minFrames = 2_000
    config.maxFrames = 2_000
    let engine = MonteCarlo(code: code, config: config)
    let uncoded = 0.0125  // the hard decision's BER at 5 dB, rate 45/63: Q(√(2·R·Eb/N0)) ≈ 1.3e-2
    for name in ["bp50", "ecct"] {
        let r = engine.run(
            decoder: try DecoderCatalog.make(name, code: code), channel: .awgn, parameter: 5, pointIndex: 0)
        print(String(format: "%@: %d frames at 5 dB, BER %.3e, -ln(BER) %.2f", name, r.frames, r.ber, r.negLnBER))
        guard r.frames == 2_000, r.ber < uncoded else {
            print("\(name) did not decode (BER \(r.ber))")
            exit(1)
        }
    }
    print("downstream package: ok")
} catch {
    print("downstream package: \(error)")
    exit(1)
}
