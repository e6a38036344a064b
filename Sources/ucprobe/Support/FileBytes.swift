import SystemPackage

/// Whole-file reads and writes for struct input and output, through
/// swift-system.
enum FileBytes {
  /// Reads a file to its end.
  ///
  /// - Parameter path: The file.
  /// - Returns: Its bytes.
  /// - Throws: ``ProbeFailure`` naming the file and the errno.
  static func read(_ path: FilePath) throws(ProbeFailure) -> [UInt8] {
    try failing("cannot read \(path)") {
      let file = try FileDescriptor.open(path, .readOnly)
      return try file.closeAfter { try readToEnd(file) }
    }
  }

  /// Reads standard input to its end.
  ///
  /// - Returns: Its bytes.
  /// - Throws: ``ProbeFailure`` with the errno.
  static func readStandardInput() throws(ProbeFailure) -> [UInt8] {
    try failing("cannot read standard input") { try readToEnd(.standardInput) }
  }

  /// Writes bytes to a file, creating it or replacing what it held.
  ///
  /// - Parameters:
  ///   - bytes: The bytes.
  ///   - path: The file; created with mode 0644 (less the umask).
  /// - Throws: ``ProbeFailure`` naming the file and the errno.
  static func write(_ bytes: [UInt8], to path: FilePath) throws(ProbeFailure) {
    try failing("cannot write \(path)") {
      let file = try FileDescriptor.open(
        path, .writeOnly, options: [.create, .truncate],
        permissions: [.ownerReadWrite, .groupRead, .otherRead])
      _ = try file.closeAfter { try file.writeAll(bytes) }
    }
  }

  private static func readToEnd(_ file: FileDescriptor) throws -> [UInt8] {
    var bytes: [UInt8] = []
    let chunk = 1 << 16
    while true {
      let start = bytes.count
      bytes.append(contentsOf: repeatElement(0, count: chunk))
      let count = try bytes.withUnsafeMutableBytes { buffer in
        try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[start...]))
      }
      bytes.removeLast(chunk - count)
      if count == 0 { return bytes }
    }
  }

  private static func failing<T>(
    _ what: String, _ body: () throws -> T
  ) throws(ProbeFailure) -> T {
    do {
      return try body()
    } catch let error as Errno {
      throw .failed("\(what): \(error.explanation)")
    } catch {
      throw .failed("\(what): \(error)")
    }
  }
}
