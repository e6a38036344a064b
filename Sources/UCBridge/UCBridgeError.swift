import SystemPackage

/// Every way a ucbridge call can fail, as one error that can be caught by
/// case.
///
/// - ``ioReturn(_:)``: the driver dispatched the call and its result was
///   not ``IOReturn/success``.  No outputs were written.
/// - ``errno(_:)``: the system call itself failed, so the call was never
///   dispatched: opening or closing the device, listing
///   `/sys/class/ucbridge`, a malformed call
///   (`EINVAL`, `E2BIG`), a bad buffer address (`EFAULT`), no kernel memory
///   (`ENOMEM`), a device that is not a ucbridge device (`ENOTTY`), or a
///   ``Connection`` that is already closed (`EBADF`).
/// - ``badArgument(_:)``: refused in Swift before any system call, because
///   the call could not succeed: a count or size that breaks a method's
///   ``MethodChecks`` or that the ABI's 32-bit fields cannot carry.  The
///   driver would have answered ``IOReturn/badArgument``; the message says
///   what was wrong.
/// - ``serviceNotFound(_:present:frameworkLoaded:)``: ``Service/named(_:)``
///   found no registered driver of that name; the error names those that
///   are, or says why none is.
/// - ``serviceUnreadable(_:reason:)``: a registered driver's sysfs
///   description could not be read or parsed; the reason says which file
///   and what it held.
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
  /// No registered driver has this name.  `present` names the drivers
  /// that are registered, sorted; `frameworkLoaded` is false when
  /// `ucbridge.ko` itself is not loaded (there is no
  /// `/sys/class/ucbridge`), so that no driver can be.
  case serviceNotFound(String, present: [String], frameworkLoaded: Bool)
  /// The driver of this name is registered but its sysfs description
  /// cannot be read or parsed, for the reason given.
  case serviceUnreadable(String, reason: String)
}

extension UCBridgeError: CustomStringConvertible {
  /// A description naming the failure, such as
  /// `kIOReturnBadArgument (0xe00002c2): invalid argument` or
  /// `no ucbridge driver named "kvstor" is registered; registered:
  /// kvstore, reference`.
  public var description: String {
    switch self {
    case .ioReturn(let result): return result.description
    case .errno(let error): return "\(error) (errno \(error.rawValue))"
    case .badArgument(let message): return "bad argument: \(message)"
    case .serviceNotFound(let name, let present, let frameworkLoaded):
      let found = "no ucbridge driver named \(String(reflecting: name))"
      if !present.isEmpty {
        return "\(found) is registered; registered: \(present.joined(separator: ", "))"
      }
      if frameworkLoaded {
        return "\(found) is registered: none is (ucbridge.ko is loaded, but no driver module)"
      }
      return "\(found) is registered: ucbridge.ko is not loaded (no /sys/class/ucbridge)"
    case .serviceUnreadable(let name, let reason):
      return "cannot read ucbridge driver \(String(reflecting: name)): \(reason)"
    }
  }
}
