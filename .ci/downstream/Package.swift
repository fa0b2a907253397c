// swift-tools-version: 6.0
// A package that depends on eccbench by path, as a library user's would: CI builds it and runs it (.ci/run).
import PackageDescription

let package = Package(
    name: "DownstreamCheck",
    dependencies: [.package(name: "eccbench", path: "../..")],
    targets: [
        .executableTarget(
            name: "DownstreamCheck",
            dependencies: [
                .product(name: "Decoders", package: "eccbench"), .product(name: "Channels", package: "eccbench"),
                .product(name: "Codes", package: "eccbench"), .product(name: "Neural", package: "eccbench"),
            ],
            path: "Sources/DownstreamCheck")
    ]
)
