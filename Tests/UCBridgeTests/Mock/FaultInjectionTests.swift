#if canImport(Glibc)
import Glibc
#endif
import CUCBridge
import SystemPackage
import Testing
@_spi(RawIoctl) import UCBridge
import UCBridgeIOKit
import UCBridgeMock
import UCBridgeTestSupport

@Suite(.mockOnly) struct FaultInjection {
  let device: MockDevice
  let connection: Connection

  init() throws {
    device = try MockDevice()
    connection = device.connect()
  }

  @Test func errnoOnTheNextCalls() throws {
    device.injectFault(.errno(.noMemory), count: 2)
    #expect(throws: UCBridgeError.errno(.noMemory)) { try connection.call(.noop) }
    #expect(throws: UCBridgeError.errno(.noMemory)) { try connection.call(.add, 1, 1) }
    #expect(try connection.call(.add, 1, 1) == 2)
  }

  @Test func ioReturnOnOneSelectorOnly() throws {
    device.injectFault(.ioReturn(.busy), count: 1, selector: Sel.add)
    try connection.call(.noop)
    #expect(throws: UCBridgeError.ioReturn(.busy)) { try connection.call(.add, 1, 1) }
    #expect(try connection.call(.add, 1, 1) == 2)
  }

  @Test func faultsApplyInOrder() throws {
    device.injectFault(.ioReturn(.timeout), count: 1, selector: Sel.noop)
    device.injectFault(.errno(.ioError), count: 1)
    #expect(throws: UCBridgeError.ioReturn(.timeout)) { try connection.call(.noop) }
    #expect(throws: UCBridgeError.errno(.ioError)) { try connection.call(.noop) }
    try connection.call(.noop)
  }

  @Test(arguments: [UInt(0x10), UInt(kernelAddress)])
  func unreadableHeaderIsEFAULTWithFaultsAndLogOn(address: UInt) throws {
    device.injectFault(.ioReturn(.busy), count: 1)
    device.recordsCalls = true
    let header = UnsafeMutableRawPointer(bitPattern: address)!
    #expect(throws: UCBridgeError.errno(.badAddress)) {
      try connection.rawIoctl(ucb_ioc_call, header)
    }
    #expect(device.callLog.isEmpty)
    // The fault is still there for the next readable call.
    #expect(throws: UCBridgeError.ioReturn(.busy)) { try connection.call(.noop) }
  }

  @Test func readOnlyHeaderTakesNoInjectedResult() throws {
    let region = try GuardedRegion(capacity: 4096)
    var call = ucb_call()
    call.size = UInt32(MemoryLayout<ucb_call>.size)
    call.selector = Sel.noop
    region.start.storeBytes(of: call, as: ucb_call.self)
    try region.makeReadOnly()
    device.injectFault(.ioReturn(.busy), count: 1)
    #expect(throws: UCBridgeError.errno(.badAddress)) {
      try connection.rawIoctl(ucb_ioc_call, region.start)
    }
  }

  @Test func removeAllFaults() throws {
    device.injectFault(.errno(.ioError), count: 100)
    device.removeAllFaults()
    try connection.call(.noop)
  }

  @Test func injectedFailuresWriteNothing() throws {
    device.injectFault(.ioReturn(.error), count: 1)
    var output = [UInt8](repeating: 0x33, count: 8)
    #expect(throws: UCBridgeError.ioReturn(.error)) {
      try output.withUnsafeMutableBytes { output in
        try connection.callMethodWritingStruct(Sel.echo, structInput: [UInt8](repeating: 1, count: 8), into: output)
      }
    }
    #expect(output == [UInt8](repeating: 0x33, count: 8))
  }

  @Test func faultsReachTheIOKitShim() throws {
    var conn = IO_OBJECT_NULL
    #expect(IOServiceOpen(device.connect(), mach_task_self_, 0, &conn) == kIOReturnSuccess)
    defer { _ = IOServiceClose(conn) }
    device.injectFault(.errno(.noMemory), count: 1)
    device.injectFault(.ioReturn(.notReady), count: 1)
    var output: [UInt64] = [0]
    var outputCnt: UInt32 = 1
    let input: [UInt64] = [1, 2]
    #expect(IOConnectCallScalarMethod(conn, Sel.add, input, 2, &output, &outputCnt) == kIOReturnNoMemory)
    #expect(outputCnt == 0)
    outputCnt = 1
    #expect(IOConnectCallScalarMethod(conn, Sel.add, input, 2, &output, &outputCnt) == kIOReturnNotReady)
    outputCnt = 1
    #expect(IOConnectCallScalarMethod(conn, Sel.add, input, 2, &output, &outputCnt) == kIOReturnSuccess)
    #expect(output == [3] && outputCnt == 1)
  }

  @Test func faultsAreThreadSafe() throws {
    device.recordsCalls = true
    device.injectFault(.errno(.ioError), count: 1000)
    let failures = SharedCounter()
    onThreads(4) { _ in
      for _ in 0..<500 {
        if (try? connection.call(.noop)) == nil { failures.increment() }
      }
    }
    #expect(failures.value == 1000)
    #expect(device.callLog.filter(\.injected).count == 1000)
    #expect(try connection.methodInfo(selector: Sel.noop).calls == 1000,
            "injected calls never reach the core")
  }
}

@Suite(.mockOnly) struct CallLog {
  @Test func recordsEveryCall() throws {
    let device = try MockDevice()
    let connection = device.connect()
    try connection.call(.noop)
    #expect(device.callLog.isEmpty, "off until asked for")
    device.recordsCalls = true
    _ = try connection.call(.add, 1, 2)
    _ = try connection.call(.echo, [UInt8](repeating: 9, count: 100))
    _ = try? connection.callMethod(Sel.echo, structInput: [UInt8](repeating: 9, count: 100), structOutputRoom: 10)
    device.injectFault(.errno(.badAddress))
    _ = try? connection.call(.noop)
    _ = try connection.driverInfo()

    let log = device.callLog
    #expect(log.count == 4, "introspection is not a method call")
    #expect(log[0] == CallRecord(
      selector: Sel.add, scalarInputCount: 2, structInputSize: 0, scalarOutputRoom: 1,
      structOutputRoom: 0, scalarOutputWritten: 1, structOutputWritten: 0,
      result: .success(.success), injected: false))
    #expect(log[1].structInputSize == 100 && log[1].structOutputRoom == 100 && log[1].structOutputWritten == 100)
    #expect(log[2].result == .success(.overrun) && log[2].structOutputWritten == 0)
    #expect(log[3].result == .failure(.badAddress) && log[3].injected)
    device.clearCallLog()
    #expect(device.callLog.isEmpty)
    device.recordsCalls = false
    try connection.call(.noop)
    #expect(device.callLog.isEmpty)
  }
}
