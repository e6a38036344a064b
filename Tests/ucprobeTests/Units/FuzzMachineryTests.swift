import Synchronization
import Testing
import UCBridge
import UCBridgeMock

#if canImport(Glibc)
import Glibc
#endif

@testable import ucprobe

/// The fuzzer's parts: its generator, its oracle (shown to catch a driver
/// that breaks the ABI, through the mock's fault injection) and its
/// watchdog.
@Suite struct FuzzMachineryTests {
  /// A mock device and the fuzzer's parts around it.
  struct Rig {
    let device: MockDevice
    let generator: FuzzGenerator
    let executor: FuzzExecutor
    let watchdog = Watchdog(limitNanoseconds: 10_000_000_000) { _, _ in }

    init() throws {
      device = try MockDevice(maxStructSize: 8192)
      let connection = device.connect(privileged: true)
      let methods = try connection.methods()
      let driver = try connection.driverInfo()
      let memoryTypes = try connection.memoryTypes()
      generator = FuzzGenerator(methods: methods, maxStructSize: 8192, memoryTypes: memoryTypes)
      executor = FuzzExecutor(
        connection: connection, arena: try FuzzArena(maxStructSize: 8192, seed: 1),
        methods: methods, driver: driver, memoryTypes: memoryTypes)
    }

    func run(_ fuzzCase: FuzzCase) -> FuzzResult {
      executor.execute(fuzzCase, watchdog: watchdog)
    }

    /// The well-formed call the run with seed 7 makes to `selector` first.
    func wellFormedCall(to selector: Int) -> FuzzCase {
      generator.makeCase(seed: 7, index: selector)
    }
  }

  @Test func splitMix64MatchesTheReference() {
    var random = SplitMix64(seed: 0)
    #expect(random.next() == 0xe220_a839_7b1d_cdaf)
    #expect(random.next() == 0x6e78_9e6a_a1b9_65f4)
    #expect(random.next() == 0x06c4_5d18_8009_454f)
  }

