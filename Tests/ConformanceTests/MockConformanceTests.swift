import Foundation
import Testing
import UCBridgeConformance

/// The corpus against the mock: every case keeps the expectation the ABI
/// gives it, and the transcript is the committed golden one, so that any
/// change of behaviour shows up as a diff in review.
///
/// To regenerate the golden transcript after an intended change:
///
///     swift run ucb-conformance --mock --transcript Tests/ConformanceTests/golden.transcript
///
/// Set `UCBRIDGE_CONFORMANCE_TRANSCRIPT=/path` to have `swift test` write
/// the mock's transcript there (for scripts/conformance-diff against a
/// kernel's).
@Suite(.hostOnly) struct MockConformance {
  @Test func everyCaseKeepsItsExpectation() throws {
    let results = try mockRun.get()
    #expect(results.count == ConformanceCorpus.reference.count)
    for result in results where !result.passed {
      Issue.record("\(result.entry.line)\n  \(result.problems.joined(separator: "\n  "))")
    }
  }

  @Test func transcriptIsTheGoldenOne() throws {
    let transcript = Transcript(entries: try mockRun.get().map(\.entry))
    if let path = ProcessInfo.processInfo.environment["UCBRIDGE_CONFORMANCE_TRANSCRIPT"] {
      try Data(transcript.text.utf8).write(to: URL(fileURLWithPath: path))
    }
    let golden = try String(contentsOf: PackagePaths.golden, encoding: .utf8)
    guard transcript.text != golden else { return }
    let committed = Transcript(parsing: golden)?.entries ?? []
    let lines = Dictionary(committed.map { ($0.name, $0.details) }) { first, _ in first }
    var differences = transcript.entries.compactMap { entry -> String? in
      lines[entry.name] == entry.details
        ? nil : "\(entry.name): golden \(lines[entry.name] ?? "(missing)"), mock \(entry.details)"
    }
    let names = Set(transcript.entries.map(\.name))
    differences += committed.filter { !names.contains($0.name) }.map {
      "\($0.name): golden \($0.details), mock (missing)"
    }
    Issue.record("""
      the mock's transcript is not Tests/ConformanceTests/golden.transcript:
        \(differences.isEmpty ? "(the order or the preamble differs)" : differences.joined(separator: "\n  "))
      after an intended change, regenerate it with
        swift run ucb-conformance --mock --transcript Tests/ConformanceTests/golden.transcript
      """)
  }
}
