import CUCBridge
import Foundation
import SystemPackage
import Testing
@_spi(RawIoctl) import UCBridge

#if canImport(Glibc)
import Glibc
#endif

/// The reference driver's page size and memory types.
private let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
private let bufferType = UCB_REFERENCE_MEMORY_BUFFER.rawValue
private let statusType = UCB_REFERENCE_MEMORY_STATUS.rawValue
private let bufferSize = 1 << 20

/// Whether `length` bytes at `address` are mapped in this process:
/// mincore(2) fails with ENOMEM for a range that is not.
private func isMapped(_ address: UnsafeRawPointer, _ length: Int) -> Bool {
  var vector = [UInt8](repeating: 0, count: (length + pageSize - 1) / pageSize)
  return mincore(UnsafeMutableRawPointer(mutating: address), length, &vector) == 0
}

/// How a forked child that runs `body` ends: its exit status, or minus
/// the signal that ended it; nil if it had not ended within 10 seconds
/// (it is killed).
private func inChild(_ body: () -> Void) -> Int32? {
  let pid = fork()
  if pid == 0 {
    // The default action, not the Swift runtime's backtracer.
    signal(SIGSEGV, SIG_DFL)
    body()
    _exit(0)
  }
  guard pid > 0 else { return nil }
  var status: Int32 = 0
  for _ in 0..<1000 {
    if waitpid(pid, &status, WNOHANG) == pid {
      let signal = status & 0x7f
      return signal == 0 ? (status >> 8) & 0xff : -signal
    }
    usleep(10_000)
  }
  kill(pid, SIGKILL)
  waitpid(pid, &status, 0)
  return nil
}

extension DeviceTests {
  /// Shared memory: memory types, mappings, sharedChecksum over what the
  /// client wrote, the status page, read-only enforcement, lifetimes.
  @Suite struct SharedMemory {
    let device: DeviceUnderTest
    var connection: Connection { device.connection }

    init() throws { device = try DeviceUnderTest.open() }

    @Test func memoryTypesDescribeTheBufferAndTheStatusPage() throws {
      let types = try connection.memoryTypes()
      #expect(types.map(\.name) == ["buffer", "status"])
      #expect(try types[0] == connection.memoryInfo(type: bufferType))
      #expect(types[0].length == bufferSize && !types[0].isReadOnly && !types[0].isShared)
      #expect(types[0].offset == 0)
      #expect(types[1].length == pageSize && types[1].isReadOnly && !types[1].isShared)
      #expect(types[1].offset == 1 << 32)
      #expect(throws: UCBridgeError.errno(.noSuchFileOrDirectory)) {
        try connection.memoryInfo(type: 2)
      }
    }

    @Test func sharedChecksumSeesWhatTheClientWrote() throws {
      let connection = try device.connect()
      defer { try? connection.close() }
      var buffer = try connection.map(type: bufferType)
      #expect(buffer.count == bufferSize && !buffer.isReadOnly)
      #expect(buffer.withUnsafeBytes { $0.allSatisfy { $0 == 0 } }, "new memory is zeroed")
      let bytes = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
      buffer.withUnsafeMutableBytes { $0.copyBytes(from: bytes) }
      let shared = try connection.call(.sharedChecksum, 100, 1000)
      #expect(shared.stable && shared.length == 1000)
      #expect(shared.checksum == (try connection.call(.checksum, Array(bytes[100..<1100]))))

      // The same through the spans.
      buffer.withMutableSpan { span in
        for offset in 0..<16 { span.storeBytes(of: 0xff, toByteOffset: offset, as: UInt8.self) }
      }
      let first = buffer.withSpan { $0.unsafeLoad(fromByteOffset: 0, as: UInt64.self) }
      #expect(first == .max)
      let head = try connection.call(.sharedChecksum, 0, 16)
      #expect(head.checksum == (try connection.call(.checksum, [UInt8](repeating: 0xff, count: 16))))
      #expect(try connection.call(.sharedChecksum, UInt64(bufferSize), 0).length == 0)
    }

