import ArgumentParser

/// A failure ucprobe explains itself: each message on its own line of
/// standard error as `ucprobe: message`, then the exit status.
///
/// The first message says what failed, such as
/// `kIOReturnBadArgument (0xe00002c2): invalid argument`; any further ones
/// are hints.
struct ProbeFailure: Error, CustomStringConvertible {
  /// What went wrong, then any hints.
  var messages: [String]
  /// The exit status.
  var exitCode: ExitCode

  var description: String { messages.joined(separator: "\n") }

  /// The driver or a system call reported a failure: exit status 1.
  ///
  /// - Parameter messages: What failed, then hints.
  /// - Returns: The failure.
  static func failed(_ messages: String...) -> ProbeFailure {
    ProbeFailure(messages: messages, exitCode: .failure)
  }

  /// The command line named something that does not exist, such as an
  /// unknown method: exit status 64, as for ArgumentParser's own
  /// validation errors.
  ///
  /// - Parameter messages: What was wrong, then hints.
  /// - Returns: The failure.
  static func usage(_ messages: String...) -> ProbeFailure {
    ProbeFailure(messages: messages, exitCode: .validationFailure)
  }
}
