import CUCBridge
import Synchronization
import SystemPackage

/// An open connection to a ucbridge driver: IOKit's `io_connect_t`, as a
/// Swift object.
///
/// Open one with ``open(_:type:)`` and call its methods with ``call(_:)`` and
/// friends (the typed layer), ``callMethod(_:scalarInput:structInput:scalarOutput:structOutput:)``
/// (the raw call) or introspect the driver with ``driverInfo()`` and
/// ``methods()``.
///
/// A connection is safe to use from many threads at once.  ``close()``
/// (or the last reference going away) closes its descriptor exactly once,
/// and only after every call in flight on it has returned; calls made
/// after ``close()`` throw `UCBridgeError.errno(.badFileDescriptor)`.
/// Either also stops the connection's event reader, the thread that runs
/// async completion and notification handlers, which ends pending async
/// calls as aborted.
///
/// ```swift
/// let connection = try Connection.open()
/// defer { try? connection.close() }
/// print(try connection.call(.add, 40, 2))   // 42
/// ```
public final class Connection: Sendable {
  /// Where every driver's node lives: `/dev/ucbridge/<name>`.
  public static var deviceDirectory: FilePath { "/dev/ucbridge" }

  /// The reference driver's node: `/dev/ucbridge/reference`.
  public static var defaultDevicePath: FilePath {
    deviceDirectory.appending(UCB_REFERENCE_NAME)
  }

  @usableFromInline
  internal let backend: ConnectionBackend
  @usableFromInline
  internal let useCount = UseCount()
  /// The connection's event reader, made at the first async call or
  /// notification subscription (see `Connection+Async.swift`).
  internal let eventReaderSlot = Mutex<EventReader?>(nil)

  private init(backend: ConnectionBackend) {
    self.backend = backend
  }

  /// Creates a connection whose ioctls go to `transport` instead of a
  /// device descriptor (UCBridgeMock's in-process device uses this).
  ///
  /// - Parameter transport: Receives every ioctl of the connection, and
  ///   `close()` exactly once.
  package convenience init(transport: any ConnectionTransport) {
    self.init(backend: .custom(transport))
  }

  /// Opens a connection to a ucbridge driver.
  ///
  /// The node is opened for reading and writing, close-on-exec.  An
  /// interrupted open is retried.  With a `type`, the driver is asked to
  /// open the connection as that user-client type (IOServiceOpen's
  /// `type`); without one it opens with type 0 at the first call.
  ///
  /// - Parameters:
  ///   - path: The driver's node, `/dev/ucbridge/<name>`; the reference
  ///     driver's when omitted.
  ///   - type: The user-client type, or nil.
  /// - Returns: The open connection.
  /// - Throws: ``UCBridgeError/errno(_:)`` with open(2)'s error, such as
  ///   `.noSuchFileOrDirectory` when the driver is not loaded,
  ///   `.permissionDenied`, or `.isDirectory` for `/dev/ucbridge` itself,
  ///   which holds one node per driver since ucbridge 0.2;
  ///   ``UCBridgeError/ioReturn(_:)`` when the driver refuses the type.
  ///
  /// The corresponding C calls are `open(path, O_RDWR | O_CLOEXEC)` and,
  /// with a type, `ioctl(fd, UCB_IOC_OPEN, &open)`.
  public static func open(
    _ path: FilePath = Connection.defaultDevicePath, type: UInt32? = nil
  ) throws(UCBridgeError) -> Connection {
    let connection = try _open(path).get()
    if let type { try connection.openUserClient(type: type) }
    return connection
  }

  internal static func _open(
    _ path: FilePath
  ) -> Result<Connection, UCBridgeError> {
    openDevice(path)
      .map { Connection(backend: .device($0)) }
      .mapError(UCBridgeError.errno)
  }

  /// Asks the driver to open this connection as a user-client type, as
  /// IOServiceOpen's `type` does on macOS.
  ///
  /// A connection chooses its type once, before its first call; a call
  /// made without a choice opens it with type 0.  A refused type leaves
  /// the connection unopened, so another may be tried.
  ///
  /// - Parameter type: The type, which the driver's open callback sees.
  /// - Throws: ``UCBridgeError/ioReturn(_:)`` with the driver's refusal;
  ///   ``UCBridgeError/errno(_:)`` with `.resourceBusy` once a type was
  ///   accepted or a call made.
  ///
  /// The corresponding C call is `ioctl(fd, UCB_IOC_OPEN, &open)`.
  public func openUserClient(type: UInt32) throws(UCBridgeError) {
    var request = ucb_open()
    request.size = UInt32(MemoryLayout<ucb_open>.size)
    request.type = type
    try withUnsafeMutableBytes(of: &request) { bytes throws(UCBridgeError) in
      try ioctl(ucb_ioc_open, bytes.baseAddress).mapError(UCBridgeError.errno).get()
    }
    if request.result != UCB_IORETURN_SUCCESS {
      throw .ioReturn(IOReturn(rawValue: request.result))
    }
  }

  /// Closes the connection.
  ///
  /// Returns at once.  When calls are in flight on other threads the
  /// descriptor is closed as the last of them returns (and an error from
  /// that deferred close(2) is not reported); calls that start after
  /// `close()` fail with `EBADF`.
  ///
  /// - Throws: ``UCBridgeError/errno(_:)`` with `.badFileDescriptor` when
  ///   the connection was already closed, or close(2)'s error.
  ///
  /// The corresponding C call is `close(fd)`.
  public func close() throws(UCBridgeError) {
    try _close().get()
  }

