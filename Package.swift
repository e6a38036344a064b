// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "ucbridge",
    products: [],
    targets: [
        // The ABI header, kmod/include/uapi/linux/ucbridge.h, for Swift.
        .target(name: "CUCBridge"),
        // The driver's own dispatch core and reference methods, built for
        // userspace through a small environment shim: what the mock runs.
        .target(
            name: "CUCBridgeCore",
            dependencies: ["CUCBridge"],
            cSettings: [
                .headerSearchPath("."),
                .headerSearchPath("core"),
                .headerSearchPath("../CUCBridge/include"),
            ]
        ),
    ]
)
