/// One case's result: its transcript entry and whether the driver kept the
/// case's expectation and the ABI.
public struct CaseResult: Hashable, Sendable, Codable {
  /// The case's transcript line.
  public var entry: TranscriptEntry
  /// What was wrong: an outcome other than the expected one, outputs other
  /// than the ABI's semantics give, bytes written that must not be.  Empty
  /// when the case passed.
  public var problems: [String]

  /// Creates a result.
  ///
  /// - Parameters:
  ///   - entry: The case's transcript line.
  ///   - problems: What was wrong; empty for a pass.
  public init(entry: TranscriptEntry, problems: [String]) {
    self.entry = entry
    self.problems = problems
  }

  /// Whether the case passed.
  public var passed: Bool { problems.isEmpty }
}
