import Foundation

/// Files of the package the tests use, found from this source file.
enum PackagePaths {
  /// The package's root directory.
  static var root: URL {
    URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
  }

  /// The committed golden transcript of the mock.
  static var golden: URL {
    root.appendingPathComponent("Tests/ConformanceTests/golden.transcript")
  }

  /// scripts/conformance-diff.
  static var diffScript: URL {
    root.appendingPathComponent("scripts/conformance-diff")
  }

  /// The built ucb-conformance: beside the test bundle in the build
  /// products, or the one `UCB_CONFORMANCE_TEST_BINARY` names.
  static var runner: URL {
    if let path = ProcessInfo.processInfo.environment["UCB_CONFORMANCE_TEST_BINARY"] {
      return URL(fileURLWithPath: path)
    }
    var products = Bundle.main.bundleURL
    if products.pathExtension == "xctest" { products.deleteLastPathComponent() }
    return products.appendingPathComponent("ucb-conformance")
  }
}
