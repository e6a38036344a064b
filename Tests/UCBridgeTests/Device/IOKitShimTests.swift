import CUCBridge
import Testing
import UCBridge
import UCBridgeIOKit

extension DeviceTests {
  /// Every reference method through the IOKit-shaped calls.
  @Suite final class IOKitShim {
    let device: DeviceUnderTest
    let conn: io_connect_t

    init() throws {
      device = try DeviceUnderTest.open()
      var conn = IO_OBJECT_NULL
      let kr = IOServiceOpen(try device.connect(), mach_task_self_, 0, &conn)
      #expect(kr == kIOReturnSuccess && conn != IO_OBJECT_NULL)
      self.conn = conn
    }

    deinit { _ = IOServiceClose(conn) }

    /// The seed's client line, ported verbatim but for nil where C++ had 0,
    /// to a method that takes a variable struct and returns nothing.
    @Test func seedLinePortsVerbatim() {
      let kCommandIndex = Sel.sink
      let rawData: [UInt8] = Array("/a/path/of/any/length".utf8)
      var kr: kern_return_t
      kr = IOConnectCallMethod(conn, kCommandIndex, nil, 0, rawData, rawData.count, nil, nil, nil, nil)
      #expect(kr == kIOReturnSuccess)
      // The same line to pathInfo fails its table's check: pathInfo has 4
      // output scalars, so a caller with no room is refused.
      kr = IOConnectCallMethod(conn, Sel.pathInfo, nil, 0, rawData, rawData.count, nil, nil, nil, nil)
      #expect(kr == kIOReturnBadArgument)
    }

    @Test func noop() {
      #expect(IOConnectCallMethod(conn, Sel.noop, nil, 0, nil, 0, nil, nil, nil, nil) == kIOReturnSuccess)
      #expect(IOConnectCallScalarMethod(conn, Sel.noop, nil, 0, nil, nil) == kIOReturnSuccess)
      #expect(IOConnectCallStructMethod(conn, Sel.noop, nil, 0, nil, nil) == kIOReturnSuccess)
    }

    @Test func add() {
      let input: [UInt64] = [40, 2]
      var output: [UInt64] = [0, 0]
      var outputCnt: UInt32 = 2
      #expect(IOConnectCallScalarMethod(conn, Sel.add, input, 2, &output, &outputCnt) == kIOReturnBadArgument,
              "room for 2 where the table says exactly 1")
      #expect(outputCnt == 0)
      outputCnt = 1
      #expect(IOConnectCallScalarMethod(conn, Sel.add, input, 2, &output, &outputCnt) == kIOReturnSuccess)
      #expect(outputCnt == 1 && output == [42, 0])
    }

    @Test func echo() {
      let input = pattern(9000)
      var output = [UInt8](repeating: 0, count: 10000)
      var outputSize = output.count
      let kr = IOConnectCallStructMethod(conn, Sel.echo, input, input.count, &output, &outputSize)
      #expect(kr == kIOReturnSuccess && outputSize == 9000)
      #expect(Array(output[..<9000]) == input && output[9000...].allSatisfy { $0 == 0 })
    }

    @Test func echoOverrunWritesNothingAndZeroesTheCount() {
      let input = pattern(100)
      var output = [UInt8](repeating: 0xa5, count: 99)
      var outputSize = output.count
      #expect(IOConnectCallStructMethod(conn, Sel.echo, input, 100, &output, &outputSize) == kIOReturnOverrun)
      #expect(outputSize == 0 && output.allSatisfy { $0 == 0xa5 })
    }

    @Test func checksum() {
      let input = Array("123456789".utf8)
      var output: [UInt64] = [0, 0]
      var outputCnt: UInt32 = 2
      let kr = IOConnectCallMethod(conn, Sel.checksum, nil, 0, input, input.count, &output, &outputCnt, nil, nil)
      #expect(kr == kIOReturnSuccess && output == [0xe306_9283, 9])
    }

    @Test func pathInfo() throws {
      let file = try TemporaryFile(contents: "abc")
      let rawData = Array(file.path.string.utf8)
      var output = [UInt64](repeating: 0, count: 4)
      var outputCnt: UInt32 = 4
      let kr = IOConnectCallMethod(conn, Sel.pathInfo, nil, 0, rawData, rawData.count, &output, &outputCnt, nil, nil)
      #expect(kr == kIOReturnSuccess && outputCnt == 4)
      let inode = UInt64(try file.stat().inode.rawValue)
      #expect(output[0] == 1 && output[1] == inode && output[3] == 3)
    }

