import CUCBridgeCore
import SystemPackage
import UCBridge

/// One connection's client of a mock device: the in-process counterpart
/// of an open file of a node in /dev/ucbridge.
///
/// `@unchecked Sendable`: the client is written only here, before any
/// ioctl and in `close()` after the last one (`Connection` guarantees
/// both); the dispatch core reads it concurrently.
final class MockTransport: ConnectionTransport, @unchecked Sendable {
  private let device: MockDevice
  private let client: UnsafeMutablePointer<ucb_client>

  init(device: MockDevice, privileged: Bool) {
    self.device = device
    client = device.makeClient(privileged: privileged)
  }

  func ioctl(
    _ request: CUnsignedLong, _ argument: UnsafeMutableRawPointer?
  ) -> Result<Void, Errno> {
    device.ioctl(client, request, argument)
  }

  /// mmap(2) of the client's memory through the core's own checks
  /// (`ucb_client_map`): memfd-backed, a read-only type through a
  /// read-only descriptor, not inherited across fork().
  func mmap(
    length: Int, protection: CInt, flags: CInt, offset: UInt64
  ) -> Result<UnsafeMutableRawPointer, Errno> {
    var error: CInt = 0
    if let address = ucb_mock_mmap(client, length, protection, flags, offset, &error) {
      return .success(address)
    }
    return .failure(Errno(rawValue: -error))
  }

  /// read(2) of the client's events through the core's own
  /// `ucb_client_read_events`, which never blocks, after the kernel's
  /// read(2) check that the buffer is in user space.
  func readEvents(into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, Errno> {
    let start = UInt(bitPattern: buffer.baseAddress)
    if start > userAddressLimit || buffer.count > userAddressLimit - start {
      return .failure(.badAddress)
    }
    let count = ucb_client_read_events(client, buffer.baseAddress, buffer.count)
    return count < 0 ? .failure(Errno(rawValue: CInt(-count))) : .success(count)
  }

  /// The client's eventfd, readable while its queue is.
  var eventDescriptor: FileDescriptor? {
    FileDescriptor(rawValue: ucb_mock_events_fd(client))
  }

  func close() -> Result<Void, Errno> {
    ucb_client_release(client)
    client.deinitialize(count: 1)
    client.deallocate()
    return .success(())
  }
}
