import BenchModel
import CBench
import UCBridge
import UCBridgeIOKit
import UCBridgeMock

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// On the host: the mock device's Swift layers against its dispatch core
/// called straight from C, and allocations per call.
struct MockBench {
  var smoke: Bool
  var results: BenchResults

  init(smoke: Bool) {
    self.smoke = smoke
    results = BenchResults(kind: "mock", smoke: smoke)
  }

  mutating func run() throws {
    let start = ucbb_now_ns()
    results.environment = machineEnvironment()
    let fixture = try MockFixture()
    defer { fixture.close() }
    let budget = Budget.callOverhead(smoke: smoke)
    let variants = MockFixture.variants.map { id, label in
      Variant(id: id, label: label) { n in try fixture.run(id, n) }
    }
    results.comparisons.append(try interleave(
      id: "mock-overhead", title: "noop on the mock", budget: budget,
      variants: variants))
    results.allocations += try allocationCounts(
      connection: fixture.connection, handle: fixture.handle,
      calls: smoke ? 50 : 1000, prefix: "mock")
    results.seconds = Double(ucbb_now_ns() - start) / 1e9
  }
}

/// A mock device, its dispatch core opened from C, and a connection and
/// IOKit handle to the mock: what both `mock` and `ir` run.
final class MockFixture {
  let device: MockDevice
  let core: OpaquePointer
  let connection: Connection
  var handle: io_connect_t = IO_OBJECT_NULL

  static let variants: [(String, String)] =
    [("core", "C: ucb_ioctl() on the core, directly")]
    + SwiftNoopLayer.allCases.map { ($0.rawValue, "\($0.label) on the mock") }

  init() throws {
    device = try MockDevice()
    guard let core = ucbb_core_open(UInt32(MockDevice.defaultMaxStructSize)) else {
      throw BenchFailure("the dispatch core did not initialise")
    }
    self.core = core
    connection = device.connect()
    guard IOServiceOpen(device.connect(), mach_task_self_, 0, &handle) == kIOReturnSuccess
    else { throw BenchFailure("IOServiceOpen failed") }
  }

  func close() {
    try? connection.close()
    _ = IOServiceClose(handle)
  }

  /// `n` noop calls through one layer; the nanoseconds they took.
  func run(_ id: String, _ n: Int) throws -> UInt64 {
    if id == "core" { return try checked("core noop", ucbb_core_noop(core, UInt64(n))) }
    // For callgrind (`ir swift-batch-64 N` and its neighbours): N noops
    // as batches of 64, each checked as the core's C loop checks its own.
    if id == "core-batch-64" {
      return try checked("core batch of 64", ucbb_core_noop_batch(core, 64, UInt64(n)))
    }
    if id == "swift-batch-64" {
      return try timed {
        for _ in 0..<(n / 64) {
          let results = try connection.batch { batch in
            for _ in 0..<64 { _ = batch.call(.noop) }
          }
          guard results.firstUnsuccessful == nil else { throw BenchFailure("a batch failed") }
        }
      }
    }
    if id == "swift-callbatch-64" {
      var batch = Batch()
      for _ in 0..<64 { _ = batch.call(.noop) }
      let sent = batch
      return try timed {
        for _ in 0..<(n / 64) {
          guard try connection.callBatch(sent).firstUnsuccessful == nil
          else { throw BenchFailure("a batch failed") }
        }
      }
    }
    guard let layer = SwiftNoopLayer(rawValue: id) else {
      throw BenchFailure("no variant \(id); there are \(Self.variants.map(\.0))"
        + " and \(FakeDeviceFixture.variants.map(\.0))")
    }
    return try layer.run(n, connection: connection, handle: handle)
  }
}

/// The device callers' side of a call, on /dev/null with UCB_IOC_CALL
/// answered in user space (ucbb_fake_device_calls()): for callgrind.
final class FakeDeviceFixture {
  let fd: Int32
  let connection: Connection
  var handle: io_connect_t = IO_OBJECT_NULL

  static let variants: [(String, String)] =
    [("dev-c", "C: noop, hand-written ioctl")]
    + SwiftNoopLayer.allCases.map { ("dev-" + $0.rawValue, $0.label) }

  init() throws {
    ucbb_fake_device_calls()
    fd = open("/dev/null", O_RDWR)
    connection = try Connection.open("/dev/null")
    guard IOServiceOpen("/dev/null", mach_task_self_, 0, &handle) == kIOReturnSuccess
    else { throw BenchFailure("IOServiceOpen failed") }
  }

  func run(_ id: String, _ n: Int) throws -> UInt64 {
    if id == "dev-c" { return try checked("C noop", ucbb_call_noop(fd, UInt64(n))) }
    guard id.hasPrefix("dev-"), let layer = SwiftNoopLayer(rawValue: String(id.dropFirst(4)))
    else { throw BenchFailure("no variant \(id)") }
    return try layer.run(n, connection: connection, handle: handle)
  }
}
