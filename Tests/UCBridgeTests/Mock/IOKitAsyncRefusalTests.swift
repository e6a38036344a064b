import CUCBridge
import Dispatch
import Testing
import UCBridge
import UCBridgeIOKit
import UCBridgeMock

/// What the IOKit-shaped async calls and notification ports refuse, and
/// how a port without a queue, or destroyed, treats completions.
@Suite final class IOKitAsyncRefusals {
  let device: MockDevice
  let conn: io_connect_t
  let log = CalloutLog()

  init() throws {
    device = try MockDevice()
    var conn = IO_OBJECT_NULL
    #expect(IOServiceOpen(device.connect(), mach_task_self_, 0, &conn) == kIOReturnSuccess)
    self.conn = conn
  }

  deinit { IOServiceClose(conn) }

  /// A port with the log's queue.
  private func makePort() throws -> IONotificationPortRef {
    let port = try #require(IONotificationPortCreate(kIOMainPortDefault))
    IONotificationPortSetDispatchQueue(port, log.queue)
    return port
  }

  /// delayed(0 µs, value) submitted with a reference of `count` words.
  private func submitDelayed(
    _ connection: io_connect_t, port wakePort: mach_port_t, reference: inout [UInt64],
    count: UInt32, value: UInt64 = 1, outputCnt: UnsafeMutablePointer<UInt32>? = nil
  ) -> kern_return_t {
    let input: [UInt64] = [0, value]
    return IOConnectCallAsyncScalarMethod(
      connection, Sel.delayed, wakePort, &reference, count, input, 2, nil, outputCnt)
  }

  @Test func portsAreHandlesOfTheirOwn() throws {
    let port = try makePort()
    let name = IONotificationPortGetMachPort(port)
    #expect(name != 0)
    #expect(IOObjectRelease(name) == kIOReturnBadArgument, "IONotificationPortDestroy releases it")
    #expect(IONotificationPortGetMachPort(port) == name, "still live")
    IONotificationPortDestroy(port)
    #expect(IONotificationPortGetMachPort(port) == 0)
    IONotificationPortDestroy(port)  // a dead port is ignored
    IONotificationPortSetDispatchQueue(port, log.queue)
  }

