import CUCBridge
import Dispatch
import Synchronization
import Testing
import UCBridge
import UCBridgeIOKit

/// What the C callbacks of the IOKit async tests saw, reached through
/// their refcon: each call's shape, result and arguments, and whether it
/// ran on the queue the test gave the notification port.
final class CalloutLog: Sendable {
  struct Callout: Equatable {
    /// The refcon the callback got was this log.
    var refconMatches: Bool
    /// `IOAsyncCallback0`/`1`/`2`, or 3 for `IOAsyncCallback`; the
    /// interest callback's message type for a notification.
    var shape: UInt32
    var result: kern_return_t
    var arguments: [UInt64]
    var onTheQueue: Bool
    /// The interest callback's service argument; 0 for completions.
    var service: io_service_t = 0
  }

  /// Marks the queue the tests hand the port.
  static let queueKey = DispatchSpecificKey<UInt8>()

  let queue: DispatchQueue
  private let callouts = Mutex<[Callout]>([])
  private let arrived = DispatchSemaphore(value: 0)

  init() {
    queue = DispatchQueue(label: "IOKitAsyncTests")
    queue.setSpecific(key: Self.queueKey, value: 1)
  }

  /// This log as a refcon.
  var refcon: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

  /// The log a callback's refcon names.
  static func from(_ refcon: UnsafeMutableRawPointer?) -> CalloutLog {
    Unmanaged<CalloutLog>.fromOpaque(refcon!).takeUnretainedValue()
  }

  func record(_ refcon: UnsafeMutableRawPointer?, shape: UInt32, result: kern_return_t,
              arguments: [UInt64], service: io_service_t = 0) {
    let callout = Callout(
      refconMatches: refcon == self.refcon, shape: shape, result: result, arguments: arguments,
      onTheQueue: DispatchQueue.getSpecific(key: Self.queueKey) == 1, service: service)
    callouts.withLock { $0.append(callout) }
    arrived.signal()
  }

  /// Waits for `count` callouts (at most a generous while, so that a
  /// missing one fails the test rather than hanging it), then returns all
  /// there are once the queue has run what it holds.
  func wait(for count: Int) -> [Callout] {
    for _ in 0..<count {
      guard arrived.wait(timeout: .now() + 30) == .success else { break }
    }
    queue.sync {}
    return callouts.withLock { $0 }
  }

  /// The reference words of an async call whose completion runs
  /// `callback` with this log as refcon.
  func reference(_ callback: UnsafeRawPointer) -> [UInt64] {
    var words = [UInt64](repeating: 0, count: Int(kOSAsyncRef64Count))
    words[kIOAsyncCalloutFuncIndex] = UInt64(UInt(bitPattern: callback))
    words[kIOAsyncCalloutRefconIndex] = UInt64(UInt(bitPattern: refcon))
    return words
  }
}

/// The callbacks, one per shape IOKit's callout uses.
let callback0: IOAsyncCallback0 = { refcon, result in
  CalloutLog.from(refcon).record(refcon, shape: 0, result: result, arguments: [])
}
let callback1: IOAsyncCallback1 = { refcon, result, arg0 in
  CalloutLog.from(refcon).record(
    refcon, shape: 1, result: result, arguments: [UInt64(UInt(bitPattern: arg0))])
}
let callback2: IOAsyncCallback2 = { refcon, result, arg0, arg1 in
  CalloutLog.from(refcon).record(
    refcon, shape: 2, result: result,
    arguments: [UInt64(UInt(bitPattern: arg0)), UInt64(UInt(bitPattern: arg1))])
}
let interestCallback: IOServiceInterestCallback = { refcon, service, messageType, argument in
  // The reference driver's notifications carry two arguments: a pointer.
  let arguments = UnsafeBufferPointer(
    start: argument?.assumingMemoryBound(to: UInt64.self), count: 2)
  CalloutLog.from(refcon).record(
    refcon, shape: messageType, result: 0, arguments: Array(arguments), service: service)
}

/// A C function's address, for a reference word.
func address<Function>(_ function: Function) -> UnsafeRawPointer {
  unsafeBitCast(function, to: UnsafeRawPointer.self)
}

extension DeviceTests {
  /// Async calls and interest notifications through the IOKit-shaped
  /// calls, on a notification port with a dispatch queue.
  @Suite final class IOKitAsync {
    let device: DeviceUnderTest
    let conn: io_connect_t
    let port: IONotificationPortRef
    let log = CalloutLog()

    init() throws {
      device = try DeviceUnderTest.open()
      var conn = IO_OBJECT_NULL
      #expect(IOServiceOpen(try device.connect(), mach_task_self_, 0, &conn) == kIOReturnSuccess)
      self.conn = conn
      port = try #require(IONotificationPortCreate(kIOMainPortDefault))
      IONotificationPortSetDispatchQueue(port, log.queue)
    }

    deinit {
      IOServiceClose(conn)
      IONotificationPortDestroy(port)
    }

    var wakePort: mach_port_t { IONotificationPortGetMachPort(port) }

