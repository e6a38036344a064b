/// Runs conformance cases against a target, in order: sets the driver's
/// max_struct_size each case needs, hands unprivileged cases to the
/// target in batches, and puts the driver's max_struct_size back at the
/// end.
///
/// ```swift
/// let runner = ConformanceRunner(target: try .mock())
/// let results = try runner.run(ConformanceCorpus.reference) { result in
///   print(result.entry.line)
/// }
/// ```
public struct ConformanceRunner: Sendable {
  /// Where the cases run.
  public let target: ConformanceTarget

  /// Creates a runner.
  ///
  /// - Parameter target: Where the cases run.
  public init(target: ConformanceTarget) {
    self.target = target
  }

  /// Runs cases.
  ///
  /// - Parameters:
  ///   - cases: The cases, in order; a case that depends on others (the
  ///     privilege group's counters) must come with them.
  ///   - report: Called with each result as soon as it is known, in order.
  /// - Returns: One result per case, in order.
  /// - Throws: ``ConformanceError`` when the run cannot start (the
  ///   runner's files, the driver's max_struct_size cannot be read) or the
  ///   driver's max_struct_size cannot be put back.  A case that cannot be
  ///   run is a failed result, not an error.
  public func run(
    _ cases: [ConformanceCase], report: (CaseResult) -> Void = { _ in }
  ) throws(ConformanceError) -> [CaseResult] {
    let fixture = try PathFixture()
    let original = try target.maxStructSize()
    var current = original
    var results: [CaseResult] = []
    var start = cases.startIndex
    while start < cases.endIndex {
      let first = cases[start]
      var end = start + 1
      if first.caller == .unprivileged {
        while end < cases.endIndex, cases[end].caller == .unprivileged,
          cases[end].maxStructSize == first.maxStructSize
        {
          end += 1
        }
      }
      let batch = Array(cases[start..<end])
      let batchResults: [CaseResult]
      do throws(ConformanceError) {
        if first.maxStructSize != current {
          try target.setMaxStructSize(first.maxStructSize)
          current = first.maxStructSize
        }
        batchResults = first.caller == .unprivileged
          ? target.runUnprivileged(batch, fixture: fixture)
          : [first.run(in: CaseContext(
            connection: target.connection, fixture: fixture, connect: target.connect))]
      } catch {
        batchResults = batch.map { CaseResult(notRun: $0.name, because: error.description) }
      }
      for result in batchResults {
        report(result)
        results.append(result)
      }
      start = end
    }
    if current != original {
      try target.setMaxStructSize(original)
    }
    return results
  }
}