  @Test func refusedCallsNeverCallBack() throws {
    let port = try makePort()
    let wakePort = IONotificationPortGetMachPort(port)
    defer { IONotificationPortDestroy(port) }
    var reference = log.reference(address(callback1))
    let count = UInt32(kIOAsyncCalloutCount)

    #expect(submitDelayed(conn, port: 0, reference: &reference, count: count) == kIOReturnBadArgument)
    #expect(submitDelayed(conn, port: 12345, reference: &reference, count: count) == kIOReturnBadArgument)
    #expect(submitDelayed(conn, port: conn, reference: &reference, count: count) == kIOReturnBadArgument,
            "a connection is no notification port")
    #expect(submitDelayed(conn, port: wakePort, reference: &reference, count: count - 1)
      == kIOReturnBadArgument, "no room for the refcon")
    #expect(submitDelayed(conn, port: wakePort, reference: &reference, count: UInt32(kOSAsyncRef64Count) + 1)
      == kIOReturnBadArgument)
    var noCallback = [UInt64](repeating: 0, count: Int(kOSAsyncRef64Count))
    #expect(submitDelayed(conn, port: wakePort, reference: &noCallback, count: count) == kIOReturnBadArgument)
    let input: [UInt64] = [0, 1]
    #expect(IOConnectCallAsyncScalarMethod(conn, Sel.delayed, wakePort, nil, count, input, 2, nil, nil)
      == kIOReturnBadArgument)
    #expect(IOConnectCallAsyncScalarMethod(conn, Sel.delayed, wakePort, &reference, count, nil, 2, nil, nil)
      == kIOReturnBadArgument, "nil input with a count")
    #expect(submitDelayed(IO_OBJECT_NULL, port: wakePort, reference: &reference, count: count)
      == kIOReturnNotOpen)

    // A synchronous method called async, and an async one called
    // synchronously: the driver refuses both.
    var outputCnt: UInt32 = 1
    let add: [UInt64] = [1, 2]
    var sum: UInt64 = 0
    #expect(IOConnectCallAsyncScalarMethod(conn, Sel.add, wakePort, &reference, count, add, 2, &sum, &outputCnt)
      == kIOReturnBadArgument)
    #expect(outputCnt == 0, "counts come back 0 on failure")
    #expect(IOConnectCallScalarMethod(conn, Sel.delayed, input, 2, nil, nil) == kIOReturnBadArgument)

    // The one accepted call is the one callback.
    #expect(submitDelayed(conn, port: wakePort, reference: &reference, count: count, value: 7) == kIOReturnSuccess)
    #expect(log.wait(for: 1).map(\.arguments) == [[7]])
  }

  /// The reserved word is the system's: whatever the caller put there,
  /// the completion finds the wake port, and the caller's words are not
  /// written.
  @Test func theReservedWordIsTheSystems() throws {
    let port = try makePort()
    defer { IONotificationPortDestroy(port) }
    var reference = log.reference(address(callback1))
    reference[kIOAsyncReservedIndex] = 0xdead
    #expect(submitDelayed(
      conn, port: IONotificationPortGetMachPort(port), reference: &reference,
      count: UInt32(kOSAsyncRef64Count), value: 5) == kIOReturnSuccess)
    #expect(log.wait(for: 1).map(\.arguments) == [[5]])
    #expect(reference[kIOAsyncReservedIndex] == 0xdead)
  }

  /// Registers interest notifications on `conn` for `log` on `port` and
  /// for a sentinel on a port of its own, sends `count` notifications, and
  /// waits until the sentinel got them all: one reader reads the
  /// connection's events in order, so every one has reached `port` by
  /// then.
  ///
  /// - Returns: The handle of `log`'s interest notification.
  @discardableResult
  private func notify(_ count: UInt64, to port: IONotificationPortRef) throws -> io_object_t {
    let sentinel = CalloutLog()
    let sentinelPort = try #require(IONotificationPortCreate(kIOMainPortDefault))
    defer { IONotificationPortDestroy(sentinelPort) }
    IONotificationPortSetDispatchQueue(sentinelPort, sentinel.queue)
    var watched = IO_OBJECT_NULL, watching = IO_OBJECT_NULL
    #expect(IOServiceAddInterestNotification(
      port, conn, kIOGeneralInterest, interestCallback, log.refcon, &watched) == kIOReturnSuccess)
    #expect(IOServiceAddInterestNotification(
      sentinelPort, conn, kIOGeneralInterest, interestCallback, sentinel.refcon, &watching)
      == kIOReturnSuccess)
    let request: [UInt64] = [count, 0, 0]
    #expect(IOConnectCallScalarMethod(conn, Sel.notify, request, 3, nil, nil) == kIOReturnSuccess)
    #expect(sentinel.wait(for: Int(count)).count == Int(count))
    IOObjectRelease(watching)
    return watched
  }

  /// Callouts wait in a port without a queue, as messages in a Mach port
  /// no one receives from, and run there, in order, once it gets one.
  @Test func calloutsWaitForAQueue() throws {
    let port = try #require(IONotificationPortCreate(kIOMainPortDefault))
    defer { IONotificationPortDestroy(port) }
    try notify(3, to: port)
    #expect(log.wait(for: 0).isEmpty)
    IONotificationPortSetDispatchQueue(port, log.queue)
    let callouts = log.wait(for: 3)
    #expect(callouts.map(\.arguments) == [[0, 3], [1, 3], [2, 3]])
    #expect(callouts.allSatisfy { $0.onTheQueue })
  }

  /// Callouts already on a destroyed port's queue do not run.
  @Test func aDestroyedPortRunsNothing() throws {
    let port = try makePort()
    log.queue.suspend()
    try notify(2, to: port)
    IONotificationPortDestroy(port)
    log.queue.resume()
    #expect(log.wait(for: 0).isEmpty)
  }

  /// Callouts of a released interest notification already on the queue
  /// do not run.
  @Test func aReleasedNotificationRunsNothingQueued() throws {
    let port = try makePort()
    defer { IONotificationPortDestroy(port) }
    log.queue.suspend()
    let notification = try notify(2, to: port)
    #expect(IOObjectRelease(notification) == kIOReturnSuccess)
    log.queue.resume()
    #expect(log.wait(for: 0).isEmpty)
  }

  /// A destroyed port is refused as a wake port.
  @Test func aDestroyedPortIsNoWakePort() throws {
    let port = try makePort()
    let wakePort = IONotificationPortGetMachPort(port)
    IONotificationPortDestroy(port)
    var reference = log.reference(address(callback1))
    #expect(submitDelayed(conn, port: wakePort, reference: &reference, count: UInt32(kIOAsyncCalloutCount))
      == kIOReturnBadArgument)
  }

  @Test func interestRefusals() throws {
    let port = try makePort()
    defer { IONotificationPortDestroy(port) }
    var notification = IO_OBJECT_NULL
    #expect(IOServiceAddInterestNotification(
      port, conn, "IOBusyInterest", interestCallback, log.refcon, &notification) == kIOReturnUnsupported)
    #expect(IOServiceAddInterestNotification(
      nil, conn, kIOGeneralInterest, interestCallback, log.refcon, &notification) == kIOReturnBadArgument)
    let service = IOServiceGetMatchingService(kIOMainPortDefault, IOServiceMatching("reference"))
    #expect(IOServiceAddInterestNotification(
      port, service, kIOGeneralInterest, interestCallback, log.refcon, &notification)
      == kIOReturnNotOpen, "a service, or nothing, is no connection")
    IOObjectRelease(service)
    #expect(notification == IO_OBJECT_NULL)
  }
}
