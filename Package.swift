// swift-tools-version: 6.0
//
// exsim: a deterministic exchange simulator and latency test bench.
// One module per job; a module imports only the modules beneath it
// (README.md, "How it is built").

import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    // Every module's code may be inlined and specialised into the modules
    // that call it, not only what is marked @inlinable: the simulation's hot
    // path crosses seven modules per message, and without this a call as
    // small as `VenueGateway.isClosed` copies the whole gateway to the stack
    // (docs/benchmarks.md, "Simulation speed, fourth step"). exsim is an
    // application, so the unsafe flag costs no one a dependency.
    .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release)),
]

let package = Package(
    name: "exsim",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "exsim", targets: ["exsim"]),
        .executable(name: "exsim-scenario-fuzz", targets: ["ScenarioFuzzer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // Virtual time, event queue, seeded random streams, trace digest. Imports nothing.
        .target(name: "SimKernel", swiftSettings: strict),
        // Price-time order books and venue rules. Imports nothing but Glibc (the order pool maps its pages).
        .target(name: "MatchingEngine", swiftSettings: strict),
        // Wire codecs and protocol session state machines: ITCH 5.0, MoldUDP64,
        // SoupBinTCP 3.0, OUCH 4.2, FIX 4.2/4.4. Imports nothing; does no I/O.
        .target(name: "Wire", swiftSettings: strict),
        // A venue gateway: matching engine + order-entry sessions + market-data publisher.
        .target(name: "Exchange", dependencies: ["MatchingEngine", "Wire", "CPrefetch"], swiftSettings: strict),
        // The processor's prefetch hint, which Swift cannot spell: a header only, no library.
        .systemLibrary(name: "CPrefetch"),
        // System libraries: libpcap reads pcap and pcapng; zstd (de)compresses .zst captures.
        .systemLibrary(name: "CPcap", pkgConfig: "libpcap", providers: [.apt(["libpcap-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        // Capture files: pcap/pcapng/zstd reading and writing, Ethernet/IP/UDP/TCP
        // decoding, TCP reassembly, and protocol extraction with Wire's decoders.
        .target(name: "Capture", dependencies: ["CPcap", "CZstd", "Wire"], swiftSettings: strict),
        // sendmmsg(2), which Glibc's Swift module does not export: a batch of datagrams per system call.
        .target(name: "CReplaySend"),
        // Pacing a capture's datagrams: as recorded, ×N, fixed rate, top speed, gaps
        // compressed; exact plans in virtual time, a real-time pacer and a UDP sender.
        .target(
            name: "Replay",
            dependencies: ["Capture", "CReplaySend", .product(name: "Histogram", package: "hdrhistogram-swift")],
            swiftSettings: strict
        ),
        // Latency recorders and throughput counters.
        .target(
            name: "Measure",
            dependencies: [.product(name: "Histogram", package: "hdrhistogram-swift")],
            swiftSettings: strict
        ),
        // Versioned report model, JSON / Markdown, baseline gate.
        .target(name: "Report", dependencies: ["Measure"], swiftSettings: strict),
        // Links as pure state machines: delay, bandwidth, queues, jitter,
        // loss, duplication, reordering; TCP retransmission. Never knows protocols.
        .target(name: "Network", dependencies: ["SimKernel"], swiftSettings: strict),
        // Seeded participants that generate order flow.
        .target(name: "OrderFlow", dependencies: ["SimKernel", "MatchingEngine"], swiftSettings: strict),
        // The discrete-event world: kernel + venues + flows + measurement.
        .target(
            name: "Simulation",
            dependencies: [
                "SimKernel", "MatchingEngine", "OrderFlow", "Measure", "Exchange", "Wire", "Capture", "Network",
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: strict
        ),
        // Live mode: the venue gateways on real sockets (SwiftNIO), driven by
        // the wall clock instead of the kernel; their Prometheus /metrics.
        .target(
            name: "Live",
            dependencies: [
                // SimKernel for the venue's service-time model and its seeded draws.
                "Exchange", "Measure", "SimKernel",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict
        ),
        // YAML scenario files, validation with file:line:column errors, wiring.
        .target(
            name: "Scenario",
            dependencies: [
                "Simulation", "SimKernel", "MatchingEngine", "OrderFlow", "Exchange", "Wire", "Capture", "Replay",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Collections", package: "swift-collections"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "exsim",
            dependencies: [
                "Scenario", "Simulation", "SimKernel", "MatchingEngine", "OrderFlow", "Measure", "Report",
                "Exchange", "Wire", "Capture", "Live", "Network", "Replay",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The scenario fuzzer (scripts/fuzz.sh scenario): scenario texts drawn
        // across every key's range, validated and run briefly. The library is
        // shared with the test suite's ScenarioFuzzTests.
        .target(
            name: "ScenarioFuzzing", dependencies: ["Scenario", "Simulation"], path: "Fuzz/ScenarioFuzzing",
            swiftSettings: strict
        ),
        .executableTarget(name: "ScenarioFuzzer", dependencies: ["ScenarioFuzzing"], path: "Fuzz/ScenarioFuzzer", swiftSettings: strict),
        .testTarget(name: "SimKernelTests", dependencies: ["SimKernel"]),
        .testTarget(name: "NetworkTests", dependencies: ["Network", "SimKernel"]),
        .testTarget(name: "MatchingEngineTests", dependencies: ["MatchingEngine", "SimKernel"]),
        .testTarget(name: "WireTests", dependencies: ["Wire"]),
        .testTarget(name: "ExchangeTests", dependencies: ["Exchange", "MatchingEngine", "Wire"]),
        .testTarget(name: "CaptureTests", dependencies: ["Capture", "Wire"]),
        .testTarget(name: "ReplayTests", dependencies: ["Replay", "Capture", "Wire"]),
        .testTarget(name: "MeasureTests", dependencies: ["Measure"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Measure"]),
        .testTarget(name: "ScenarioTests", dependencies: ["Scenario", "Simulation"]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "Scenario", "SimKernel", "OrderFlow", "ScenarioFuzzing", "Exchange", "Wire", "MatchingEngine"]),
        .testTarget(name: "ExsimCLITests", dependencies: ["exsim"]),
        .testTarget(
            name: "LiveTests",
            dependencies: [
                "Live", "Exchange", "MatchingEngine", "SimKernel", "Wire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
    ]
)
