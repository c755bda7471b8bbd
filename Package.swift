// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "openai-sim",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "openai-sim", targets: ["SimCLI"]),
        .library(name: "SimTesting", targets: ["SimTesting"]),
    ],
    targets: [
        .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd",
                       providers: [.apt(["libmicrohttpd-dev"])]),
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "SimSupport"),
        .target(name: "SimHTTP", dependencies: ["SimSupport"]),
        .target(name: "OpenAIWire", dependencies: ["SimSupport"]),
        .target(name: "SimCore", dependencies: ["SimSupport", "OpenAIWire"]),
        .target(name: "SimPersistence", dependencies: ["SimCore", "SimSupport", "CSQLite"]),
        .target(name: "SimServer", dependencies: ["SimHTTP", "SimSupport", "CMicroHTTPD"]),
        .target(name: "SimApp", dependencies: ["SimCore", "SimHTTP", "SimSupport", "OpenAIWire"]),
        .executableTarget(name: "SimCLI", dependencies: ["SimApp", "SimServer", "SimPersistence", "SimCore", "SimSupport", "SimHTTP"]),
        .target(name: "SimTesting", dependencies: ["SimApp", "SimCore", "SimHTTP", "SimSupport", "SimPersistence"]),
        .testTarget(name: "SimSupportTests", dependencies: ["SimSupport"]),
        .testTarget(name: "SimHTTPTests", dependencies: ["SimHTTP", "SimSupport"]),
        .testTarget(name: "SimCoreTests", dependencies: ["SimCore", "SimPersistence", "SimSupport", "SimTesting"]),
        .testTarget(name: "SimAppTests", dependencies: ["SimApp", "SimTesting", "SimHTTP", "SimSupport", "SimCore"]),
        .testTarget(name: "SimServerTests", dependencies: ["SimServer", "SimApp", "SimTesting", "SimHTTP", "SimSupport"]),
    ]
)
