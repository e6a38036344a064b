import Foundation

/// What one run of a program did.
struct ProgramRun {
  /// Its exit status.
  var status: Int32
  /// Everything it wrote to standard output.
  var stdout: String
  /// Everything it wrote to standard error.
  var stderr: String
}

/// Runs a program to completion, its output collected through files (a
/// pipe could fill up and block it).
///
/// - Parameters:
///   - program: The executable.
///   - arguments: Its arguments.
/// - Returns: What it did.
func runProgram(_ program: URL, _ arguments: [String]) throws -> ProgramRun {
  let scratch = FileManager.default.temporaryDirectory
    .appendingPathComponent("ucb-conformance-test-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: scratch) }
  let stdout = scratch.appendingPathComponent("stdout")
  let stderr = scratch.appendingPathComponent("stderr")
  for file in [stdout, stderr] { try Data().write(to: file) }

  let process = Process()
  process.executableURL = program
  process.arguments = arguments
  process.standardInput = FileHandle.nullDevice
  process.standardOutput = try FileHandle(forWritingTo: stdout)
  process.standardError = try FileHandle(forWritingTo: stderr)
  try process.run()
  process.waitUntilExit()
  return ProgramRun(
    status: process.terminationStatus,
    stdout: try String(contentsOf: stdout, encoding: .utf8),
    stderr: try String(contentsOf: stderr, encoding: .utf8))
}
