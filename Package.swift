// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "ucbridge",
    products: [
        .library(name: "UCBridge", targets: ["UCBridge"]),
        .library(name: "UCBridgeMock", targets: ["UCBridgeMock"]),
        .library(name: "UCBridgeIOKit", targets: ["UCBridgeIOKit"]),
        .executable(name: "ucb-pathinfo", targets: ["PathInfoExample"]),
        .executable(name: "ucb-kvstore", targets: ["KVStoreExample"]),
        .executable(name: "ucprobe", targets: ["ucprobe"]),
        .library(name: "UCBridgeConformance", targets: ["UCBridgeConformance"]),
        .executable(name: "ucb-conformance", targets: ["ucb-conformance"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // swift package generate-documentation: the DocC catalogs and the
        // tutorial.  A plugin only: nothing links it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // The ABI header, kmod/include/uapi/linux/ucbridge.h, for Swift.
        .target(name: "CUCBridge"),
        // The driver's own dispatch core and reference methods, built for
        // userspace through a small environment shim: what the mock runs.
        // Its sources are kmod/core, kmod/reference and kmod/user, reached
        // through symbolic links as CUCBridge reaches the ABI header.
        .target(
            name: "CUCBridgeCore",
            dependencies: ["CUCBridge"],
            cSettings: [
                .headerSearchPath("core"),
                .headerSearchPath("user"),
                .headerSearchPath("reference"),
                .headerSearchPath("template"),
                .headerSearchPath("../../kmod/include"),
            ]
        ),
        // What apps import: connections, the raw call, typed methods and
        // introspection.  It never links the dispatch core.
        .target(
            name: "UCBridge",
            dependencies: [
                "CUCBridge",
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // What the verification tools share and nobody else gets (not a
        // product): the ABI's rules for an ioctl, guard-page memory, errno
        // names, how an ioctl ended.
        .target(
            name: "UCBridgeTestSupport",
            dependencies: [
                "UCBridge", "CUCBridge",
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // The in-process device: the dispatch core behind a Connection.
        .target(
            name: "UCBridgeMock",
            dependencies: [
                "UCBridge", "CUCBridge", "CUCBridgeCore",
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // The chunk directory of UCBridgeIOKit's handle table, in C so
        // that calls inlined into clients reach it with one load.
        .target(name: "CIOObjectSlots"),
        // IOKit-shaped C-style calls for code ported from macOS.
        .target(
            name: "UCBridgeIOKit",
            dependencies: [
                "UCBridge", "CUCBridge", "CIOObjectSlots",
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .executableTarget(
            name: "PathInfoExample",
            dependencies: [
                "UCBridge", "UCBridgeIOKit", "UCBridgeMock", "CUCBridge",
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Examples/PathInfoExample"
        ),
        // The template driver's client: its ABI header for Swift
        // (kmod/include/uapi/linux/ucbridge_kvstore.h, through a symbolic
        // link), its typed methods, declared as a driver's author declares
        // their own, and the ucb-kvstore command line.
        .target(name: "CKVStore", path: "Examples/KVStoreClient/CKVStore"),
        .target(
            name: "KVStoreClient",
            dependencies: [
                "CKVStore", "UCBridge",
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Examples/KVStoreClient/KVStoreClient"
        ),
        .executableTarget(
            name: "KVStoreExample",
            dependencies: [
                "KVStoreClient", "UCBridge", "UCBridgeMock", "CUCBridgeCore",
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Examples/KVStoreExample"
        ),
        // The command-line probe for any ucbridge device: info, list,
        // call, bench and fuzz, against a device node or the mock.
        .executableTarget(
            name: "ucprobe",
            dependencies: [
                "UCBridge", "UCBridgeMock", "UCBridgeTestSupport", "CUCBridge",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // The differential conformance corpus: hundreds of calls with the
        // outcomes the ABI documents, run on the mock or a device node,
        // with a transcript that two runs can be compared by.
        .target(
            name: "UCBridgeConformance",
            dependencies: [
                "UCBridge", "UCBridgeMock", "UCBridgeTestSupport", "CUCBridge", "CUCBridgeCore",
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // Runs the corpus against a device node or --mock: TAP on stdout,
        // the transcript to a file.
        .executableTarget(
            name: "ucb-conformance",
            dependencies: [
                "UCBridgeConformance", "UCBridge", "UCBridgeMock",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .testTarget(
            name: "UCBridgeTests",
            dependencies: [
                "UCBridge", "UCBridgeMock", "UCBridgeIOKit", "UCBridgeTestSupport", "CUCBridge",
                "KVStoreClient", "CUCBridgeCore",
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // Runs the built ucprobe against --mock, and parses its options
        // (finding drivers among mock devices registered as services).
        .testTarget(
            name: "ucprobeTests",
            dependencies: [
                "ucprobe", "UCBridge", "UCBridgeMock", "UCBridgeTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The corpus against the mock, its golden transcript, the runner's
        // executable and scripts/conformance-diff.
        .testTarget(
            name: "ConformanceTests",
            dependencies: [
                "UCBridgeConformance", "ucb-conformance", "UCBridge", "UCBridgeMock",
                "UCBridgeTestSupport",
            ],
            exclude: ["golden.transcript"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
