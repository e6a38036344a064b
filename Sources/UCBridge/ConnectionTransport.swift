import SystemPackage

/// What a ``Connection`` sends its ioctls to when it is not a device
/// descriptor: the seam where UCBridgeMock plugs the in-process dispatch
/// core in beneath the same call path (as swift-system's Mocking.swift sits
/// beneath its Syscalls.swift).
///
/// A transport is an object (a class-bound existential is one reference,
/// so calling through it needs no value-witness copy), used from many
/// threads at once.  ``Connection``
/// guarantees that ``close()`` is called exactly once, after every
/// ``ioctl(_:_:)`` has returned and before none starts again.
package protocol ConnectionTransport: AnyObject, Sendable {
  /// Performs one ioctl with ioctl(2)'s contract: the driver reads and
  /// writes `argument` as the command says.
  ///
  /// - Parameters:
  ///   - request: The command, such as `ucb_ioc_call`.
  ///   - argument: The command's argument structure; nil is passed on
  ///     as a NULL argument, which the driver refuses with `EFAULT`.
  /// - Returns: Success, or the error number ioctl(2) would set.
  func ioctl(
    _ request: CUnsignedLong, _ argument: UnsafeMutableRawPointer?
  ) -> Result<Void, Errno>

  /// Releases the connection, as close(2) on its descriptor.
  func close() -> Result<Void, Errno>

  /// Maps memory of the connection with mmap(2)'s contract, as
  /// `mmap(NULL, length, protection, flags, fd, offset)` on its
  /// descriptor: the driver checks the offset (`UCB_MEMORY_OFFSET(type)`),
  /// the length, the protection and the flags as the kernel does.
  ///
  /// The mapping is an ordinary one of this process: munmap(2) releases
  /// it.  A transport that cannot map memory fails with `ENODEV`, as
  /// mmap(2) does on a file without mmap; that is the default.
  ///
  /// - Returns: The mapping's address, or the error number mmap(2) would
  ///   set.
  func mmap(
    length: Int, protection: CInt, flags: CInt, offset: UInt64
  ) -> Result<UnsafeMutableRawPointer, Errno>

  /// Reads events with read(2)'s contract on a descriptor opened with
  /// `O_NONBLOCK`: whole `struct ucb_event` records, `EAGAIN` when none
  /// waits, `ENODEV` once none will (the driver is gone), `EINVAL` for
  /// room under one record.  A transport without events fails with
  /// `ENODEV`; that is the default.
  func readEvents(into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, Errno>

  /// A descriptor that poll(2) reports readable while an event waits or
  /// none will come again, owned by the transport until ``close()``.
  /// Nil for a transport without events; that is the default.
  var eventDescriptor: FileDescriptor? { get }
}

extension ConnectionTransport {
  /// No events: `ENODEV`.
  package func readEvents(into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, Errno> {
    .failure(.operationNotSupportedByDevice)
  }

  /// No events to wait for.
  package var eventDescriptor: FileDescriptor? { nil }

  /// No memory to map: `ENODEV`.
  package func mmap(
    length: Int, protection: CInt, flags: CInt, offset: UInt64
  ) -> Result<UnsafeMutableRawPointer, Errno> {
    .failure(.operationNotSupportedByDevice)
  }
}

/// The end of user space on x86-64 (`TASK_SIZE_MAX`): read(2) refuses a
/// buffer reaching past it with `EFAULT` (vfs_read()'s access_ok()) before
/// the driver sees the call, whatever its size, so a transport standing in
/// for a device does the same.
package let userAddressLimit: UInt = (1 << 47) - 4096

/// Where a connection's ioctls go.  The device case is the common one: its
/// descriptor is a plain value, tested first, so a device call copies no
/// existential and makes no retain or release; only a custom transport
/// pays for the existential.  (An enum with a `.custom(any
/// ConnectionTransport)` case cost a value-witness copy of the whole enum,
/// a retain and a release on every call.)
///
/// The device call is inlinable, as the raw call is: see
/// ``Connection/callMethod(_:scalarInput:structInput:scalarOutput:structOutput:)``.
@usableFromInline
internal struct ConnectionBackend: Sendable {
  /// The device descriptor; nil for a custom transport.
  @usableFromInline
  internal let device: FileDescriptor?
  /// The custom transport; nil for a device.
  private let transport: (any ConnectionTransport)?

  static func device(_ fd: FileDescriptor) -> ConnectionBackend {
    ConnectionBackend(device: fd, transport: nil)
  }

  static func custom(_ transport: any ConnectionTransport) -> ConnectionBackend {
    ConnectionBackend(device: nil, transport: transport)
  }

  @inlinable @inline(always)
  func ioctl(
    _ request: CUnsignedLong, _ argument: UnsafeMutableRawPointer?
  ) -> Result<Void, Errno> {
    if let fd = device { return ioctlDevice(fd, request, argument) }
    return transportIoctl(request, argument)
  }

  /// A custom transport's ioctl, out of line: inlined callers see only
  /// the device case.
  @usableFromInline
  func transportIoctl(
    _ request: CUnsignedLong, _ argument: UnsafeMutableRawPointer?
  ) -> Result<Void, Errno> {
    transport!.ioctl(request, argument)
  }

  func close() -> Result<Void, Errno> {
    if let fd = device { return closeDevice(fd) }
    return transport!.close()
  }

  func mmap(
    length: Int, protection: CInt, flags: CInt, offset: UInt64
  ) -> Result<UnsafeMutableRawPointer, Errno> {
    if let fd = device {
      return mmapDevice(fd, length: length, protection: protection, flags: flags, offset: offset)
    }
    return transport!.mmap(length: length, protection: protection, flags: flags, offset: offset)
  }

  func readEvents(into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, Errno> {
    if let fd = device { return readDevice(fd, into: buffer) }
    return transport!.readEvents(into: buffer)
  }

  var eventDescriptor: FileDescriptor? {
    device ?? transport!.eventDescriptor
  }
}