    @Test func fixedTransform() {
      var input = ucb_transform(a: 1, b: 2, c: 3, d: 4)
      var output = ucb_transform()
      var outputSize = MemoryLayout<ucb_transform>.size
      let kr = IOConnectCallStructMethod(conn, Sel.fixedTransform, &input, MemoryLayout<ucb_transform>.size, &output, &outputSize)
      #expect(kr == kIOReturnSuccess && outputSize == 24)
      #expect(output.a == 2 && output.b == 1 && output.c == 7 && output.d == 7)
    }

    @Test func consistency() {
      let input = pattern(4096)
      let delay: [UInt64] = [0]
      var output: UInt64 = 0
      var outputCnt: UInt32 = 1
      let kr = IOConnectCallMethod(conn, Sel.consistency, delay, 1, input, input.count, &output, &outputCnt, nil, nil)
      #expect(kr == kIOReturnSuccess && output == 1)
    }

    @Test func resetStats() {
      #expect(IOConnectCallScalarMethod(conn, Sel.resetStats, nil, 0, nil, nil) == kIOReturnSuccess)
    }

    @Test func generate() {
      let count: [UInt64] = [300]
      var output = [UInt8](repeating: 0, count: 400)
      var outputSize = output.count
      let kr = IOConnectCallMethod(conn, Sel.generate, count, 1, nil, 0, nil, nil, &output, &outputSize)
      #expect(kr == kIOReturnSuccess && outputSize == 300)
      #expect(Array(output[..<300]) == (0..<300).map { UInt8($0 % 251) })
    }

    @Test func unknownSelector() {
      #expect(IOConnectCallMethod(conn, 0xffff, nil, 0, nil, 0, nil, nil, nil, nil) == kIOReturnUnsupported)
    }

    @Test func badPointerIsBadArgument() {
      let bad = UnsafeRawPointer(bitPattern: 0x10)
      #expect(IOConnectCallStructMethod(conn, Sel.sink, bad, 100, nil, nil) == kIOReturnBadArgument)
      #expect(IOConnectCallStructMethod(conn, Sel.sink, nil, 100, nil, nil) == kIOReturnBadArgument,
              "nil with a count")
    }

    /// The real registry: the driver under test found by its name, as the
    /// ported macOS client finds it, opened by service and called.  In the
    /// VM only: on the host the registry is /sys/class/ucbridge, which has
    /// no drivers (the mock's matching is IOKitMatching's).
    @Test(.enabled(if: DeviceUnderTest.isRealDevice, "matches the drivers of /sys/class/ucbridge"))
    func matchingFindsTheDevice() throws {
      let name = try #require(DeviceUnderTest.devicePath?.lastComponent?.string)
      let service = IOServiceGetMatchingService(kIOMainPortDefault, IOServiceMatching(name))
      try #require(service != IO_OBJECT_NULL)
      defer { #expect(IOObjectRelease(service) == kIOReturnSuccess) }
      var entryName = [CChar](repeating: 0, count: 128)
      #expect(IORegistryEntryGetName(service, &entryName) == kIOReturnSuccess)
      #expect(entryName.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } == name)

      var conn: io_connect_t = IO_OBJECT_NULL
      #expect(IOServiceOpen(service, mach_task_self_, 0, &conn) == kIOReturnSuccess)
      defer { #expect(IOServiceClose(conn) == kIOReturnSuccess) }
      let input: [UInt64] = [40, 2]
      var output: UInt64 = 0
      var outputCnt: UInt32 = 1
      #expect(IOConnectCallScalarMethod(conn, Sel.add, input, 2, &output, &outputCnt) == kIOReturnSuccess)
      #expect(outputCnt == 1 && output == 42)

      // Every driver is an IOService; the one under test is among them.
      var iterator: io_iterator_t = IO_OBJECT_NULL
      #expect(IOServiceGetMatchingServices(kIOMainPortDefault, IOServiceMatching("IOService"), &iterator)
              == kIOReturnSuccess)
      var names: [String] = []
      while case let entry = IOIteratorNext(iterator), entry != IO_OBJECT_NULL {
        #expect(IORegistryEntryGetName(entry, &entryName) == kIOReturnSuccess)
        names.append(entryName.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        #expect(IOObjectRelease(entry) == kIOReturnSuccess)
      }
      #expect(IOObjectRelease(iterator) == kIOReturnSuccess)
      #expect(names.contains(name) && names == names.sorted())
      #expect(IOServiceGetMatchingService(kIOMainPortDefault, IOServiceMatching("no-such-driver")) == IO_OBJECT_NULL)
    }

    @Test func closedHandle() {
      #expect(IOServiceClose(conn) == kIOReturnSuccess)
      #expect(IOServiceClose(conn) == kIOReturnNotOpen)
      #expect(IOConnectCallMethod(conn, Sel.noop, nil, 0, nil, 0, nil, nil, nil, nil) == kIOReturnNotOpen)
    }
  }
}