    @Test func delayedCompletesOnceOnThePortsQueue() {
      var reference = log.reference(address(callback1))
      let input: [UInt64] = [1000, 42]
      var outputCnt: UInt32 = 0
      let kr = IOConnectCallAsyncScalarMethod(
        conn, Sel.delayed, wakePort, &reference, UInt32(kIOAsyncCalloutCount), input, 2, nil,
        &outputCnt)
      #expect(kr == kIOReturnSuccess)
      #expect(log.wait(for: 1) == [
        .init(refconMatches: true, shape: 1, result: kIOReturnSuccess, arguments: [42], onTheQueue: true)
      ])
    }

    @Test func asyncChecksumCompletesWithTwoArguments() {
      var reference = log.reference(address(callback2))
      let input = Array("123456789".utf8)
      var outputSize = 0
      let kr = IOConnectCallAsyncStructMethod(
        conn, Sel.asyncChecksum, wakePort, &reference, UInt32(kOSAsyncRef64Count), input,
        input.count, nil, &outputSize)
      #expect(kr == kIOReturnSuccess && outputSize == 0)
      #expect(log.wait(for: 1) == [
        .init(refconMatches: true, shape: 2, result: kIOReturnSuccess, arguments: [0xe306_9283, 9],
              onTheQueue: true)
      ])
    }

    /// Each accepted call's callback runs exactly once, whatever the
    /// order they complete in.
    @Test func manyCallsCompleteOnceEach() {
      let values = (0..<64).map { UInt64($0) }
      for value in values {
        var reference = log.reference(address(callback1))
        let input: [UInt64] = [value % 4 * 100, value]
        #expect(IOConnectCallAsyncMethod(
          conn, Sel.delayed, wakePort, &reference, UInt32(kIOAsyncCalloutCount), input, 2, nil, 0,
          nil, nil, nil, nil) == kIOReturnSuccess)
      }
      let callouts = log.wait(for: values.count)
      #expect(callouts.count == values.count)
      #expect(callouts.flatMap(\.arguments).sorted() == values)
      #expect(callouts.allSatisfy { $0.result == kIOReturnSuccess && $0.onTheQueue && $0.refconMatches })
    }

    /// Closing the connection aborts a pending call: its callback still
    /// runs, once, with kIOReturnAborted.
    @Test func closingAbortsAPendingCall() throws {
      var other = IO_OBJECT_NULL
      #expect(IOServiceOpen(try device.connect(), mach_task_self_, 0, &other) == kIOReturnSuccess)
      var reference = log.reference(address(callback0))
      let input: [UInt64] = [UInt64(UCB_DELAYED_MAX_DELAY_US), 1]
      #expect(IOConnectCallAsyncScalarMethod(
        other, Sel.delayed, wakePort, &reference, UInt32(kIOAsyncCalloutCount), input, 2, nil,
        nil) == kIOReturnSuccess)
      #expect(IOServiceClose(other) == kIOReturnSuccess)
      let callouts = log.wait(for: 1)
      #expect(callouts.count == 1)
      #expect(callouts.first?.result == kIOReturnAborted)
      #expect(callouts.first?.onTheQueue == true)
    }

    @Test func notificationsReachTheInterestCallback() throws {
      var notification = IO_OBJECT_NULL
      #expect(IOServiceAddInterestNotification(
        port, conn, kIOGeneralInterest, interestCallback, log.refcon, &notification)
        == kIOReturnSuccess)
      #expect(notification != IO_OBJECT_NULL)
      let request: [UInt64] = [3, 0, 0]
      #expect(IOConnectCallScalarMethod(conn, Sel.notify, request, 3, nil, nil) == kIOReturnSuccess)
      let callouts = log.wait(for: 3)
      #expect(callouts.map(\.arguments) == [[0, 3], [1, 3], [2, 3]])
      #expect(callouts.allSatisfy {
        $0.shape == UCB_NOTIFY_MESSAGE && $0.service == conn && $0.onTheQueue && $0.refconMatches
      })
      #expect(IOObjectRelease(notification) == kIOReturnSuccess)
      #expect(IOObjectRelease(notification) == kIOReturnBadArgument, "released already")
    }

    /// A released notification gets nothing more, while another on the
    /// same connection and queue still does.
    @Test func releasingAnInterestNotificationStopsIt() throws {
      let released = CalloutLog()
      var first = IO_OBJECT_NULL, second = IO_OBJECT_NULL
      #expect(IOServiceAddInterestNotification(
        port, conn, kIOGeneralInterest, interestCallback, released.refcon, &first) == kIOReturnSuccess)
      #expect(IOServiceAddInterestNotification(
        port, conn, kIOGeneralInterest, interestCallback, log.refcon, &second) == kIOReturnSuccess)
      #expect(IOObjectRelease(first) == kIOReturnSuccess)
      let request: [UInt64] = [2, 0, 0]
      #expect(IOConnectCallScalarMethod(conn, Sel.notify, request, 3, nil, nil) == kIOReturnSuccess)
      #expect(log.wait(for: 2).count == 2)
      #expect(released.wait(for: 0).isEmpty)
      #expect(IOObjectRelease(second) == kIOReturnSuccess)
    }
  }
}
