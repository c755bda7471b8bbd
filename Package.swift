// swift-tools-version:6.0
import PackageDescription
import Foundation

/// Profile-guided optimization of the release build (see pgo/README.md): `pgo/openai-sim.profdata`
/// is an LLVM execution profile recorded by `scripts/pgo.sh`. Its format belongs to the LLVM
/// inside the Swift 6.3 toolchains, so other compilers build without it, as does a clone
/// without the file and any build with OPENAI_SIM_NO_PGO set (the instrumented training build).
let pgoSettings: [SwiftSetting] = {
    #if compiler(>=6.3) && !compiler(>=6.4)
    let profile = Context.packageDirectory + "/pgo/openai-sim.profdata"
    guard Context.environment["OPENAI_SIM_NO_PGO"] == nil,
          FileManager.default.fileExists(atPath: profile) else { return [] }
    return [.unsafeFlags(["-Xfrontend", "-ir-profile-use=" + profile], .when(configuration: .release))]
    #else
    return []
    #endif
}()

let package = Package(
    name: "openai-sim",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "openai-sim", targets: ["SimCLI"]),
        .library(name: "SimTesting", targets: ["SimTesting"]),
        .executable(name: "sim-microbench", targets: ["SimBench"]),
        .library(name: "OpenAIClient", targets: ["OpenAIClient", "OpenAIClientCore", "OpenAIWire", "LiveEffects", "Digests"]),
    ],
    targets: [
        .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd",
                       providers: [.apt(["libmicrohttpd-dev"])]),
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        // SHA-256 and HMAC: recorded bodies' names, webhook signatures (server and client).
        .target(name: "Digests"),
        .target(name: "SimSupport", swiftSettings: pgoSettings),
        .target(name: "SimHTTP", dependencies: ["SimSupport"], swiftSettings: pgoSettings),
        .target(name: "OpenAIWire"),
        // The client without a network stack (what `openai-sim check` links), and the module
        // library users import: the same API re-exported plus the URLSession default transport.
        .target(name: "LiveEffects"),
        .target(name: "OpenAIClientCore", dependencies: ["OpenAIWire", "LiveEffects", "Digests"]),
        .target(name: "OpenAIClient", dependencies: ["OpenAIClientCore", "OpenAIWire"]),
        // libcurl loaded with dlopen on first use (serve --record, check), so the server does not
        // map curl, OpenSSL and Kerberos at start.
        .target(name: "CCurlShim"),
        .target(name: "SimCore", dependencies: ["SimSupport", "Digests"], swiftSettings: pgoSettings),
        .target(name: "SimScenarios", dependencies: ["SimSupport", "CYAML"], swiftSettings: pgoSettings),
        .target(name: "SimRecording", dependencies: ["SimSupport", "SimHTTP", "Digests"], swiftSettings: pgoSettings),
        .target(name: "SimPersistence", dependencies: ["SimCore", "SimSupport", "CSQLite"], swiftSettings: pgoSettings),
        // Dynamic exclusivity checks off for the server glue only: its per-request state
        // (`RequestContext`) is touched by one MHD thread at a time, and the runtime checks on its
        // fields cost about 1% of a GET's server time (perf on the daemon).
        .target(name: "SimServer", dependencies: ["SimHTTP", "SimSupport", "CMicroHTTPD"],
                swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])] + pgoSettings),
        .target(name: "SimApp", dependencies: ["SimCore", "SimHTTP", "SimSupport", "SimScenarios", "SimRecording"], swiftSettings: pgoSettings),
        .executableTarget(name: "SimCLI", dependencies: ["SimApp", "SimServer", "SimPersistence", "SimCore", "SimSupport", "SimHTTP", "SimScenarios", "SimRecording", "OpenAIClientCore", "OpenAIWire", "CCurlShim"], swiftSettings: pgoSettings),
        .executableTarget(name: "SimBench", dependencies: ["SimApp", "SimCore", "SimHTTP", "SimSupport", "SimTesting"]),
        .target(name: "SimTesting", dependencies: ["SimApp", "SimCore", "SimHTTP", "SimSupport", "SimPersistence"]),
        .testTarget(name: "SimSupportTests", dependencies: ["SimSupport", "Digests"]),
        .testTarget(name: "SimHTTPTests", dependencies: ["SimHTTP", "SimSupport"]),
        .testTarget(name: "SimCoreTests", dependencies: ["SimCore", "SimPersistence", "SimSupport", "SimTesting"]),
        .testTarget(name: "SimAppTests", dependencies: ["SimApp", "SimTesting", "SimHTTP", "SimSupport", "SimCore", "Digests"]),
        .testTarget(name: "SimScenariosTests", dependencies: ["SimScenarios", "SimApp", "SimTesting", "SimHTTP", "SimSupport", "SimCore"]),
        .testTarget(name: "OpenAIClientTests", dependencies: ["OpenAIClient", "OpenAIWire", "SimTesting", "SimApp", "SimHTTP", "SimSupport"]),
        .testTarget(name: "SimRecordingTests", dependencies: ["SimRecording", "SimApp", "SimTesting", "SimHTTP", "SimSupport", "SimCore", "SimScenarios", "Digests"]),
        .testTarget(name: "SimServerTests", dependencies: ["SimServer", "SimApp", "SimTesting", "SimHTTP", "SimSupport"]),
    ]
)
