import SystemPackage
import UCBridge

/// Opens a connection to a ucbridge driver found by matching, as IOKit's
/// `IOServiceOpen` does:
///
/// ```swift
/// let service = IOServiceGetMatchingService(kIOMainPortDefault,
///                                           IOServiceMatching("reference"))
/// var conn: io_connect_t = IO_OBJECT_NULL
/// let kr = IOServiceOpen(service, mach_task_self_, 0, &conn)
/// IOObjectRelease(service)
/// ```
///
/// The service's handle stays valid, and must still be released with
/// ``IOObjectRelease(_:)``; the connection is closed with
/// ``IOServiceClose(_:)``.
///
/// - Parameters:
///   - service: A service handle from `IOServiceGetMatchingService(_:_:)`
///     or `IOIteratorNext(_:)`.
///   - owningTask: Ignored; pass `mach_task_self_`.
///   - type: The user-client type, which the driver's open callback sees
///     and may refuse, as IOKit's `newUserClient` does.
///   - connect: Receives the new connection's handle on success; left as
///     it was on failure.
/// - Returns: `kIOReturnSuccess`; `kIOReturnBadArgument` when `service` is
///   `IO_OBJECT_NULL`, released, or not a service (IOKit's MIG call fails
///   there with `MACH_SEND_INVALID_DEST` or its object check with
///   `kIOReturnBadArgument`; ucbridge gives the IOReturn in every case);
///   `kIOReturnNoDevice` when the driver unregistered since it was matched
///   (its node is gone); `kIOReturnNotPrivileged` when access to the node
///   is denied; or the driver's IOReturn when it refuses the type.
///
/// The corresponding IOKit call is `IOServiceOpen`; the C calls are
/// `open("/dev/ucbridge/<name>", O_RDWR | O_CLOEXEC)` and
/// `ioctl(fd, UCB_IOC_OPEN, &open)`.
public func IOServiceOpen(
  _ service: io_service_t, _ owningTask: task_port_t, _ type: UInt32,
  _ connect: UnsafeMutablePointer<io_connect_t>
) -> kern_return_t {
  guard case .service(let service)? = ioObjects.read({ $0.object(service) }) else {
    return kIOReturnBadArgument
  }
  do {
    return IOServiceOpen(try service.value.open(type: type), owningTask, type, connect)
  } catch .errno(.noSuchFileOrDirectory) {
    return kIOReturnNoDevice
  } catch {
    return kernReturn(error)
  }
}

/// Opens a connection to a ucbridge device by its node's path, in the
/// place of IOKit's `IOServiceOpen`: the path stands where the
/// `io_service_t` was.  Matching by name,
/// ``IOServiceGetMatchingService(_:_:)``, ports IOKit code more closely.
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
/// - Returns: `kIOReturnSuccess`, or `kIOReturnNotOpen` when the
///   connection is closed.
///
/// The handle holds the connection's descriptor open until
/// ``IOServiceClose(_:)``, as a call in flight does; a call through the
/// handle after the connection's own `close()` fails with
/// `kIOReturnNotOpen`, as a call on the connection does.
///
/// The corresponding IOKit call is `IOServiceOpen`.
public func IOServiceOpen(
  _ connection: Connection, _ owningTask: task_port_t, _ type: UInt32,
  _ connect: UnsafeMutablePointer<io_connect_t>
) -> kern_return_t {
  // Let go of when the handle's slot is released (IOObjectTable.release(slotAt:)).
  guard connection.enterDescriptorUse() else { return kIOReturnNotOpen }
  connect.pointee = ioObjects.write { $0.add(.connection(connection)) }
  return kIOReturnSuccess
}

/// Closes a connection opened with `IOServiceOpen`.
///
/// Calls still running on other threads finish first; the handle is
/// invalid at once.  As in IOKit, closing also releases the handle: do not
/// pass it to ``IOObjectRelease(_:)`` afterwards.
///
/// - Parameter connect: The connection's handle.
/// - Returns: `kIOReturnSuccess`, or `kIOReturnNotOpen` for a handle that
///   is not an open connection (a service or iterator handle is left as it
///   was).
///
/// The corresponding IOKit call is `IOServiceClose`; the C call is
/// `close(fd)`.
@discardableResult
public func IOServiceClose(_ connect: io_connect_t) -> kern_return_t {
  guard
    case .connection(let connection)? = ioObjects.write({
      $0.remove(connect) { if case .connection = $0 { true } else { false } }
    })
  else { return kIOReturnNotOpen }
  do {
    try connection.close()
    return kIOReturnSuccess
  } catch {
    return kernReturn(error)
  }
}
