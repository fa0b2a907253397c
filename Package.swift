// swift-tools-version: 6.0
import PackageDescription

let optimize: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]

let package = Package(
    name: "eccbench",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "GF2", targets: ["GF2"]),
        .library(name: "Codes", targets: ["Codes"]),
        .library(name: "Channels", targets: ["Channels"]),
        .library(name: "Neural", targets: ["Neural"]),
        .library(name: "ECCT", targets: ["ECCT"]),
        .executable(name: "eccbench", targets: ["eccbench"]),
        .executable(name: "eccbench-benchmarks", targets: ["Benchmarks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .target(name: "GF2", path: "Sources/GF2", swiftSettings: optimize),
        .target(name: "Codes", dependencies: ["GF2"], path: "Sources/Codes", swiftSettings: optimize),
        .target(name: "Channels", dependencies: ["GF2", "Codes"], path: "Sources/Channels",
                swiftSettings: optimize),
        .target(name: "NeuralKernels", path: "Sources/NeuralKernels",
                cSettings: [.unsafeFlags(["-O3"], .when(configuration: .release))]),
        .target(name: "Neural", dependencies: ["Codes", "CBLAS", "NeuralKernels"], path: "Sources/Neural",
                swiftSettings: optimize),
        .target(name: "ECCT", dependencies: ["GF2", "Codes", "Channels", "Neural"], path: "Sources/ECCT",
                resources: [.copy("Models")], swiftSettings: optimize),
        .executableTarget(
            name: "eccbench",
            dependencies: ["GF2", "Codes", "Channels", "Neural", "ECCT",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Bench/eccbench", swiftSettings: optimize),
        .executableTarget(
            name: "Benchmarks", dependencies: ["GF2", "Codes", "Channels", "Neural", "ECCT"],
            path: "Bench/Benchmarks", swiftSettings: optimize),
        .testTarget(name: "GF2Tests", dependencies: ["GF2", "Channels"], path: "Tests/GF2Tests"),
        .testTarget(name: "CodesTests", dependencies: ["GF2", "Codes", "Channels"],
                    path: "Tests/CodesTests", resources: [.copy("Resources")]),
        .testTarget(name: "ChannelsTests", dependencies: ["GF2", "Codes", "Channels"],
                    path: "Tests/ChannelsTests", resources: [.copy("Resources")]),
        .testTarget(name: "NeuralTests", dependencies: ["Neural"], path: "Tests/NeuralTests"),
        .testTarget(name: "ECCTTests", dependencies: ["ECCT", "Codes", "Channels", "GF2", "Neural"], path: "Tests/ECCTTests",
                    resources: [.copy("Resources")]),
        .testTarget(name: "CLITests", dependencies: ["eccbench", "Neural"], path: "Tests/CLITests"),
    ]
)
