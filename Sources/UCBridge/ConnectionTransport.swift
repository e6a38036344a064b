import SystemPackage

/// What a ``Connection`` sends its ioctls to when it is not a device
/// descriptor: the seam where UCBridgeMock plugs the in-process dispatch
/// core in beneath the same call path (as swift-system's Mocking.swift sits
/// beneath its Syscalls.swift).
///
/// A transport is used from many threads at once.  ``Connection``
/// guarantees that ``close()`` is called exactly once, after every
/// ``ioctl(_:_:)`` has returned and before none starts again.
package protocol ConnectionTransport: Sendable {
  /// Performs one ioctl with ioctl(2)'s contract: the driver reads and
  /// writes `argument` as the command says.
  ///
  /// - Parameters:
  ///   - request: The command, such as `ucb_ioc_call`.
  ///   - argument: The command's argument structure.
  /// - Returns: Success, or the error number ioctl(2) would set.
  func ioctl(
    _ request: CUnsignedLong, _ argument: UnsafeMutableRawPointer
  ) -> Result<Void, Errno>

  /// Releases the connection, as close(2) on its descriptor.
  func close() -> Result<Void, Errno>
}

/// Where a connection's ioctls go.  The device case is the common one and
/// is dispatched statically; only a custom transport pays for an
/// existential.
internal enum ConnectionBackend: Sendable {
  case device(FileDescriptor)
  case custom(any ConnectionTransport)

  @inline(__always)
  func ioctl(
    _ request: CUnsignedLong, _ argument: UnsafeMutableRawPointer
  ) -> Result<Void, Errno> {
    switch self {
    case .device(let fd): return ioctlDevice(fd, request, argument)
    case .custom(let transport): return transport.ioctl(request, argument)
    }
  }

  func close() -> Result<Void, Errno> {
    switch self {
    case .device(let fd): return closeDevice(fd)
    case .custom(let transport): return transport.close()
    }
  }
}
