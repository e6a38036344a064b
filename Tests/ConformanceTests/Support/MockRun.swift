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
  /// For the suites that run the corpus on the mock: the conformance run
  /// against a real device is scripts/guest/conformance.sh's, so these do
  /// not run again beside one (with `UCBRIDGE_TEST_DEVICE` set).
  static var hostOnly: Self {
    .enabled(
      if: getenv("UCBRIDGE_TEST_DEVICE") == nil,
      "runs the corpus on the mock; the device run is scripts/guest/conformance.sh")
  }
}
