import CUCBridge
import Glibc
import Testing
import UCBridge

extension DeviceTests {
  @Suite struct Introspection {
    let device: DeviceUnderTest
    var connection: Connection { device.connection }

    init() throws { device = try DeviceUnderTest.open() }

    @Test func driverInfo() throws {
      let info = try connection.driverInfo()
      #expect(info.name == "reference")
      #expect(info.abiVersion == UInt32(UCB_ABI_VERSION))
      #expect(info.methodCount == Int(UCB_REFERENCE_METHOD_COUNT.rawValue))
      #expect(info.maxScalars == Int(UCB_MAX_SCALARS))
      #expect(info.structSizeLimit == Int(UCB_STRUCT_SIZE_LIMIT))
      #expect((Int(UCB_STRUCT_SIZE_FLOOR)...info.structSizeLimit).contains(info.maxStructSize))
      #expect(info.driverVersion != 0)
      #expect(info.versionString.split(separator: ".").count == 3)
      #expect(info.liveBuffers == 0)
    }

    @Test func methodTable() throws {
      let methods = try connection.methods()
      #expect(methods.map(\.selector) == Array(0..<UInt32(methods.count)))
      #expect(methods.filter(\.requiresAdmin).map(\.name) == ["resetStats"])
      let echo = methods[Int(Sel.echo)]
      #expect(echo.checks.scalarInputCount == .exactly(0))
      #expect(echo.checks.structInputSize == .variable(max: try device.maxStructSize))
      #expect(methods[Int(Sel.consistency)].checks.scalarInputCount == .variable)
      #expect(methods[Int(Sel.fixedTransform)].checks.structOutputSize == .exactly(24))
      #expect(methods[Int(Sel.resetStats)].flags == .admin)
    }

    @Test func selectorPastTheTableIsENOENT() throws {
      let count = UInt32(try connection.driverInfo().methodCount)
      #expect(throws: UCBridgeError.errno(.noSuchFileOrDirectory)) {
        try connection.methodInfo(selector: count)
      }
      #expect(throws: UCBridgeError.errno(.noSuchFileOrDirectory)) {
        try connection.methodInfo(selector: .max)
      }
    }

    @Test func countersCountCallsAndErrors() throws {
      try connection.call(.resetStats)
      for _ in 0..<5 { try connection.call(.noop) }
      for _ in 0..<3 {
        #expect(throws: UCBridgeError.ioReturn(.badArgument)) {
          try connection.callMethod(Sel.noop, scalarInput: [1])
        }
      }
      let noop = try connection.methodInfo(selector: Sel.noop)
      #expect(noop.calls == 8 && noop.errors == 3)
      let reset = try connection.methodInfo(selector: Sel.resetStats)
      #expect(reset.calls == 1 && reset.errors == 0)
    }
  }

  /// One connection from many threads, and closing it under them.
  @Suite struct Concurrency {
    let device: DeviceUnderTest

    init() throws { device = try DeviceUnderTest.open() }

    @Test func manyThreadsOnOneConnectionAddUp() throws {
      let connection = device.connection
      let threads = 8, calls = 2000
      let before = try connection.methodInfo(selector: Sel.add).calls
      let wrong = SharedCounter()
      onThreads(threads) { thread in
        for i in 0..<calls {
          let sum = try? connection.call(.add, UInt64(i), UInt64(thread))
          if sum != UInt64(i + thread) { wrong.increment() }
        }
      }
      #expect(wrong.value == 0)
      let after = try connection.methodInfo(selector: Sel.add)
      #expect(after.calls - before == UInt64(threads * calls))
      #expect(try connection.driverInfo().liveBuffers == 0)
    }

    @Test func closeUnderConcurrentCalls() throws {
      let connection = try device.connect()
      let started = SharedCounter()
      let unexpected = SharedList<UCBridgeError>()
      onThreads(5) { thread in
        if thread == 0 {
          while started.value < 4 { sched_yield() }
          if (try? connection.close()) == nil { unexpected.append(.badArgument("close failed")) }
        } else {
          Self.callUntilClosed(connection, started: started, unexpected: unexpected)
        }
      }
      #expect(unexpected.all == [])
      #expect(throws: UCBridgeError.errno(.badFileDescriptor)) { try connection.call(.noop) }
      #expect(throws: UCBridgeError.errno(.badFileDescriptor)) { try connection.driverInfo() }
      #expect(throws: UCBridgeError.errno(.badFileDescriptor)) { try connection.close() }
    }
  
    /// Calls noop until the connection is closed under it (at most 20000
    /// times), logging any error but EBADF.
    static func callUntilClosed(
      _ connection: Connection, started: SharedCounter, unexpected: SharedList<UCBridgeError>
    ) {
      for i in 0..<20_000 {
        if i == 100 { started.increment() }
        do {
          try connection.call(.noop)
        } catch .errno(.badFileDescriptor) {
          return
        } catch {
          unexpected.append(error)
        }
      }
    }
  }
}