    @Test func sharedChecksumRefusesRangesPastTheBuffer() throws {
      let size = UInt64(bufferSize)
      #expect(throws: UCBridgeError.ioReturn(.badArgument)) {
        try connection.call(.sharedChecksum, size - 10, 11)
      }
      #expect(throws: UCBridgeError.ioReturn(.badArgument)) {
        try connection.call(.sharedChecksum, 1 << 63, 1 << 63)
      }
      let maxDelay = UInt64(UCB_CONSISTENCY_MAX_DELAY_US)
      #expect(throws: UCBridgeError.ioReturn(.badArgument)) {
        try connection.call(.sharedChecksum(delayMicroseconds: maxDelay + 1), 0, 1)
      }
      #expect(try connection.call(.sharedChecksum(delayMicroseconds: 1000), 0, 64).stable)
    }

    @Test func aRewritingThreadNeverChangesTheAnswer() throws {
      let connection = try device.connect()
      defer { try? connection.close() }
      var buffer = try connection.map(type: bufferType, length: 65536)
      let address = UInt(bitPattern: buffer.withUnsafeMutableBytes { $0.baseAddress! })
      let stop = SharedCounter(), stopped = SharedCounter()
      let writer = Thread {
        let bytes = UnsafeMutablePointer<UInt8>(bitPattern: address)!
        var value: UInt8 = 0
        while stop.value == 0 {
          value &+= 1
          for offset in stride(from: 0, to: 65536, by: 64) { bytes[offset] = value }
        }
        stopped.increment()
      }
      writer.start()
      defer {
        // The writer must be done before the mapping goes.
        stop.increment()
        while stopped.value == 0 { usleep(100) }
      }
      for _ in 0..<20 {
        #expect(try connection.call(.sharedChecksum(delayMicroseconds: 500), 0, 65536).stable)
      }
    }

    @Test func theStatusPageCountsCallsWithNoSystemCall() throws {
      let connection = try device.connect()
      defer { try? connection.close() }
      let status = try connection.map(type: statusType)
      #expect(status.isReadOnly && status.count == pageSize)
      func calls(_ selector: UInt32) -> UInt64 {
        status.baseAddress.load(fromByteOffset: Int(selector) * 8, as: UInt64.self)
      }
      #expect(calls(Sel.noop) == 0)
      for _ in 0..<3 { try connection.call(.noop) }
      #expect(calls(Sel.noop) == 3)
      _ = try connection.call(.add, 1, 2)
      _ = try connection.call(.sharedChecksum, 0, 8)
      #expect(calls(Sel.add) == 1 && calls(Sel.sharedChecksum) == 1)
      // Refused by the table's checks: the method never ran.
      _ = try? connection.callMethod(Sel.add, scalarInput: [1])
      #expect(calls(Sel.add) == 1)
    }

    @Test func mappingsAreRefusedAsTheABISays() throws {
      #expect(throws: UCBridgeError.errno(.permissionDenied), "the read-only page writable") {
        _ = try connection.map(type: statusType, readOnly: false)
      }
      #expect(throws: UCBridgeError.errno(.invalidArgument), "an unknown type") {
        _ = try connection.map(type: 2, readOnly: true, length: pageSize)
      }
      #expect(throws: UCBridgeError.errno(.noSuchFileOrDirectory), "an unknown type's description") {
        _ = try connection.map(type: 2)
      }
      #expect(throws: UCBridgeError.errno(.invalidArgument), "longer than the type") {
        _ = try connection.map(type: bufferType, length: bufferSize + pageSize)
      }
      #expect(throws: UCBridgeError.errno(.invalidArgument), "MAP_PRIVATE") {
        _ = try connection.rawMmap(
          length: pageSize, protection: PROT_READ, flags: MAP_PRIVATE, offset: 0)
      }
      let closed = try device.connect()
      try closed.close()
      #expect(throws: UCBridgeError.errno(.badFileDescriptor), "a closed connection") {
        _ = try closed.map(type: bufferType)
      }
    }

    @Test func theStatusPageCannotBeMadeWritable() throws {
      let status = try connection.map(type: statusType)
      let address = UnsafeMutableRawPointer(mutating: status.baseAddress)
      #expect(mprotect(address, pageSize, PROT_READ | PROT_WRITE) == -1 && errno == EACCES)
    }

    @Test func writingTheStatusPageKillsOnlyTheWriter() throws {
      let connection = try device.connect()
      defer { try? connection.close() }
      // The child maps the page itself: mappings are not inherited.
      let ended = inChild {
        guard let status = try? connection.map(type: statusType) else { _exit(3) }
        UnsafeMutableRawPointer(mutating: status.baseAddress).storeBytes(of: 1, as: UInt8.self)
        _exit(4)
      }
      #expect(ended == -SIGSEGV)
      // The parent and its connection go on.
      try connection.call(.noop)
      let status = try connection.map(type: statusType)
      #expect(status.baseAddress.load(as: UInt64.self) == 1, "the parent's noop, counted once")
    }

    @Test func aChildDoesNotInheritTheMapping() throws {
      let buffer = try connection.map(type: bufferType, length: pageSize)
      let address = UInt(bitPattern: buffer.baseAddress)
      let ended = inChild {
        _ = UnsafeRawPointer(bitPattern: address)!.load(as: UInt8.self)
      }
      #expect(ended == -SIGSEGV)
      #expect(buffer.withUnsafeBytes { $0[0] } == 0)
    }

    @Test func deinitAndUnmapUnmap() throws {
      var address: UnsafeRawPointer
      do {
        let buffer = try connection.map(type: bufferType)
        address = buffer.baseAddress
        #expect(isMapped(address, bufferSize))
      }
      #expect(!isMapped(address, pageSize), "deinit unmapped it")
      let status = try connection.map(type: statusType)
      address = status.baseAddress
      try status.unmap()
      #expect(!isMapped(address, pageSize), "unmap() unmapped it")
    }

    @Test func aMappingOutlivesClose() throws {
      let connection = try device.connect()
      var buffer = try connection.map(type: bufferType, length: pageSize)
      buffer.withUnsafeMutableBytes { _ = $0.initializeMemory(as: UInt8.self, repeating: 0x5a) }
      try connection.close()
      buffer.withUnsafeMutableBytes { $0[0] = 0xa5 }
      #expect(buffer.withUnsafeBytes { $0[0] == 0xa5 && $0[1...].allSatisfy { $0 == 0x5a } })
    }

    @Test func eachConnectionHasABufferOfItsOwn() throws {
      let first = try device.connect()
      let second = try device.connect()
      defer {
        try? first.close()
        try? second.close()
      }
      var one = try first.map(type: bufferType, length: pageSize)
      let two = try second.map(type: bufferType, length: pageSize)
      one.withUnsafeMutableBytes { $0[0] = 1 }
      #expect(two.withUnsafeBytes { $0[0] } == 0)
      #expect(try second.call(.sharedChecksum, 0, 1).crc32c != (try first.call(.sharedChecksum, 0, 1).crc32c))
    }
  }
}
