// swift-tools-version:6.2
import Foundation
import PackageDescription

/// ISA-L's igzip inflates gzip about twice as fast as zlib; used on x86-64 when its headers are
/// installed (`libisal-dev`, which scripts/setup.sh and .ci/run install), zlib otherwise, or
/// when `RECON_NO_ISAL=1` asks for zlib (to compare the two).
#if arch(x86_64)
    let isal =
        FileManager.default.fileExists(atPath: "/usr/include/isa-l/igzip_lib.h")
        && ProcessInfo.processInfo.environment["RECON_NO_ISAL"] != "1"
#else
    let isal = false
#endif

/// Every target gets these, so module boundaries hold at compile time (ARCHITECTURE.md).
let strictness: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// Release builds of the modules on the hot paths: no dynamic exclusivity checks (debug
/// builds, and so the tests, keep them).
let speed: [SwiftSetting] = strictness + [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "recon",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "recon", targets: ["recon"]),
        .library(name: "ReconKit", targets: ["ReconKit"]),
    ],
    // pinned up to the next minor version: Package.resolved, made from this machine's copies of
    // the packages, carries other commit ids and stays out of git
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", .upToNextMinor(from: "1.8.2")),
        .package(url: "https://github.com/jpsim/Yams", .upToNextMinor(from: "6.2.2")),
        .package(url: "https://github.com/apple/swift-crypto", .upToNextMinor(from: "3.12.3")),
        .package(url: "https://github.com/apple/swift-log", .upToNextMinor(from: "1.16.2")),
    ],
    targets: [
        .systemLibrary(
            name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        .systemLibrary(
            name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]),
        .systemLibrary(
            name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]),
        .systemLibrary(
            name: "CLibPQ", path: "Sources/CLibPQ", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]),
        .systemLibrary(name: "CSupport", path: "Sources/CSupport"),
        .systemLibrary(
            name: "CIsal", path: "Sources/CIsal", pkgConfig: "libisal", providers: [.apt(["libisal-dev"])]),
        // the unsafe code in one place: chunked arrays, byte arenas
        .target(name: "ReconMemory", dependencies: ["CSupport"], swiftSettings: speed),
        .target(name: "PaymentModels", dependencies: ["ReconMemory"], swiftSettings: speed),
        .target(
            name: "ReconIngest", dependencies: ["CZlib", "CLibXML2", "CSupport", "ReconMemory"] + (isal ? ["CIsal"] : []),
            swiftSettings: speed + (isal ? [.define("RECON_ISAL")] : [])),
        .target(
            name: "ReconProviders",
            dependencies: ["PaymentModels", "ReconIngest", "ReconMemory", .product(name: "Yams", package: "Yams")],
            swiftSettings: speed),
        .target(name: "ReconMatching", dependencies: ["PaymentModels", "ReconMemory"], swiftSettings: speed),
        .target(name: "ReconReports", dependencies: ["PaymentModels"], swiftSettings: speed),
        .target(
            name: "ReconStore",
            dependencies: [
                "PaymentModels", "ReconMemory", "CSQLite", "CLibPQ", "CZlib",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: speed),
        .target(
            name: "ReconKit",
            dependencies: [
                "PaymentModels", "ReconIngest", "ReconProviders", "ReconMatching", "ReconReports", "ReconStore",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: speed),  // the pipeline: each record passes through its closures
        .executableTarget(
            name: "recon",
            dependencies: [
                "ReconKit", "PaymentModels", "CSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictness),
        // the fuzz harness: a corpus replay tool in a plain build, a libFuzzer target with
        // `-DFUZZING` and `--sanitize fuzzer` (scripts/fuzz.sh)
        .executableTarget(
            name: "recon-fuzz",
            dependencies: ["ReconKit", "ReconProviders", "ReconIngest", "PaymentModels"],
            swiftSettings: strictness),
        .target(
            name: "ReconTestSupport", dependencies: ["PaymentModels", "CLibPQ"], path: "Tests/ReconTestSupport",
            swiftSettings: strictness),
        .testTarget(name: "ReconMemoryTests", dependencies: ["ReconMemory"], swiftSettings: strictness),
        .testTarget(
            name: "PaymentModelsTests", dependencies: ["PaymentModels"], swiftSettings: strictness),
        .testTarget(
            name: "ReconIngestTests", dependencies: ["ReconIngest", "ReconTestSupport"],
            swiftSettings: strictness + (isal ? [.define("RECON_ISAL")] : [])),
        .testTarget(
            name: "ReconProvidersTests",
            dependencies: ["ReconProviders", "ReconIngest", "PaymentModels"],
            swiftSettings: strictness),
        .testTarget(
            name: "ReconMatchingTests",
            dependencies: ["ReconMatching", "PaymentModels", "ReconTestSupport"],
            swiftSettings: strictness),
        .testTarget(
            name: "ReconStoreTests", dependencies: ["ReconStore", "PaymentModels", "CSQLite", "CLibPQ", "ReconTestSupport"],
            swiftSettings: strictness),
        .testTarget(
            name: "ReconKitTests",
            dependencies: ["ReconKit", "ReconReports", "ReconStore", "PaymentModels", "ReconTestSupport"],
            swiftSettings: strictness),
    ]
)
