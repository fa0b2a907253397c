// swift-tools-version: 6.0
import PackageDescription

// Library code builds with the release configuration's -O, so preconditions and bounds checks stay live;
// the hot loops use unsafe pointers where it matters (docs/DESIGN.md §5).
let package = Package(
    name: "eccbench",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Base", targets: ["Base"]),
        .library(name: "GF2", targets: ["GF2"]),
        .library(name: "Codes", targets: ["Codes"]),
        .library(name: "Channels", targets: ["Channels"]),
        .library(name: "Neural", targets: ["Neural"]),
        .library(name: "ECCT", targets: ["ECCT"]),
        .library(name: "QECC", targets: ["QECC"]),
        .library(name: "LearnedCodes", targets: ["LearnedCodes"]),
        .library(name: "Decoders", targets: ["Decoders"]),
        .library(name: "ScaleOut", targets: ["ScaleOut"]),
        .executable(name: "eccbench", targets: ["eccbench"]),
        .executable(name: "eccbench-benchmarks", targets: ["Benchmarks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        // Open MPI for jobs over many processes (docs/DESIGN.md §10); only the ScaleOut module and the executables link it
        .systemLibrary(
            name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi",
            providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]),
        .target(name: "ScaleOut", dependencies: ["Base", "CMPI"], path: "Sources/ScaleOut"),
        .target(name: "CPUFeatures", path: "Sources/CPUFeatures"),
        .target(name: "Base", dependencies: ["CPUFeatures"], path: "Sources/Base"),
        .target(name: "GF2", dependencies: ["Base"], path: "Sources/GF2"),
        .target(name: "Codes", dependencies: ["Base", "GF2", "CKernels"], path: "Sources/Codes"),
        .target(name: "Channels", dependencies: ["Base", "GF2", "Codes", "CKernels"], path: "Sources/Channels"),
        // FMA only where a kernel asks for it: each C file turns contraction off with a pragma (no unsafe flags, so the
        // products can be a versioned dependency)
        .target(name: "CKernels", dependencies: ["CPUFeatures"], path: "Sources/CKernels"),
        .target(name: "Neural", dependencies: ["Base", "Codes", "CBLAS", "CKernels"], path: "Sources/Neural"),
        .target(
            name: "ECCT", dependencies: ["Base", "GF2", "Codes", "Channels", "Neural"], path: "Sources/ECCT",
            resources: [.copy("Models")]),
        .target(
            name: "QECC", dependencies: ["Base", "GF2", "Codes", "Channels", "Neural", "ECCT"], path: "Sources/QECC",
            resources: [.copy("Models")]),
        .target(
            name: "LearnedCodes", dependencies: ["Base", "GF2", "Codes", "Channels", "Neural"],
            path: "Sources/LearnedCodes", resources: [.copy("Models")]),
        .target(
            name: "Decoders", dependencies: ["Codes", "Neural", "ECCT", "LearnedCodes", "QECC"],
            path: "Sources/Decoders"),
        .executableTarget(
            name: "eccbench",
            dependencies: [
                "Base", "GF2", "Codes", "Channels", "Neural", "ECCT", "QECC", "LearnedCodes", "Decoders", "ScaleOut",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/eccbench"),
        .executableTarget(
            name: "Benchmarks",
            dependencies: [
                "Base", "GF2", "Codes", "Channels", "Neural", "ECCT", "QECC", "LearnedCodes",
                "Decoders", "ScaleOut",
            ],
            path: "Bench/Benchmarks"),
        .executableTarget(
            name: "ecct-trainer-trace", dependencies: ["Base", "Codes", "Neural", "ECCT"], path: "Bench/TrainerParity"),
        .target(name: "TestProcessSetup", dependencies: ["CBLAS"], path: "Tests/TestProcessSetup"),
        .target(
            name: "TestSupport", dependencies: ["Base", "Neural", "TestProcessSetup"], path: "Tests/TestSupport",
            resources: [.copy("Resources")]),
        .testTarget(name: "GF2Tests", dependencies: ["GF2", "Channels", "TestSupport"], path: "Tests/GF2Tests"),
        .testTarget(
            name: "CodesTests", dependencies: ["GF2", "Codes", "Channels", "TestSupport"],
            path: "Tests/CodesTests"),
        .testTarget(
            name: "ChannelsTests", dependencies: ["GF2", "Codes", "Channels", "TestSupport"],
            path: "Tests/ChannelsTests"),
        .testTarget(name: "NeuralTests", dependencies: ["Neural", "TestSupport"], path: "Tests/NeuralTests"),
        .testTarget(
            name: "ECCTTests", dependencies: ["ECCT", "Codes", "Channels", "GF2", "Neural", "TestSupport"],
            path: "Tests/ECCTTests"),
        .testTarget(
            name: "QECCTests", dependencies: ["QECC", "GF2", "Base", "Channels", "Neural", "ECCT", "TestSupport"],
            path: "Tests/QECCTests"),
        .testTarget(
            name: "LearnedCodesTests", dependencies: ["LearnedCodes", "Base", "Codes", "GF2", "Neural", "TestSupport"],
            path: "Tests/LearnedCodesTests"),
        .testTarget(
            name: "DecodersTests",
            dependencies: ["Decoders", "Base", "Codes", "Channels", "ECCT", "GF2", "Neural", "QECC", "TestSupport"],
            path: "Tests/DecodersTests"),
        .testTarget(
            name: "CLITests", dependencies: ["eccbench", "Benchmarks", "Neural", "TestSupport"], path: "Tests/CLITests"),
    ]
)
