import CUCBridge
import Foundation
import Glibc
import Synchronization
import SystemPackage
import Testing
import UCBridge
import UCBridgeIOKit
import UCBridgeMock

@Suite struct IOKitHandles {
  @Test func openOfAMissingNodeIsNotFound() {
    var conn = IO_OBJECT_NULL
    #expect(IOServiceOpen("/nonexistent/ucbridge", mach_task_self_, 0, &conn) == kIOReturnNotFound)
    #expect(conn == IO_OBJECT_NULL)
  }

  /// IOServiceOpen hands the type to the driver, so a node that is no
  /// ucbridge driver fails there already.
  @Test func openOfANonDeviceIsUnsupported() {
    var conn = IO_OBJECT_NULL
    #expect(IOServiceOpen("/dev/null", mach_task_self_, 0, &conn) == kIOReturnUnsupported,
            "ENOTTY: not a ucbridge device")
    #expect(conn == IO_OBJECT_NULL)
  }

  @Test func handlesAreDistinctAndNeverNull() throws {
    let device = try MockDevice()
    var first = IO_OBJECT_NULL, second = IO_OBJECT_NULL
    #expect(IOServiceOpen(device.connect(), mach_task_self_, 0, &first) == kIOReturnSuccess)
    #expect(IOServiceOpen(device.connect(), mach_task_self_, 0, &second) == kIOReturnSuccess)
    #expect(first != IO_OBJECT_NULL && second != IO_OBJECT_NULL && first != second)
    #expect(IOServiceClose(first) == kIOReturnSuccess)
    #expect(IOConnectCallMethod(second, 0, nil, 0, nil, 0, nil, nil, nil, nil) == kIOReturnSuccess)
    #expect(IOServiceClose(second) == kIOReturnSuccess)
    #expect(IOServiceClose(IO_OBJECT_NULL) == kIOReturnNotOpen)
  }

  @Test func aClosedHandleStaysClosedWhenItsSlotIsReused() throws {
    let device = try MockDevice()
    var old = IO_OBJECT_NULL, new = IO_OBJECT_NULL
    #expect(IOServiceOpen(device.connect(), mach_task_self_, 0, &old) == kIOReturnSuccess)
    #expect(IOServiceClose(old) == kIOReturnSuccess)
    #expect(IOServiceOpen(device.connect(), mach_task_self_, 0, &new) == kIOReturnSuccess)
    #expect(new != old)
    #expect(IOConnectCallMethod(old, 0, nil, 0, nil, 0, nil, nil, nil, nil) == kIOReturnNotOpen)
    #expect(IOServiceClose(old) == kIOReturnNotOpen)
    #expect(IOConnectCallMethod(new, 0, nil, 0, nil, 0, nil, nil, nil, nil) == kIOReturnSuccess)
    #expect(IOServiceClose(new) == kIOReturnSuccess)
  }

  /// Connections share one handle space with services and iterators:
  /// IOObjectRelease takes any of them, and releasing a connection closes
  /// it, as the last reference of an io_connect_t does in IOKit.
  @Test func releasingAConnectionHandleClosesIt() throws {
    let device = try MockDevice()
    let connection = device.connect()
    var conn = IO_OBJECT_NULL
    #expect(IOServiceOpen(connection, mach_task_self_, 0, &conn) == kIOReturnSuccess)
    #expect(IOObjectRelease(conn) == kIOReturnSuccess)
    #expect(throws: UCBridgeError.errno(.badFileDescriptor), "closed") { try connection.close() }
    #expect(IOConnectCallMethod(conn, 0, nil, 0, nil, 0, nil, nil, nil, nil) == kIOReturnNotOpen)
    #expect(IOServiceClose(conn) == kIOReturnNotOpen)
    #expect(IOObjectRelease(conn) == kIOReturnBadArgument, "released already")
    #expect(IOObjectRelease(IO_OBJECT_NULL) == kIOReturnSuccess, "as mach_port_deallocate(MACH_PORT_NULL)")
  }

  @Test func manyThreadsOnOneHandle() async throws {
    let device = try MockDevice()
    var conn = IO_OBJECT_NULL
    #expect(IOServiceOpen(device.connect(), mach_task_self_, 0, &conn) == kIOReturnSuccess)
    let handle = conn
    let failures = await withTaskGroup(of: Int.self) { group in
      for task in 0..<4 {
        group.addTask {
          var failed = 0
          for i in 0..<500 {
            var input: [UInt64] = [UInt64(task), UInt64(i)]
            var output: UInt64 = 0
            var count: UInt32 = 1
            if IOConnectCallScalarMethod(handle, 1, &input, 2, &output, &count)
              != kIOReturnSuccess || output != UInt64(task + i) { failed += 1 }
          }
          return failed
        }
      }
      return await group.reduce(0, +)
    }
    #expect(failures == 0)
    #expect(IOServiceClose(handle) == kIOReturnSuccess)
  }

  /// Calls through a handle race its close: each finds the connection or
  /// the handle closed, and the table lets go of the connection once the
  /// last call is out (calls look handles up without the table's lock).
  @Test func callsRacingCloseFindTheConnectionOrNotOpen() async throws {
    let device = try MockDevice()
    for _ in 0..<20 {
      var conn = IO_OBJECT_NULL
      weak var released: Connection?
      do {
        let connection = device.connect()
        released = connection
        #expect(IOServiceOpen(connection, mach_task_self_, 0, &conn) == kIOReturnSuccess)
      }
      let handle = conn
      let unexpected = await withTaskGroup(of: Int.self) { group in
        for _ in 0..<3 {
          group.addTask {
            var unexpected = 0
            for _ in 0..<200 {
              let result = IOConnectCallMethod(handle, 0, nil, 0, nil, 0, nil, nil, nil, nil)
              if result != kIOReturnSuccess && result != kIOReturnNotOpen { unexpected += 1 }
            }
            return unexpected
          }
        }
        group.addTask { IOServiceClose(handle) == kIOReturnSuccess ? 0 : 1 }
        return await group.reduce(0, +)
      }
      #expect(unexpected == 0)
      #expect(IOConnectCallMethod(handle, 0, nil, 0, nil, 0, nil, nil, nil, nil) == kIOReturnNotOpen)
      #expect(released == nil, "the table let go of the connection")
    }
  }

  /// A nil buffer with a count, or a negative struct size, is refused
  /// before the driver, in each of the call's four buffers; nil with no
  /// count is no buffer.
  @Test func nilBuffersWithCountsAndNegativeSizesAreBadArguments() throws {
    let device = try MockDevice()
    var conn = IO_OBJECT_NULL
    #expect(IOServiceOpen(device.connect(), mach_task_self_, 0, &conn) == kIOReturnSuccess)
    defer { _ = IOServiceClose(conn) }
    var byte: UInt8 = 0
    var scalar: UInt64 = 0
    var one: UInt32 = 1
    var oneByte = 1
    #expect(IOConnectCallMethod(conn, 0, nil, 1, nil, 0, nil, nil, nil, nil) == kIOReturnBadArgument)
    #expect(IOConnectCallMethod(conn, 0, nil, 0, nil, 1, nil, nil, nil, nil) == kIOReturnBadArgument)
    #expect(IOConnectCallMethod(conn, 0, nil, 0, nil, 0, nil, &one, nil, nil) == kIOReturnBadArgument)
    #expect(IOConnectCallMethod(conn, 0, nil, 0, nil, 0, nil, nil, nil, &oneByte) == kIOReturnBadArgument)
    #expect(IOConnectCallMethod(conn, 0, nil, 0, &byte, -1, nil, nil, nil, nil) == kIOReturnBadArgument)
    var negative = -1
    #expect(IOConnectCallMethod(conn, 0, nil, 0, nil, 0, nil, nil, &byte, &negative) == kIOReturnBadArgument)
    #expect(negative == 0, "the count is 0 after a failed call")
    var zero: UInt32 = 0
    var zeroBytes = 0
    #expect(IOConnectCallMethod(conn, 0, nil, 0, nil, 0, nil, &zero, nil, &zeroBytes) == kIOReturnSuccess)
    var scalarOut: UInt64 = 0
    var byteOut: UInt8 = 0
    #expect(IOConnectCallMethod(conn, 0, &scalar, 0, &byte, 0, &scalarOut, &zero, &byteOut, &zeroBytes)
      == kIOReturnSuccess)
  }

  /// A handle holds its connection's descriptor from IOServiceOpen to
  /// IOServiceClose, so that its calls need not count themselves in the
  /// connection: the connection's own close() while a call is in flight
  /// leaves the descriptor to the handle, and calls after it are refused.
  @Test func aHandleHoldsTheDescriptorUnderItsCalls() throws {
    let transport = GatedTransport()
    let connection = Connection(transport: transport)
    var conn = IO_OBJECT_NULL
    #expect(IOServiceOpen(connection, mach_task_self_, 0, &conn) == kIOReturnSuccess)
    #expect(closesWhileACallIsInFlight(conn, connection, transport) == 0)
    #expect(transport.calls == 1)
    #expect(IOConnectCallMethod(conn, 0, nil, 0, nil, 0, nil, nil, nil, nil) == kIOReturnNotOpen,
            "refused after the connection's close()")
    #expect(transport.calls == 1 && transport.closes == 0, "the handle still holds the descriptor")
    #expect(IOServiceClose(conn) == kIOReturnNotOpen, "closed already, by the connection's close()")
    #expect(transport.closes == 1, "let go of with the handle")
    #expect(IOServiceOpen(connection, mach_task_self_, 0, &conn) == kIOReturnNotOpen)
  }

  /// Positive control of ``aHandleHoldsTheDescriptorUnderItsCalls()``: a
  /// handle whose use of the descriptor is let go of at once, as one that
  /// held nothing, has its descriptor closed under its call.
  @Test func positiveControlAHandleHoldingNothingLosesTheDescriptorUnderACall() throws {
    let transport = GatedTransport()
    let connection = Connection(transport: transport)
    var conn = IO_OBJECT_NULL
    #expect(IOServiceOpen(connection, mach_task_self_, 0, &conn) == kIOReturnSuccess)
    connection.leaveDescriptorUse()
    #expect(closesWhileACallIsInFlight(conn, connection, transport) == 1)
    // Not IOServiceClose: it would let go of the use a second time.  The
    // handle stays in the table, its connection closed.
  }

  /// Starts a call through `handle` on a thread of its own, closes the
  /// connection while the call is in the transport, lets the call finish,
  /// and returns how many closes the transport saw while it was in.
  private func closesWhileACallIsInFlight(
    _ handle: io_connect_t, _ connection: Connection, _ transport: GatedTransport
  ) -> Int {
    let finished = DispatchSemaphore(value: 0)
    Thread {
      _ = IOConnectCallMethod(handle, 0, nil, 0, nil, 0, nil, nil, nil, nil)
      finished.signal()
    }.start()
    transport.waitForACall()
    _ = try? connection.close()
    let closes = transport.closes
    transport.letTheCallGo()
    finished.wait()
    return closes
  }

  @Test func constants() {
    #expect(kIOUCVariableStructureSize == 0xffff_ffff)
    #expect(kIOReturnSuccess == 0)
    #expect(UInt32(bitPattern: kIOReturnBadArgument) == IOReturn.badArgument.rawValue)
    #expect(UInt32(bitPattern: kIOReturnNotFound) == 0xe000_02f0)
    #expect(kIOMainPortDefault == 0 && mach_task_self_ == 0 && IO_OBJECT_NULL == 0)
  }
}

/// A transport whose calls wait in it until the test lets them go, so that
/// a test can close a connection while a call is in flight.
private final class GatedTransport: ConnectionTransport {
  private let state = Mutex((calls: 0, closes: 0, open: false))

  var calls: Int { state.withLock { $0.calls } }
  var closes: Int { state.withLock { $0.closes } }

  func ioctl(_ request: CUnsignedLong, _ argument: UnsafeMutableRawPointer?) -> Result<Void, Errno> {
    state.withLock { $0.calls += 1 }
    while !state.withLock({ $0.open }) { sched_yield() }
    guard let argument else { return .failure(.badAddress) }
    argument.assumingMemoryBound(to: ucb_call.self).pointee.result = UCB_IORETURN_SUCCESS
    return .success(())
  }

  func close() -> Result<Void, Errno> {
    state.withLock { $0.closes += 1 }
    return .success(())
  }

  /// Returns once a call is in the transport.
  func waitForACall() {
    while state.withLock({ $0.calls }) == 0 { sched_yield() }
  }

  /// Lets every call in the transport, and every later one, return.
  func letTheCallGo() { state.withLock { $0.open = true } }
}
