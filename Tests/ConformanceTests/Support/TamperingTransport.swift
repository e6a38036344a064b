import CUCBridge
import SystemPackage
@_spi(RawIoctl) import UCBridge
import UCBridgeMock

/// A connection to a mock device that, after each ioctl, lets a test
/// tamper with the caller's memory as a broken driver would: the positive
/// controls of the corpus's checks.
final class TamperingTransport: ConnectionTransport {
  private let inner: Connection
  private let tamper: @Sendable (CUnsignedLong, UnsafeMutableRawPointer) -> Void
  private let tamperEvents: @Sendable (UnsafeMutableRawBufferPointer) -> Void

  /// Wraps a privileged connection to a fresh reference mock.
  ///
  /// - Parameters:
  ///   - tamper: Runs after every ioctl, with its number and argument.
  ///   - tamperEvents: Runs after every read of events, with the records
  ///     read.
  init(
    tamper: @escaping @Sendable (CUnsignedLong, UnsafeMutableRawPointer) -> Void,
    tamperEvents: @escaping @Sendable (UnsafeMutableRawBufferPointer) -> Void
  ) throws {
    inner = try MockDevice().connect(privileged: true)
    self.tamper = tamper
    self.tamperEvents = tamperEvents
  }

  /// A connection through a tampering transport.
  static func connection(
    tamper: @escaping @Sendable (CUnsignedLong, UnsafeMutableRawPointer) -> Void = { _, _ in },
    tamperEvents: @escaping @Sendable (UnsafeMutableRawBufferPointer) -> Void = { _ in }
  ) throws -> Connection {
    Connection(transport: try TamperingTransport(tamper: tamper, tamperEvents: tamperEvents))
  }

  func readEvents(into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, Errno> {
    let result = inner.readEvents(into: buffer)
    if case .success(let count) = result {
      tamperEvents(UnsafeMutableRawBufferPointer(rebasing: buffer[..<count]))
    }
    return result
  }

  var eventDescriptor: FileDescriptor? { inner.eventDescriptor }

  func ioctl(
    _ request: CUnsignedLong, _ argument: UnsafeMutableRawPointer?
  ) -> Result<Void, Errno> {
    let result = Result { () throws(UCBridgeError) in try inner.rawIoctl(request, argument) }
      .mapError { error -> Errno in
        if case .errno(let number) = error { return number }
        return .ioError
      }
    if let argument { tamper(request, argument) }
    return result
  }

  func close() -> Result<Void, Errno> { .success(()) }

  func mmap(
    length: Int, protection: CInt, flags: CInt, offset: UInt64
  ) -> Result<UnsafeMutableRawPointer, Errno> {
    Result { () throws(UCBridgeError) in
      try inner.rawMmap(length: length, protection: protection, flags: flags, offset: offset)
    }.mapError { error -> Errno in
      if case .errno(let number) = error { return number }
      return .ioError
    }
  }
}

/// A call header's fields, read from the caller's memory.
func callHeader(at argument: UnsafeMutableRawPointer) -> UnsafeMutablePointer<ucb_call> {
  argument.assumingMemoryBound(to: ucb_call.self)
}
