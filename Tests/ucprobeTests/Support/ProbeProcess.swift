import Foundation

/// What one run of the ucprobe executable did.
struct ProbeRun {
  /// Its exit status.
  var status: Int32
  /// Everything it wrote to standard output.
  var stdout: String
  /// Everything it wrote to standard error.
  var stderr: String

  /// Standard output decoded as a JSON document of type `T`.
  func decode<T: Decodable>(_ type: T.Type) throws -> T {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(type, from: Data(stdout.utf8))
  }

  /// Standard output as a JSON object, for checking its exact keys.
  func jsonObject() throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8))
    guard let dictionary = object as? [String: Any] else {
      throw ProbeProcessError(description: "standard output is not a JSON object: \(stdout)")
    }
    return dictionary
  }
}

/// Why the executable could not be run or read.
struct ProbeProcessError: Error, CustomStringConvertible {
  var description: String
}

/// Runs the built ucprobe executable as a subprocess, as
/// swift-argument-parser's `AssertExecuteCommand` does: the binary beside
/// the test bundle in the build products (`.build/debug/ucprobe`), or the
/// one `UCPROBE_TEST_BINARY` names (say, the static build).
///
/// - Parameters:
///   - arguments: Its arguments.
///   - stdin: Bytes for its standard input; none by default.
/// - Returns: What it did.
/// - Throws: ``ProbeProcessError`` when it cannot be found or run.
func ucprobe(_ arguments: String..., stdin: [UInt8] = []) throws -> ProbeRun {
  try ucprobe(arguments, stdin: stdin)
}

/// Runs the built ucprobe executable with an array of arguments; see
/// ``ucprobe(_:stdin:)-(String...,_)``.
func ucprobe(_ arguments: [String], stdin: [UInt8] = []) throws -> ProbeRun {
  let scratch = FileManager.default.temporaryDirectory
    .appendingPathComponent("ucprobe-test-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: scratch) }
  let files = ["stdin", "stdout", "stderr"].map { scratch.appendingPathComponent($0) }
  try Data(stdin).write(to: files[0])
  for file in files.dropFirst() { try Data().write(to: file) }

  let process = Process()
  process.executableURL = try probeBinary()
  process.arguments = arguments
  process.standardInput = try FileHandle(forReadingFrom: files[0])
  process.standardOutput = try FileHandle(forWritingTo: files[1])
  process.standardError = try FileHandle(forWritingTo: files[2])
  try process.run()
  process.waitUntilExit()
  return ProbeRun(
    status: process.terminationStatus,
    stdout: try String(contentsOf: files[1], encoding: .utf8),
    stderr: try String(contentsOf: files[2], encoding: .utf8))
}

/// Where the ucprobe executable is.
private func probeBinary() throws -> URL {
  if let path = ProcessInfo.processInfo.environment["UCPROBE_TEST_BINARY"] {
    return URL(fileURLWithPath: path)
  }
  var products = Bundle.main.bundleURL
  if products.pathExtension == "xctest" { products.deleteLastPathComponent() }
  let binary = products.appendingPathComponent("ucprobe")
  guard FileManager.default.isExecutableFile(atPath: binary.path) else {
    throw ProbeProcessError(description: "no ucprobe executable at \(binary.path); build it first")
  }
  return binary
}
