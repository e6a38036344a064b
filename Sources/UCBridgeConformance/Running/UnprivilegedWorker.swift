import SystemPackage
import UCBridge

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The process that runs unprivileged cases against a device node: the
/// runner's own executable started again in worker mode, which drops to
/// uid and gid 65534 (nobody) first thing, before it opens the node.
///
/// The runner starts `executable` with `arguments`, then
/// `--device PATH` and one `--case NAME` per case; the worker writes one
/// JSON ``CaseResult`` per line on its standard output, in order, and
/// exits 0 once it has run them all (whether they passed or not).
///
/// The worker's side is ``dropPrivileges()`` and ``serve(device:caseNames:write:)``.
public struct UnprivilegedWorker: Sendable {
  /// The uid and gid a worker runs as: nobody.
  public static let nobody: UInt32 = 65534

  /// The executable to start, usually the runner's own.
  public let executable: FilePath
  /// The arguments that put it in worker mode, before `--device`.
  public let arguments: [String]

  /// Describes how to start a worker.
  ///
  /// - Parameters:
  ///   - executable: The executable, usually `/proc/self/exe`.
  ///   - arguments: The arguments that put it in worker mode.
  public init(executable: FilePath, arguments: [String]) {
    self.executable = executable
    self.arguments = arguments
  }

  /// Runs cases in a worker and collects their results.
  ///
  /// - Parameters:
  ///   - cases: The cases, all unprivileged.
  ///   - device: The device node.
  /// - Returns: One result per case, in order; a case the worker did not
  ///   report on is a failed result saying why.
  func run(_ cases: [ConformanceCase], device: FilePath) -> [CaseResult] {
    let reported: [CaseResult]
    do {
      reported = try spawn(cases.map(\.name), device: device)
    } catch {
      return cases.map { CaseResult(notRun: $0.name, because: "unprivileged worker: \(error)") }
    }
    let byName = Dictionary(reported.map { ($0.entry.name, $0) }) { first, _ in first }
    return cases.map {
      byName[$0.name]
        ?? CaseResult(notRun: $0.name, because: "the unprivileged worker did not report on it")
    }
  }

  /// Starts the worker, waits for it, and decodes what it reported.
  private func spawn(_ names: [String], device: FilePath) throws -> [CaseResult] {
    let (output, termination) = try ChildProcess.run(
      executable,
      arguments: arguments + ["--device", device.string] + names.flatMap { ["--case", $0] })
    guard termination == .exited(0) else {
      throw ConformanceError("\(executable) ended: \(termination)")
    }
    let decoder = JSONDecoder()
    return try output.split(separator: UInt8(ascii: "\n")).map {
      try decoder.decode(CaseResult.self, from: Data($0))
    }
  }

  /// Drops every privilege for good: no supplementary groups, gid and
  /// uid ``nobody``.  A worker calls this first thing.
  ///
  /// - Throws: ``ConformanceError`` when a call fails or the process
  ///   still has root's ids.
  public static func dropPrivileges() throws(ConformanceError) {
    guard setgroups(0, nil) == 0, setgid(nobody) == 0, setuid(nobody) == 0 else {
      throw ConformanceError("cannot drop to uid and gid \(nobody): \(Errno(rawValue: errno))")
    }
    guard geteuid() == nobody, getegid() == nobody, setuid(0) != 0 else {
      throw ConformanceError("still privileged after dropping to \(nobody)")
    }
  }

  /// Runs named cases of the corpus as a worker: opens the device, runs
  /// them in order and writes each result as one JSON line.
  ///
  /// - Parameters:
  ///   - device: The device node.
  ///   - caseNames: The cases' names.
  ///   - write: Writes one line of output, with its newline.
  /// - Throws: ``ConformanceError`` when a name is not a case of the
  ///   corpus, the device cannot be opened or the files cannot be made.
  public static func serve(
    device: FilePath, caseNames: [String], write: (String) -> Void
  ) throws(ConformanceError) {
    let corpus = Dictionary(
      ConformanceCorpus.reference.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    var cases: [ConformanceCase] = []
    for name in caseNames {
      guard let testCase = corpus[name] else { throw ConformanceError("no case named \(name)") }
      cases.append(testCase)
    }
    let connection: Connection
    do {
      connection = try Connection.open(device)
    } catch {
      throw ConformanceError("cannot open \(device) as uid \(geteuid()): \(error)")
    }
    let context = CaseContext(
      connection: connection, fixture: try PathFixture(),
      connect: { () throws(ConformanceError) -> Connection in
        do {
          return try Connection.open(device)
        } catch {
          throw ConformanceError("cannot open \(device): \(error)")
        }
      })
    let encoder = JSONEncoder()
    for testCase in cases {
      let result = testCase.run(in: context)
      guard let line = try? encoder.encode(result) else {
        throw ConformanceError("cannot encode the result of \(testCase.name)")
      }
      write(String(decoding: line, as: UTF8.self) + "\n")
    }
  }
}
