#if canImport(Glibc)
import Glibc
#endif
import SystemPackage
import Testing
@_spi(RawIoctl) import UCBridge
import UCBridgeMock

/// A transport that has no memory to map: only the default `mmap`.
private final class NoMemoryTransport: ConnectionTransport {
  private let inner = try! MockDevice().connect(privileged: true)

  func ioctl(
    _ request: CUnsignedLong, _ argument: UnsafeMutableRawPointer?
  ) -> Result<Void, Errno> {
    Result { () throws(UCBridgeError) in try inner.rawIoctl(request, argument) }
      .mapError { error -> Errno in
        if case .errno(let number) = error { return number }
        return .ioError
      }
  }

  func close() -> Result<Void, Errno> { .success(()) }
}

/// Shared memory on the mock itself: the driver going away, and a
/// transport without memory.
@Suite(.mockOnly) struct SharedMemoryOnTheMock {
  @Test func afterUnregisterMappingFailsButMappingsStay() throws {
    let device = try MockDevice()
    let connection = device.connect()
    var buffer = try connection.map(type: 0, length: 4096)
    device.unregister()
    #expect(throws: UCBridgeError.errno(.operationNotSupportedByDevice)) {
      _ = try connection.map(type: 0, readOnly: false, length: 4096)
    }
    #expect(throws: UCBridgeError.errno(.operationNotSupportedByDevice)) {
      try connection.memoryInfo(type: 0)
    }
    buffer.withUnsafeMutableBytes { $0[0] = 7 }
    #expect(buffer.withUnsafeBytes { $0[0] } == 7, "the mapping outlives the driver")
    try connection.close()
  }

  @Test func aTransportWithoutMemoryRefusesWithENODEV() throws {
    let connection = Connection(transport: NoMemoryTransport())
    #expect(throws: UCBridgeError.errno(.operationNotSupportedByDevice)) {
      _ = try connection.map(type: 0, readOnly: false, length: 4096)
    }
    #expect(try connection.memoryTypes().count == 2, "its ioctls still go through")
  }
}
