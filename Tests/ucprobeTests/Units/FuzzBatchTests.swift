import CUCBridge
import Synchronization
import SystemPackage
import Testing
@_spi(RawIoctl) import UCBridge
import UCBridgeMock

@testable import ucprobe

/// The fuzzer's batches: drawn from the single-call generator, checked by
/// the batch oracle, which is shown to catch a driver that breaks the
/// batch ABI (through a transport that tampers with what the mock wrote).
@Suite struct FuzzBatchTests {
  /// Forwards every ioctl to a mock connection, then lets a test change
  /// what came back.
  final class TamperingTransport: ConnectionTransport, @unchecked Sendable {
    let inner: Connection
    let tamper: Mutex<(@Sendable (UnsafeMutableRawPointer) -> Void)?> = Mutex(nil)

    init(_ inner: Connection) { self.inner = inner }

    func ioctl(
      _ request: CUnsignedLong, _ argument: UnsafeMutableRawPointer?
    ) -> Result<Void, Errno> {
      let result = Result { () throws(UCBridgeError) in try inner.rawIoctl(request, argument) }
      if request == ucb_ioc_call_batch, let argument, let tamper = tamper.withLock({ $0 }) {
        tamper(argument)
      }
      return result.mapError { error in
        if case .errno(let errno) = error { return errno }
        return .ioError
      }
    }

    func close() -> Result<Void, Errno> {
      Result { () throws(UCBridgeError) in try inner.close() }.mapError { _ in .ioError }
    }
  }

  struct Rig {
    let device: MockDevice
    let transport: TamperingTransport
    let generator: FuzzGenerator
    let executor: FuzzExecutor
    let watchdog = Watchdog(limitNanoseconds: 10_000_000_000) { _, _ in }

    init() throws {
      device = try MockDevice(maxStructSize: 8192)
      transport = TamperingTransport(device.connect(privileged: true))
      let connection = Connection(transport: transport)
      let methods = try connection.methods()
      generator = FuzzGenerator(methods: methods, maxStructSize: 8192)
      executor = FuzzExecutor(
        connection: connection, arena: try FuzzArena(maxStructSize: 8192, seed: 1),
        methods: methods, driver: try connection.driverInfo())
    }

    func run(_ fuzzCase: FuzzCase) -> FuzzResult {
      executor.execute(fuzzCase, watchdog: watchdog)
    }

    /// The batch cases of the run with seed 11 among its first `count`.
    func batches(_ count: Int) -> [FuzzCase] {
      (0..<count).map { generator.makeCase(seed: 11, index: $0) }.filter { $0.batch != nil }
    }

    /// A batch of well-formed calls, the first `count` of one drawn.
    func wellFormed(_ count: Int, stopOnError: Bool = false) throws -> FuzzCase {
      var fuzzCase = try #require(batches(400).first { ($0.batch?.entries.count ?? 0) >= count })
      let methods = generator.methods
      fuzzCase.size = UInt32(UCB_BATCH_SIZE_VER0)
      fuzzCase.tail = .zero
      fuzzCase.header = .aligned
      var random = SplitMix64(seed: 3)
      let entries = (0..<count).map { _ in
        var entry = generator.wellFormedCall(
          methods.first { $0.name == "add" }!, index: 0, &random)
        entry.size = UInt32(UCB_CALL_SIZE_VER0)
        entry.tail = .zero
        return entry
      }
      fuzzCase.batch = FuzzBatch(
        entries: entries, flags: stopOnError ? UCB_BATCH_STOP_ON_ERROR : 0,
        count: UInt32(count))
      return fuzzCase
    }
  }

  @Test func generatedBatchesKeepTheABIOnTheMock() throws {
    let rig = try Rig()
    let batches = rig.batches(3000)
    #expect(batches.count > 100)
    var outcomes: Set<String> = []
    for fuzzCase in batches {
      let result = rig.run(fuzzCase)
      #expect(result.problems.isEmpty, "\(fuzzCase): \(result.problems)")
      outcomes.insert(result.outcome.name)
    }
    #expect(outcomes.isSuperset(of: ["ok", "EINVAL", "E2BIG", "EFAULT"]))
    #expect(try rig.device.connect(privileged: true).driverInfo().liveBuffers == 0)
  }

  @Test func aWrongCompletedIsAFinding() throws {
    let rig = try Rig()
    let fuzzCase = try rig.wellFormed(4)
    #expect(rig.run(fuzzCase).problems.isEmpty)
    rig.transport.tamper.withLock {
      $0 = { header in
        let offset = MemoryLayout<ucb_batch>.offset(of: \.completed)!
        header.storeBytes(of: 3, toByteOffset: offset, as: UInt32.self)
      }
    }
    let result = rig.run(fuzzCase)
    #expect(result.outcome == .succeeded)
    #expect(result.problems.contains { $0.contains("ended after 3 of 4 entries") }, "\(result.problems)")
  }

  @Test func aMalformedBatchThatRunsIsAFinding() throws {
    let rig = try Rig()
    var fuzzCase = try rig.wellFormed(2)
    fuzzCase.batch!.reserved = 1
    #expect(rig.run(fuzzCase).outcome == .failed(.invalidArgument))
    #expect(rig.run(fuzzCase).problems.isEmpty)
    rig.transport.tamper.withLock {
      $0 = { header in
        let offset = MemoryLayout<ucb_batch>.offset(of: \.completed)!
        header.storeBytes(of: 0, toByteOffset: offset, as: UInt32.self)
      }
    }
    #expect(rig.run(fuzzCase).problems == ["a malformed batch wrote completed"])
  }

  @Test func anEntryThatDidNotRunMustBeUntouched() throws {
    let rig = try Rig()
    var fuzzCase = try rig.wellFormed(3)
    fuzzCase.batch!.count = 1
    #expect(rig.run(fuzzCase).problems.isEmpty)
    rig.transport.tamper.withLock {
      $0 = { header in
        let calls = header.load(fromByteOffset: 16, as: UInt64.self)
        let second = UnsafeMutableRawPointer(bitPattern: UInt(calls) + 64)!
        second.storeBytes(
          of: 0, toByteOffset: MemoryLayout<ucb_call>.offset(of: \.result)!, as: UInt32.self)
      }
    }
    #expect(rig.run(fuzzCase).problems == ["entry 1 did not run but was written"])
  }

  @Test func anEntryPastTheLaidOutOnesFaults() throws {
    let rig = try Rig()
    var fuzzCase = try rig.wellFormed(2)
    fuzzCase.batch!.count = 3
    fuzzCase.batch!.entriesPlacement = .againstGuard
    let result = rig.run(fuzzCase)
    #expect(result.outcome == .failed(.badAddress))
    #expect(result.problems.isEmpty, "\(result.problems)")
  }
}
