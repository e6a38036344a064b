// swift-tools-version:6.1
//
// The ucbridge benchmarks: what the safety checks and the Swift API cost
// over a hand-written ioctl, measured side by side in one process.  A
// package of its own so that the library's build stays light; run it all
// with scripts/bench, which renders docs/BENCHMARKS.md.
import PackageDescription

// The C helpers include the ABI and the dispatch core's headers straight
// from kmod/ (header only: the core's code comes from UCBridgeMock).
let top = Context.packageDirectory + "/.."

// SwiftPM names a path dependency after its directory, whatever the
// checkout is called: find that name.
let root = String(
    Context.packageDirectory.split(separator: "/").dropLast().last ?? "ucbridge")
let coreHeaders: [String] = [
    "-I", top + "/kmod/include/uapi",
    "-I", top + "/kmod/include",
    "-I", top + "/kmod/core",
    "-I", top + "/kmod/user",
    "-I", top + "/kmod/reference",
]

let package = Package(
    name: "ucbridge-benchmarks",
    dependencies: [
        .package(path: ".."),
    ],
    targets: [
        // Timing loops in C (the hand-written ioctl, the C caller of the
        // bridge, memcpy, AF_ALG), the two-thread harness, and the malloc
        // counter every allocation of the process goes through.
        .target(
            name: "CBench",
            dependencies: [
                .product(name: "UCBridgeMock", package: root),
            ],
            cSettings: [.unsafeFlags(coreHeaders + ["-O2"])]
        ),
        // What the measurements write and the report reads.
        .target(name: "BenchModel"),
        // The benchmarks: `device` in the VM, `mock` and `ir` on the host.
        .executableTarget(
            name: "ucbridge-bench",
            dependencies: [
                "CBench", "BenchModel",
                .product(name: "UCBridge", package: root),
                .product(name: "UCBridgeMock", package: root),
                .product(name: "UCBridgeIOKit", package: root),
            ]
        ),
        // Renders docs/BENCHMARKS.md and its plot from the results.
        .executableTarget(
            name: "ucbridge-bench-report",
            dependencies: ["BenchModel"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
