import ArgumentParser
import SystemPackage
import UCBridgeConformance

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `ucb-conformance`: runs the conformance corpus against a ucbridge
/// device node or the in-process mock, prints TAP and writes the
/// transcript that `scripts/conformance-diff` compares.
@main
struct UCBConformance: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ucb-conformance",
    abstract: "Run the ucbridge conformance corpus against a device or the mock.",
    discussion: """
      Every case makes a call (or a few) with the outcome the ucbridge ABI \
      documents for it and checks what comes back; the output is TAP, one \
      line per case with its outcome, output counts and output hash. With \
      --transcript the same records go to a file that another run's \
      transcript can be compared with (scripts/conformance-diff): the \
      mock's against a kernel's.

      Against a device node the runner must be root: it resets the \
      driver's counters and sets its max_struct_size in sysfs \
      (restoring it at the end), and runs the unprivileged cases in a \
      copy of itself that drops to uid and gid 65534. It must be the \
      device's only user while it runs: cases check the counters and that \
      no kernel buffer is live between calls.

      EXIT STATUS
        0   every case kept its expectation
        1   some case did not
        2   the run could not be made (no device, not root, no memory)
        64  a command-line error

      EXAMPLES
        ucb-conformance --mock --transcript mock.transcript
        ucb-conformance --device /dev/ucbridge/reference --transcript device.transcript
        ucb-conformance --mock --filter echo/ --filter max=64M/
        ucb-conformance --list
      """)

  @Option(
    help: ArgumentHelp("The device node (default: /dev/ucbridge/reference).", valueName: "path"),
    completion: .file())
  var device: String?

  @Flag(help: "Run against the reference driver in this process (UCBridgeMock) instead.")
  var mock = false

  @Option(
    help: ArgumentHelp("Also write the transcript to this file.", valueName: "file"),
    completion: .file())
  var transcript: String?

  @Option(
    name: .customLong("filter"),
    help: ArgumentHelp(
      "Run only the cases whose names begin with this; repeatable.", valueName: "prefix"))
  var filters: [String] = []

  @Flag(help: "List the cases, by group, with their expected outcomes, and exit.")
  var list = false

  @Flag(help: .hidden)
  var unprivilegedWorker = false

  @Option(name: .customLong("case"), help: .hidden)
  var caseNames: [String] = []

  func validate() throws {
    if mock, device != nil {
      throw ValidationError("--device and --mock name two devices; use one")
    }
    if !unprivilegedWorker, !caseNames.isEmpty {
      throw ValidationError("--case is for the unprivileged worker; use --filter")
    }
    if ConformanceCorpus.cases(matching: filters).isEmpty {
      throw ValidationError("no case name begins with \(filters.joined(separator: " or "))")
    }
  }

  func run() throws {
    if unprivilegedWorker {
      try runAsWorker()
    } else if list {
      write(CaseListing.text(of: ConformanceCorpus.cases(matching: filters)))
    } else {
      try runCorpus()
    }
  }

  /// The device node calls go to.
  private var devicePath: FilePath { FilePath(device ?? "/dev/ucbridge/reference") }

  private func runCorpus() throws {
    let cases = ConformanceCorpus.cases(matching: filters)
    let results: [CaseResult]
    do {
      let runner = ConformanceRunner(target: try target())
      write(TAPReport.header(count: cases.count))
      var number = 0
      results = try runner.run(cases) { result in
        number += 1
        write(TAPReport.lines(for: result, number: number))
      }
    } catch {
      throw failure(error.description)
    }
    write(TAPReport.summary(of: results))
    if let transcript {
      do {
        let file = try FileDescriptor.open(
          FilePath(transcript), .writeOnly, options: [.create, .truncate],
          permissions: [.ownerReadWrite, .groupRead, .otherRead])
        try file.closeAfter {
          _ = try file.writeAll(Transcript(entries: results.map(\.entry)).text.utf8)
        }
      } catch {
        throw failure("cannot write the transcript to \(transcript): \(error)")
      }
    }
    if !results.allSatisfy(\.passed) { throw ExitCode.failure }
  }

  /// The mock, or the device node as root.
  private func target() throws(ConformanceError) -> ConformanceTarget {
    if mock { return try .mock() }
    guard geteuid() == 0 else {
      throw ConformanceError(
        "against a device the runner must be root: it resets counters, sets max_struct_size and drops to uid 65534 for unprivileged cases")
    }
    return try .device(
      devicePath,
      worker: UnprivilegedWorker(executable: "/proc/self/exe", arguments: ["--unprivileged-worker"]))
  }

  /// Worker mode: drop privileges first, then run the named cases and
  /// write their results as JSON lines.
  private func runAsWorker() throws {
    do {
      try UnprivilegedWorker.dropPrivileges()
      try UnprivilegedWorker.serve(device: devicePath, caseNames: caseNames, write: write)
    } catch {
      throw failure(error.description)
    }
  }

  /// Reports a failure of the run itself on standard error; exit status 2.
  private func failure(_ message: String) -> ExitCode {
    _ = try? FileDescriptor.standardError.writeAll("ucb-conformance: \(message)\n".utf8)
    return ExitCode(2)
  }

  /// Writes to standard output at once, so that TAP lines stream.
  private func write(_ text: String) {
    _ = try? FileDescriptor.standardOutput.writeAll(text.utf8)
  }
}
