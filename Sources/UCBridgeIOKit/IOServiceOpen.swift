import SystemPackage
import UCBridge

/// Opens a connection to a ucbridge device, in the place of IOKit's
/// `IOServiceOpen`: the device node stands where the `io_service_t` was.
///
/// ```swift
/// var conn: io_connect_t = IO_OBJECT_NULL
/// let kr = IOServiceOpen("/dev/ucbridge/reference", mach_task_self_, 0, &conn)
/// ```
///
/// - Parameters:
///   - path: The driver's node, such as `"/dev/ucbridge/reference"`.
///   - owningTask: Ignored; pass `mach_task_self_`.
///   - type: The user-client type, which the driver's open callback sees
///     and may refuse, as IOKit's `newUserClient` does.
///   - connect: Receives the new connection's handle on success.
/// - Returns: `kIOReturnSuccess`; the open error mapped as the module
///   documentation lists: `kIOReturnNotFound` when the node does not exist,
///   `kIOReturnNotPrivileged` when access is denied; or the driver's
///   IOReturn when it refuses the type.
///
/// The corresponding IOKit call is `IOServiceOpen`; the C calls are
/// `open(path, O_RDWR | O_CLOEXEC)` and `ioctl(fd, UCB_IOC_OPEN, &open)`.
public func IOServiceOpen(
  _ path: String, _ owningTask: task_port_t, _ type: UInt32,
  _ connect: UnsafeMutablePointer<io_connect_t>
) -> kern_return_t {
  do {
    return IOServiceOpen(
      try Connection.open(FilePath(path), type: type), owningTask, type, connect)
  } catch {
    return kernReturn(error)
  }
}

/// Hands an open `Connection`, such as one of a `MockDevice`, to the
/// IOKit-shaped calls, so ported code can be tested without a kernel.
///
/// - Parameters:
///   - connection: The connection; ``IOServiceClose(_:)`` closes it.
///   - owningTask: Ignored; pass `mach_task_self_`.
///   - type: Ignored: the connection is open already (choose a type with
///     `MockDevice.connect(type:privileged:)`).
///   - connect: Receives the connection's handle.
/// - Returns: `kIOReturnSuccess`.
///
/// The corresponding IOKit call is `IOServiceOpen`.
public func IOServiceOpen(
  _ connection: Connection, _ owningTask: task_port_t, _ type: UInt32,
  _ connect: UnsafeMutablePointer<io_connect_t>
) -> kern_return_t {
  connect.pointee = openConnections.write { $0.add(connection) }
  return kIOReturnSuccess
}

/// Closes a connection opened with `IOServiceOpen`.
///
/// Calls still running on other threads finish first; the handle is
/// invalid at once.
///
/// - Parameter connect: The connection's handle.
/// - Returns: `kIOReturnSuccess`, or `kIOReturnNotOpen` for a handle that
///   is not open.
///
/// The corresponding IOKit call is `IOServiceClose`; the C call is
/// `close(fd)`.
public func IOServiceClose(_ connect: io_connect_t) -> kern_return_t {
  guard let connection = openConnections.write({ $0.remove(connect) }) else {
    return kIOReturnNotOpen
  }
  do {
    try connection.close()
    return kIOReturnSuccess
  } catch {
    return kernReturn(error)
  }
}
