import CUCBridge
import Glibc
import Testing
import UCBridge
import UCBridgeMock
import UCBridgeTestSupport

extension DeviceTests {
  /// Struct sizes around pages, IOKit's old crossover and the maxima.
  @Suite struct StructSizes {
    let device: DeviceUnderTest
    var connection: Connection { device.connection }

    init() throws { device = try DeviceUnderTest.open() }

    /// Echoes `size` bytes through the buffer form into 16 bytes more room
    /// than needed, and checks what came back and what stayed untouched.
    func echo(_ size: Int, max: Int) throws {
      let input = pattern(size)
      var room = [UInt8](repeating: 0xa5, count: size + 16)
      let outcome = Result { () throws in
        try input.withUnsafeBytes { input in
          try room.withUnsafeMutableBytes { room in
            try connection.callMethod(
              Sel.echo, scalarInput: UnsafeBufferPointer(start: nil, count: 0),
              structInput: input, scalarOutput: UnsafeMutableBufferPointer(start: nil, count: 0),
              structOutput: room)
          }
        }
      }
      if size <= max {
        #expect(try outcome.get() == OutputCounts(scalarCount: 0, structSize: size), "echo \(size)")
        #expect(sameBytes(room[..<size], input[...]), "echo \(size): same bytes back")
        #expect(allBytes(room[size...], are: 0xa5), "echo \(size): room past them untouched")
      } else {
        #expect(throws: UCBridgeError.ioReturn(.badArgument), "echo \(size) over max \(max)") {
          try outcome.get()
        }
        #expect(allBytes(room[...], are: 0xa5), "echo \(size): nothing written")
      }
    }

    @Test(arguments: boundarySizes)
    func echo(size: Int) throws {
      try echo(size, max: try device.maxStructSize)
    }

    @Test func echoAtTheMaximumAndOneOver() throws {
      let max = try device.maxStructSize
      try echo(max, max: max)
      try echo(max + 1, max: max)
    }

    @Test(arguments: boundarySizes)
    func typedEcho(size: Int) throws {
      let input = pattern(size, seed: 7)
      #expect(try connection.call(.echo, input) == input)
    }

