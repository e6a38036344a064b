import Foundation
import Testing
import UCBridgeConformance

/// scripts/conformance-diff: agreement, every kind of difference, and
/// files that are not transcripts.
@Suite(.hostOnly) struct DiffScriptTests {
  private let entries = [
    TranscriptEntry(name: "noop/valid", outcome: "kIOReturnSuccess", scalarCount: 0, structSize: 0, hash: "cbf29ce484222325"),
    TranscriptEntry(name: "add/40+2", outcome: "kIOReturnSuccess", scalarCount: 1, structSize: 0, hash: "ff3add6b3789daef"),
    TranscriptEntry(name: "call-header/size=0", outcome: "EINVAL", scalarCount: 0, structSize: 0, hash: "cbf29ce484222325"),
  ]

  /// Writes two transcripts and runs the script on them.
  private func diff(_ mock: String, _ kernel: String) throws -> ProgramRun {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("conformance-diff-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let files = ["mock", "kernel"].map { directory.appendingPathComponent("\($0).transcript") }
    try Data(mock.utf8).write(to: files[0])
    try Data(kernel.utf8).write(to: files[1])
    return try runProgram(URL(fileURLWithPath: "/bin/bash"), [PackagePaths.diffScript.path] + files.map(\.path))
  }

  @Test func identicalTranscriptsAgree() throws {
    let text = Transcript(entries: entries).text
    let run = try diff(text, text)
    #expect(run.status == 0)
    #expect(run.stdout == "ok - conformance: mock and kernel agree on 3 cases\n")
  }

  @Test func orderAndCommentsDoNotMatter() throws {
    let reordered = "# another comment\n\n" + entries.reversed().map { $0.line + "\n" }.joined()
    #expect(try diff(Transcript(entries: entries).text, reordered).status == 0)
  }

  @Test func everyDifferenceIsNamedWithBothSides() throws {
    var kernel = entries
    kernel[1].outcome = "kIOReturnBadArgument"
    kernel[1].scalarCount = 0
    kernel.remove(at: 2)
    kernel.append(TranscriptEntry(name: "extra/case", outcome: "ok", scalarCount: 0, structSize: 0, hash: "cbf29ce484222325"))
    let run = try diff(Transcript(entries: entries).text, Transcript(entries: kernel).text)
    #expect(run.status == 1)
    #expect(run.stdout.split(separator: "\n") == [
      "not ok - conformance: add/40+2: mock kIOReturnSuccess scalars=1 struct=0 hash=ff3add6b3789daef kernel kIOReturnBadArgument scalars=0 struct=0 hash=ff3add6b3789daef",
      "not ok - conformance: call-header/size=0: mock EINVAL scalars=0 struct=0 hash=cbf29ce484222325 kernel (missing)",
      "not ok - conformance: extra/case: mock (missing) kernel ok scalars=0 struct=0 hash=cbf29ce484222325",
      "# conformance: 3 of 3 cases differ",
    ])
  }

  @Test(arguments: [
    ("garbage\n", "not a transcript line"),
    ("# nothing but a comment\n", "no cases"),
    ("noop/valid ok scalars=0 struct=0 hash=cbf29ce484222325\n" + "noop/valid ok scalars=0 struct=0 hash=cbf29ce484222325\n", "appears twice"),
  ])
  func filesThatAreNotTranscriptsAreRefused(kernel: String, message: String) throws {
    let run = try diff(Transcript(entries: entries).text, kernel)
    #expect(run.status == 2)
    #expect(run.stderr.contains(message), "\(run.stderr)")
  }
}
