import UCBridge
import UCBridgeTestSupport

/// How one ioctl of a conformance case ended, as the transcript names it
/// (``IoctlOutcome/name``): the outcome ucprobe's fuzzer counts too.
package typealias Outcome = IoctlOutcome

extension Outcome {
  /// The outcome of a call made through `Connection.callMethod`, which
  /// reports the IOReturn and the errno as errors.
  ///
  /// - Parameter error: What the call threw.
  /// - Returns: The outcome; nil for a call refused in Swift before any
  ///   ioctl, which no conformance case makes, and for the errors of
  ///   service discovery, which no call throws.
  static func of(_ error: UCBridgeError) -> Outcome? {
    switch error {
    case .ioReturn(let result): return .dispatched(result)
    case .errno(let error): return .failed(error)
    case .badArgument, .serviceNotFound, .serviceUnreadable: return nil
    }
  }

  /// `kIOReturnSuccess`: the method ran and succeeded.
  static var success: Outcome { .dispatched(.success) }
  /// `kIOReturnBadArgument`: a count or size failed the method's checks,
  /// or the method refused its input.
  static var badArgument: Outcome { .dispatched(.badArgument) }
  /// `kIOReturnUnsupported`: no method has the selector.
  static var unsupported: Outcome { .dispatched(.unsupported) }
  /// `kIOReturnNotPrivileged`: an admin-only method called without
  /// `CAP_SYS_ADMIN`.
  static var notPrivileged: Outcome { .dispatched(.notPrivileged) }
  /// `kIOReturnOverrun`: the method's output did not fit the room.
  static var overrun: Outcome { .dispatched(.overrun) }
  /// `EINVAL`: a malformed call or argument header.
  static var invalid: Outcome { .failed(.invalidArgument) }
  /// `E2BIG`: a header too long, or with non-zero bytes past the known
  /// structure.
  static var tooBig: Outcome { .failed(.argListTooLong) }
  /// `EFAULT`: a pointer the ioctl needs is not readable or writable.
  static var fault: Outcome { .failed(.badAddress) }
  /// `ENOTTY`: not an ioctl of the device.
  static var notTTY: Outcome { .failed(.inappropriateIOCTLForDevice) }
  /// `ENOENT`: method info for a selector past the table.
  static var noEntry: Outcome { .failed(.noSuchFileOrDirectory) }
}
