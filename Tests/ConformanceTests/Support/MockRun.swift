import Testing
import UCBridgeConformance

#if canImport(Glibc)
import Glibc
#endif

/// The whole corpus run once against a fresh mock, shared by the tests
/// that look at its results.
let mockRun = Result { () throws(ConformanceError) in
  try ConformanceRunner(target: .mock()).run(ConformanceCorpus.reference)
}

extension Trait where Self == ConditionTrait {
  /// For the suites that run the corpus on the mock or need the package's
  /// files (the golden transcript, scripts/, the built executable): they
  /// run on the host, not again in the test VM beside a real device (with
  /// `UCBRIDGE_TEST_DEVICE` set), where the conformance run is
  /// scripts/guest/conformance.sh's.
  static var hostOnly: Self {
    .enabled(
      if: getenv("UCBRIDGE_TEST_DEVICE") == nil,
      "runs on the host; the device's conformance run is scripts/guest/conformance.sh")
  }
}
