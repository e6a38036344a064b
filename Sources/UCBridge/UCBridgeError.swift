import SystemPackage

/// Every way a ucbridge call can fail, as one error that can be caught by
/// case.
///
/// - ``ioReturn(_:)``: the driver dispatched the call and its result was
///   not ``IOReturn/success``.  No outputs were written.
/// - ``errno(_:)``: the system call itself failed, so the call was never
///   dispatched: opening or closing the device, a malformed call
///   (`EINVAL`, `E2BIG`), a bad buffer address (`EFAULT`), no kernel memory
///   (`ENOMEM`), a device that is not a ucbridge device (`ENOTTY`), or a
///   ``Connection`` that is already closed (`EBADF`).
/// - ``badArgument(_:)``: refused in Swift before any system call, because
///   the call could not succeed: a count or size that breaks a method's
///   ``MethodChecks`` or that the ABI's 32-bit fields cannot carry.  The
///   driver would have answered ``IOReturn/badArgument``; the message says
///   what was wrong.
///
/// ```swift
/// do {
///   let info = try connection.call(.pathInfo, "/etc/hostname")
/// } catch .ioReturn(.badArgument) {
///   // the driver refused the path
/// } catch .errno(.badAddress) {
///   // a buffer pointer was bad
/// } catch {
///   print(error)
/// }
/// ```
public enum UCBridgeError: Error, Hashable, Sendable {
  /// The driver answered with this non-success `IOReturn`.
  case ioReturn(IOReturn)
  /// A system call failed with this error number.
  case errno(Errno)
  /// Refused in Swift before the system call; the driver would have
  /// answered ``IOReturn/badArgument``.
  case badArgument(String)
}

extension UCBridgeError: CustomStringConvertible {
  /// A description naming the failure, such as
  /// `kIOReturnBadArgument (0xe00002c2): invalid argument`.
  public var description: String {
    switch self {
    case .ioReturn(let result): return result.description
    case .errno(let error): return "\(error) (errno \(error.rawValue))"
    case .badArgument(let message): return "bad argument: \(message)"
    }
  }
}