    @Test(.enabled(if: DeviceUnderTest.canSetMaxStructSize,
                   "set UCBRIDGE_TEST_SET_MAX=1 to let the test write the sysfs attribute"))
    func sixtyFourMiB() throws {
      let limit = Int(UCB_STRUCT_SIZE_LIMIT)
      let initial = try device.maxStructSize
      try device.setMaxStructSize(limit)
      defer { try? device.setMaxStructSize(initial) }
      #expect(try device.maxStructSize == limit)
      #expect(try connection.methodInfo(selector: Sel.echo).checks.structInputSize
              == .variable(max: limit))
      try echo(limit, max: limit)
      try echo(limit + 1, max: limit)
      let bytes = try connection.call(.generate, limit)
      #expect(bytes.count == limit && bytes[limit - 1] == UInt8((limit - 1) % 251))
      #expect(try connection.methodInfo(selector: Sel.pathInfo).checks.structInputSize
              == .variable(max: Int(UCB_PATH_INFO_MAX)), "pathInfo keeps its own maximum")

      try device.setMaxStructSize(initial)
      #expect(try device.maxStructSize == initial)
      try echo(initial + 1, max: initial)
      #expect(try connection.driverInfo().liveBuffers == 0)
    }
  }

  /// Bad addresses and what a failed call leaves alone.
  @Suite struct BadAddressesAndUntouchedOutputs {
    let device: DeviceUnderTest
    var connection: Connection { device.connection }

    init() throws { device = try DeviceUnderTest.open() }

    static var badAddress: UnsafeMutableRawPointer { UnsafeMutableRawPointer(bitPattern: 0x10)! }

    @Test func badStructInputIsEFAULT() throws {
      let bad = UnsafeRawBufferPointer(start: Self.badAddress, count: 100)
      #expect(throws: UCBridgeError.errno(.badAddress)) {
        try connection.callMethod(Sel.sink, structInput: bad)
      }
      #expect(throws: UCBridgeError.errno(.badAddress)) {
        try connection.call(.checksum, bad)
      }
    }

    @Test func badScalarBuffersAreEFAULT() throws {
      let badScalars = Self.badAddress.assumingMemoryBound(to: UInt64.self)
      var out: [UInt64] = [0]
      #expect(throws: UCBridgeError.errno(.badAddress)) {
        try out.withUnsafeMutableBufferPointer { out in
          try connection.callMethod(
            Sel.add, scalarInput: UnsafeBufferPointer(start: badScalars, count: 2),
            structInput: UnsafeRawBufferPointer(start: nil, count: 0),
            scalarOutput: out,
            structOutput: UnsafeMutableRawBufferPointer(start: nil, count: 0))
        }
      }
      #expect(throws: UCBridgeError.errno(.badAddress)) {
        try [UInt64(1), 2].withUnsafeBufferPointer { input in
          try connection.callMethod(
            Sel.add, scalarInput: input,
            structInput: UnsafeRawBufferPointer(start: nil, count: 0),
            scalarOutput: UnsafeMutableBufferPointer(start: badScalars, count: 1),
            structOutput: UnsafeMutableRawBufferPointer(start: nil, count: 0))
        }
      }
    }

    @Test func badStructOutputIsEFAULT() throws {
      #expect(throws: UCBridgeError.errno(.badAddress)) {
        try connection.callMethodWritingStruct(
          Sel.echo, structInput: [UInt8](repeating: 1, count: 200),
          into: UnsafeMutableRawBufferPointer(start: Self.badAddress, count: 200))
      }
      #expect(try connection.driverInfo().liveBuffers == 0, "no buffer leaks on EFAULT")
    }

    @Test func buffersRunningIntoAGuardPageAreEFAULT() throws {
      let region = try GuardedRegion(capacity: 8192)
      region.start.initializeMemory(as: UInt8.self, repeating: 7, count: region.capacity)
      let input = UnsafeRawBufferPointer(start: region.guardPage - 100, count: 200)
      #expect(throws: UCBridgeError.errno(.badAddress)) { try connection.call(.checksum, input) }
      let whole = UnsafeRawBufferPointer(start: region.guardPage - 100, count: 100)
      #expect(try connection.call(.checksum, whole).length == 100, "up to the guard is fine")

      let output = try GuardedRegion(capacity: 4096)
      try output.makeReadOnly()
      #expect(throws: UCBridgeError.errno(.badAddress)) {
        try connection.callMethodWritingStruct(
          Sel.echo, structInput: [UInt8](repeating: 1, count: 10),
          into: UnsafeMutableRawBufferPointer(start: output.start, count: 10))
      }
      #expect(try connection.driverInfo().liveBuffers == 0)
    }

    @Test func zeroCountsNeverTouchPointers() throws {
      let counts = try connection.callMethod(
        Sel.noop, scalarInput: UnsafeBufferPointer(start: Self.badAddress.assumingMemoryBound(to: UInt64.self), count: 0),
        structInput: UnsafeRawBufferPointer(start: Self.badAddress, count: 0),
        scalarOutput: UnsafeMutableBufferPointer(start: Self.badAddress.assumingMemoryBound(to: UInt64.self), count: 0),
        structOutput: UnsafeMutableRawBufferPointer(start: Self.badAddress, count: 0))
      #expect(counts == OutputCounts(scalarCount: 0, structSize: 0))
    }

    @Test func failedCallsLeaveOutputBuffersUntouched() throws {
      var scalars = [UInt64](repeating: 0x5a5a, count: 4)
      var bytes = [UInt8](repeating: 0x5a, count: 64)
      func call(_ selector: UInt32, _ scalarIn: [UInt64], _ structIn: [UInt8], scalars count: Int, bytes size: Int) throws {
        _ = try scalarIn.withUnsafeBufferPointer { scalarIn in
          try structIn.withUnsafeBytes { structIn in
            try scalars.withUnsafeMutableBufferPointer { scalarOut in
              try bytes.withUnsafeMutableBytes { structOut in
                try connection.callMethod(
                  selector, scalarInput: scalarIn, structInput: structIn,
                  scalarOutput: UnsafeMutableBufferPointer(rebasing: scalarOut[..<count]),
                  structOutput: UnsafeMutableRawBufferPointer(rebasing: structOut[..<size]))
              }
            }
          }
        }
      }
      // Refused by a check, by the method, for an unknown selector.
      #expect(throws: UCBridgeError.ioReturn(.badArgument)) { try call(Sel.add, [1], [], scalars: 1, bytes: 0) }
      #expect(throws: UCBridgeError.ioReturn(.overrun)) { try call(Sel.echo, [], pattern(65), scalars: 0, bytes: 64) }
      #expect(throws: UCBridgeError.ioReturn(.overrun)) { try call(Sel.generate, [65], [], scalars: 0, bytes: 64) }
      #expect(throws: UCBridgeError.ioReturn(.badArgument)) { try call(Sel.pathInfo, [], [], scalars: 4, bytes: 0) }
      #expect(throws: UCBridgeError.ioReturn(.unsupported)) { try call(1000, [], [], scalars: 4, bytes: 64) }
      #expect(scalars.allSatisfy { $0 == 0x5a5a } && bytes.allSatisfy { $0 == 0x5a })
    }
  }
}