  internal func _close() -> Result<Void, UCBridgeError> {
    switch useCount.close() {
    case .releaseNow: return backend.close().mapError(UCBridgeError.errno)
    case .releaseWhenIdle:
      // A running event reader holds a use: stopping it lets go of the
      // descriptor, and its async calls end as aborted.
      eventReaderSlot.withLock { $0 }?.stop()
      return .success(())
    case .alreadyClosed: return .failure(.errno(.badFileDescriptor))
    }
  }

  deinit {
    // Nothing can be in flight without a reference, so this releases the
    // descriptor now unless close() already did, or the event reader holds
    // it: stopping the reader releases it then.
    switch useCount.close() {
    case .releaseNow: _ = backend.close()
    case .releaseWhenIdle: eventReaderSlot.withLock { $0 }?.stop()
    case .alreadyClosed: break
    }
  }

  /// Performs one ioctl on the connection, unless it is closed.  Every
  /// call of every layer goes through here, or through
  /// ``ioctlHoldingUse(_:_:)`` when its caller holds a use already.
  ///
  /// - Parameters:
  ///   - request: The command: `ucb_ioc_call`, `ucb_ioc_driver_info` or
  ///     `ucb_ioc_method_info`.
  ///   - argument: The command's argument structure.
  /// - Returns: Success or the ioctl's error number; `.badFileDescriptor`
  ///   once the connection is closed.
  ///
  /// Inlined, into the raw call's callers too: the raw call is then one
  /// function, not two (a frame, a `Result` and the use count's calls cost
  /// about 40 instructions).  The use count is left on each path, not
  /// after a test of which path: the caller tests that again.
  @inlinable @inline(always)
  internal func ioctl(
    _ request: CUnsignedLong, _ argument: UnsafeMutableRawPointer?
  ) -> Result<Void, Errno> {
    guard enterDescriptorUse() else { return .failure(.badFileDescriptor) }
    let sent = backend.ioctl(request, argument)
    if case .failure = sent {
      leaveDescriptorUse()
      return sent
    }
    leaveDescriptorUse()
    return .success(())
  }

  /// Performs one ioctl on the connection for a caller that holds a use of
  /// the descriptor (``enterDescriptorUse()``), unless the connection is
  /// closed: the held use keeps the descriptor open, so the call does not
  /// count itself; a call that starts after ``close()`` still fails.
  ///
  /// - Returns: As ``ioctl(_:_:)``.
  @inlinable @inline(always)
  internal func ioctlHoldingUse(
    _ request: CUnsignedLong, _ argument: UnsafeMutableRawPointer?
  ) -> Result<Void, Errno> {
    guard !useCount.isClosed else { return .failure(.badFileDescriptor) }
    return backend.ioctl(request, argument)
  }

  /// Registers a user of the descriptor: a call, the event reader, which
  /// outlives one, or an IOKit handle, for as long as it is open.  Returns
  /// false once the connection is closed.
  @inlinable @inline(always)
  package func enterDescriptorUse() -> Bool {
    if useCount.enter() { return true }
    // Counted on the way in, as a closed connection is found only then.
    leaveDescriptorUse()
    return false
  }

  /// Unregisters a user of ``enterDescriptorUse()``, releasing the
  /// descriptor when it was the last of a closed connection.
  @inlinable @inline(always)
  package func leaveDescriptorUse() {
    if useCount.leave() { releaseDescriptor() }
  }

  /// Releases the descriptor for the last user of a closed connection; out
  /// of line, so that a call's own code reads only the descriptor.
  @usableFromInline @inline(never)
  internal func releaseDescriptor() {
    _ = backend.close()
  }

  /// Releases the descriptor for a user of ``enterDescriptorUse()`` whose
  /// connection went away while it held its use (the connection's deinit
  /// left the descriptor to it).
  internal var releaseOrphanedDescriptor: @Sendable () -> Void {
    let backend = backend
    return { _ = backend.close() }
  }

  /// read(2) of the connection's events, unless it is closed: every read
  /// of every layer goes through here.  Never blocks.
  ///
  /// - Returns: The bytes read, whole `struct ucb_event` records; the
  ///   error number read(2) would set (`EAGAIN` when none waits, `ENODEV`
  ///   once none will); `.badFileDescriptor` once the connection is closed.
  package func readEvents(
    into buffer: UnsafeMutableRawBufferPointer
  ) -> Result<Int, Errno> {
    guard enterDescriptorUse() else { return .failure(.badFileDescriptor) }
    defer { leaveDescriptorUse() }
    return backend.readEvents(into: buffer)
  }

  /// The descriptor poll(2) reports readable while an event waits: the
  /// device's own, or the mock's.  Valid until the connection is closed;
  /// whoever polls it must stop before then.
  package var eventDescriptor: FileDescriptor? { backend.eventDescriptor }

  /// mmap(2) on the connection, unless it is closed: every mapping of
  /// every layer goes through here.
  ///
  /// - Returns: The mapping's address, or mmap(2)'s error number;
  ///   `.badFileDescriptor` once the connection is closed.
  internal func mmap(
    length: Int, protection: CInt, flags: CInt, offset: UInt64
  ) -> Result<UnsafeMutableRawPointer, Errno> {
    guard enterDescriptorUse() else { return .failure(.badFileDescriptor) }
    defer { leaveDescriptorUse() }
    return backend.mmap(length: length, protection: protection, flags: flags, offset: offset)
  }
}