  @Test func casesDependOnlyOnSeedAndIndex() throws {
    let rig = try Rig()
    for index in [0, 11, 500, 9999] {
      #expect(
        rig.generator.makeCase(seed: 3, index: index).description
          == rig.generator.makeCase(seed: 3, index: index).description)
    }
    #expect(
      rig.generator.makeCase(seed: 3, index: 100).description
        != rig.generator.makeCase(seed: 4, index: 100).description)
  }

  @Test func everyMethodGetsAWellFormedCallFirst() throws {
    let rig = try Rig()
    for selector in 0..<rig.generator.methods.count {
      let fuzzCase = rig.wellFormedCall(to: selector)
      #expect(fuzzCase.kind == .wellFormed)
      #expect(fuzzCase.selector == UInt32(selector))
      let result = rig.run(fuzzCase)
      #expect(result.problems.isEmpty, "\(fuzzCase): \(result.problems)")
      if case .failed = result.outcome { Issue.record("\(fuzzCase) failed: \(result.outcome)") }
    }
  }

  @Test func headersAreSometimesUnreadable() throws {
    let rig = try Rig()
    let unreadable = (0..<5000).map { rig.generator.makeCase(seed: 11, index: $0) }
      .filter { fuzzCase in
        switch fuzzCase.header {
        case .guardPage, .kernel: return fuzzCase.request == .call
        default: return false
        }
      }
    #expect(!unreadable.isEmpty)
    for fuzzCase in unreadable.prefix(50) {
      let result = rig.run(fuzzCase)
      #expect(result.outcome == .failed(.badAddress), "\(fuzzCase)")
      #expect(result.problems.isEmpty, "\(fuzzCase): \(result.problems)")
    }
  }

  @Test func anUndocumentedErrnoIsAFinding() throws {
    let rig = try Rig()
    rig.device.injectFault(.errno(.ioError))
    let result = rig.run(rig.wellFormedCall(to: 1))
    #expect(result.outcome == .failed(.ioError))
    #expect(result.problems.contains { $0.contains("is not an errno ucbridge documents") })
  }

  @Test func anErrnoTheCaseDoesNotCallForIsAFinding() throws {
    let rig = try Rig()
    rig.device.injectFault(.errno(.badAddress))
    let result = rig.run(rig.wellFormedCall(to: 0))
    #expect(result.outcome == .failed(.badAddress))
    #expect(result.problems == ["got EFAULT, expected success or ENOMEM"])
  }

  @Test func aMalformedCallThatIsDispatchedIsAFinding() throws {
    let rig = try Rig()
    var fuzzCase = rig.wellFormedCall(to: 0)
    fuzzCase.flags = 1
    #expect(rig.run(fuzzCase).problems.isEmpty)
    rig.device.injectFault(.ioReturn(.success))
    let result = rig.run(fuzzCase)
    #expect(result.outcome == .dispatched(.success))
    #expect(result.problems == ["the call was dispatched (kIOReturnSuccess), expected EINVAL"])
  }

  @Test func aWrongResultForAnUnknownSelectorIsAFinding() throws {
    let rig = try Rig()
    var fuzzCase = rig.wellFormedCall(to: 0)
    fuzzCase.selector = UInt32(rig.generator.methods.count)
    #expect(rig.run(fuzzCase).outcome == .dispatched(.unsupported))
    rig.device.injectFault(.ioReturn(.badArgument))
    #expect(rig.run(fuzzCase).problems == ["got kIOReturnBadArgument, expected kIOReturnUnsupported"])
  }

  @Test func anUnreadableInputMustFault() throws {
    let rig = try Rig()
    var fuzzCase = rig.wellFormedCall(to: 1)
    fuzzCase.scalarInput.placement = .kernel
    #expect(rig.run(fuzzCase).outcome == .failed(.badAddress))
    rig.device.injectFault(.ioReturn(.success))
    #expect(rig.run(fuzzCase).problems.first?.hasPrefix("the call was dispatched") == true)
  }

  @Test func outputPastTheReportedCountIsAFinding() throws {
    let rig = try Rig()
    var fuzzCase = rig.wellFormedCall(to: 2)
    fuzzCase.structInput.count = 8
    fuzzCase.structOutput = FuzzCase.Buffer(count: 64, placement: .aligned)
    let layout = FuzzExecutor.Layout(fuzzCase, arena: rig.executor.arena)
    let arena = rig.executor.arena
    arena.fillCanary(at: layout.scalarOutput, count: FuzzExecutor.slack, in: arena.scalarOutput)
    arena.fillCanary(at: layout.structOutput, count: 64 + FuzzExecutor.slack, in: arena.structOutput)
    arena.write([1, 2, 3, 4, 5, 6, 7, 8, 0], at: layout.structOutput, in: arena.structOutput)

    var header = [UInt8](repeating: 0, count: 64)
    header.withUnsafeMutableBytes { bytes in
      bytes.storeBytes(of: 8, toByteOffset: 28, as: UInt32.self)
    }
    var check = FuzzExecutor.Check(fuzzCase: fuzzCase, layout: layout, header: header, after: header)
    check.callOutputs(.dispatched(.success), arena: arena)
    #expect(check.problems == ["wrote byte 8 of the struct output room on success, past the reported size"])
  }

  @Test func theWatchdogReportsAHang() throws {
    let rig = try Rig()
    let hangs = Mutex<[Int]>([])
    let watchdog = Watchdog(limitNanoseconds: 2_000_000) { fuzzCase, elapsed in
      hangs.withLock { $0.append(fuzzCase.index) }
      #expect(elapsed > 2_000_000)
    }
    let fuzzCase = rig.wellFormedCall(to: 3)
    try watchdog.watch {
      watchdog.begin(fuzzCase)
      // A call that never returns, until the watchdog has said so (or
      // ten seconds have passed).
      for _ in 0..<1000 where hangs.withLock({ $0.isEmpty }) { usleep(10_000) }
      watchdog.end()
    }
    #expect(hangs.withLock { $0 } == [3])
  }

  /// A call that starts while the watchdog looks must not read as one
  /// that started in the future (an unsigned difference that wraps).
  /// Calls here may still be slow under load, but never by hours.
  @Test func aCallStartingAsTheWatchdogLooksIsNoHang() throws {
    let rig = try Rig()
    let longest = Atomic<UInt64>(0)
    let watchdog = Watchdog(limitNanoseconds: 4_000_000) { _, elapsed in
      longest.store(elapsed, ordering: .relaxed)
    }
    let fuzzCase = rig.wellFormedCall(to: 0)
    try watchdog.watch {
      for _ in 0..<300_000 {
        watchdog.begin(fuzzCase)
        watchdog.end()
      }
    }
    #expect(longest.load(ordering: .relaxed) < 3_600_000_000_000)
  }
}
