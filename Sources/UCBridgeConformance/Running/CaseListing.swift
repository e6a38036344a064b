/// The corpus as a listing: each group with its number of cases, then
/// one line per case with its caller, expected outcome, name and summary.
public enum CaseListing {
  /// The listing of some cases.
  ///
  /// - Parameter cases: The cases, in run order.
  /// - Returns: The listing's text, each line with its newline.
  public static func text(of cases: [ConformanceCase]) -> String {
    var text = ""
    var index = cases.startIndex
    while index < cases.endIndex {
      let group = cases[index].group
      let end = cases[index...].firstIndex { $0.group != group } ?? cases.endIndex
      text += "# \(group): \(end - index) cases\n"
      for testCase in cases[index..<end] {
        let caller = testCase.caller == .root ? "" : " (\(testCase.caller.rawValue))"
        text += "\(testCase.name) -> \(testCase.expected.name)\(caller): \(testCase.summary)\n"
      }
      index = end
    }
    return text + "# \(cases.count) cases\n"
  }
}
