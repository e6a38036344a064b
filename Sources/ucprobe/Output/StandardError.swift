import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// ucprobe's diagnostics channel: messages and the progress line go to
/// standard error, so that standard output carries only results.
enum StandardError {
  /// Writes text to standard error as it is, unbuffered.  A failed write
  /// is dropped: there is nowhere left to report it.
  ///
  /// - Parameter text: The text, with its own newlines.
  static func write(_ text: String) {
    _ = try? FileDescriptor.standardError.writeAll(text.utf8)
  }

  /// Writes one line per message, each as `ucprobe: message`.
  ///
  /// - Parameter messages: The messages.
  static func report(_ messages: [String]) {
    write(messages.map { "ucprobe: \($0)\n" }.joined())
  }

  /// Whether standard error is a terminal, where a progress line belongs.
  static var isTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}
