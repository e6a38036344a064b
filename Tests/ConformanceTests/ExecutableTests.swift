import Foundation
import SystemPackage
import Testing
@testable import UCBridgeConformance

#if canImport(Glibc)
import Glibc
#endif

/// The built ucb-conformance executable: TAP and the transcript from a
/// mock run, the listing, its errors, and the unprivileged worker it
/// starts for device runs.
@Suite(.hostOnly) struct ExecutableTests {
  @Test func mockRunPrintsTAPAndWritesTheTranscript() throws {
    let transcript = FileManager.default.temporaryDirectory
      .appendingPathComponent("ucb-conformance-\(UUID().uuidString).transcript")
    defer { try? FileManager.default.removeItem(at: transcript) }
    let run = try runProgram(
      PackagePaths.runner, ["--mock", "--filter", "noop/", "--filter", "add/", "--transcript", transcript.path])
    let cases = ConformanceCorpus.cases(matching: ["noop/", "add/"])
    #expect(run.status == 0, "\(run.stderr)")
    let lines = run.stdout.split(separator: "\n")
    #expect(lines.prefix(2) == ["TAP version 13", "1..\(cases.count)"])
    #expect(lines.contains("ok 1 noop/valid # kIOReturnSuccess scalars=0 struct=0 hash=cbf29ce484222325"))
    #expect(lines.last == "# \(cases.count) passed, 0 failed")
    let written = try #require(Transcript(parsing: String(contentsOf: transcript, encoding: .utf8)))
    #expect(written.entries.map(\.name) == cases.map(\.name))
  }

  @Test func listsTheCases() throws {
    let run = try runProgram(PackagePaths.runner, ["--list", "--filter", "privilege/"])
    #expect(run.status == 0)
    #expect(run.stdout.contains(
      "privilege/unprivileged/resetStats -> kIOReturnNotPrivileged (unprivileged): an admin-only method -> kIOReturnNotPrivileged\n"))
  }

  @Test func aMissingDeviceIsAFailureOfTheRun() throws {
    let run = try runProgram(PackagePaths.runner, ["--device", "/no/such/device", "--filter", "noop/"])
    #expect(run.status == 2)
    #expect(run.stderr.hasPrefix("ucb-conformance: "), "\(run.stderr)")
  }

  @Test(arguments: [["--mock", "--device", "/dev/ucbridge/reference"], ["--filter", "no-such-group/"], ["--case", "noop/valid"]])
  func commandLineErrors(arguments: [String]) throws {
    #expect(try runProgram(PackagePaths.runner, arguments).status == 64)
  }

  /// The worker protocol end to end, against /dev/null: the worker drops
  /// to nobody, opens the node (every ioctl then fails with ENOTTY) and
  /// reports each case.
  @Test(.enabled(if: geteuid() == 0, "the worker drops from root to uid 65534"))
  func theWorkerReportsEveryCase() throws {
    let cases = ConformanceCorpus.cases(matching: ["privilege/unprivileged/"])
    let worker = UnprivilegedWorker(
      executable: FilePath(PackagePaths.runner.path), arguments: ["--unprivileged-worker"])
    let results = try ConformanceTarget.device("/dev/null", worker: worker)
      .runUnprivileged(cases, fixture: try PathFixture())
    #expect(results.map(\.entry.name) == cases.map(\.name))
    #expect(results.allSatisfy { $0.entry.outcome == "ENOTTY" }, "\(results.map(\.entry.line))")
  }
}
