import CUCBridge

/// The conformance corpus of the reference driver: every case, in the
/// order they run.
///
/// The main section runs with the driver's default max_struct_size of
/// 1 MiB (the runner sets it), then two sections under the floor (4 KiB)
/// and the limit (64 MiB), then a final check at the default again.  The
/// groups are, in order: `ioctl`, `driver-info`, `method-info`,
/// `call-header`, `selector`, one per reference method, `memory-info`,
/// `mmap`, `pointers`,
/// `privilege`, `counters`, `open`, `batch`, `call-async`, `cancel`,
/// `events`, `delayed`, `asyncChecksum`, `notify`, `max=4K`, `max=64M` and
/// `final`.
///
/// Each case's name is stable: transcripts, golden files and reviews
/// refer to cases by it.  Add cases; rename one only on purpose, since a
/// renamed case shows up as one case gone and another new.
public enum ConformanceCorpus {
  /// Every case, in run order.
  public static let reference: [ConformanceCase] = {
    let main = CorpusSection(maxStructSize: ReferenceTable.defaultMaxStructSize, prefix: "")
    let floor = CorpusSection(maxStructSize: Int(UCB_STRUCT_SIZE_FLOOR), prefix: "max=4K/")
    let limit = CorpusSection(maxStructSize: Int(UCB_STRUCT_SIZE_LIMIT), prefix: "max=64M/")
    return main.ioctlCases + main.driverInfoCases + main.methodInfoCases + main.callHeaderCases
      + main.selectorCases + main.noopCases + main.addCases + main.echoCases + main.checksumCases
      + main.pathInfoCases + main.fixedTransformCases + main.consistencyCases
      + main.resetStatsCases + main.generateCases + main.sinkCases
      + main.sharedChecksumCases + main.memoryInfoCases + main.mmapCases + main.pointerCases
      + main.privilegeCases + main.counterCases + main.openCases + main.batchCases + main.asyncCases
      + floor.maxStructSizeCases
      + limit.maxStructSizeCases + main.finalCases
  }()

  /// The cases whose names begin with one of `prefixes`, in run order;
  /// all of them when there are none.
  ///
  /// - Parameter prefixes: Name prefixes, such as `echo/` or `max=64M/`.
  /// - Returns: The cases.
  public static func cases(matching prefixes: [String]) -> [ConformanceCase] {
    guard !prefixes.isEmpty else { return reference }
    return reference.filter { testCase in prefixes.contains { testCase.name.hasPrefix($0) } }
  }
}
