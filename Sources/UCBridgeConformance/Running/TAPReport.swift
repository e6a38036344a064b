/// The runner's results as TAP (version 13, as KTAP reads it): the plan
/// first, one `ok`/`not ok` line per case with its transcript details
/// after `#`, each problem as a diagnostic line under a failed case, and a
/// summary comment last.
///
/// ```
/// TAP version 13
/// 1..2
/// ok 1 noop/valid # kIOReturnSuccess scalars=0 struct=0 hash=cbf29ce484222325
/// not ok 2 add/40+2 # kIOReturnBadArgument scalars=0 struct=0 hash=cbf29ce484222325
/// #   expected kIOReturnSuccess, got kIOReturnBadArgument
/// # 1 passed, 1 failed
/// ```
public enum TAPReport {
  /// The lines before the first case.
  ///
  /// - Parameter count: How many cases will follow.
  /// - Returns: The version line and the plan, each with its newline.
  public static func header(count: Int) -> String {
    "TAP version 13\n1..\(count)\n"
  }

  /// One case's lines.
  ///
  /// - Parameters:
  ///   - result: The case's result.
  ///   - number: The case's number, from 1.
  /// - Returns: The test line and, for a failure, one diagnostic line per
  ///   problem, each with its newline.
  public static func lines(for result: CaseResult, number: Int) -> String {
    let status = result.passed ? "ok" : "not ok"
    let entry = result.entry
    return "\(status) \(number) \(entry.name) # \(entry.details)\n"
      + result.problems.map { "#   \($0)\n" }.joined()
  }

  /// The summary comment.
  ///
  /// - Parameter results: Every case's result.
  /// - Returns: `# N passed, M failed` with its newline.
  public static func summary(of results: [CaseResult]) -> String {
    let passed = results.filter(\.passed).count
    return "# \(passed) passed, \(results.count - passed) failed\n"
  }
}
