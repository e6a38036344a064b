import CUCBridge
import SystemPackage
import Testing
import UCBridge
import UCBridgeMock
import UCBridgeTestSupport

@testable import ucprobe

/// The fuzzer's `UCB_IOC_MEMORY_INFO` cases: drawn by the introspection
/// generator, judged by the ABI's rules (`ABIExpectation`) and checked
/// against the memory types the driver described at the start, which is
/// shown to catch a driver that breaks the ABI (through a transport that
/// tampers with what the mock wrote).
@Suite struct FuzzMemoryInfoTests {
  struct Rig {
    let device: MockDevice
    let transport: FuzzBatchTests.TamperingTransport
    let memoryTypes: [MemoryInfo]
    let generator: FuzzGenerator
    let executor: FuzzExecutor
    let watchdog = Watchdog(limitNanoseconds: 10_000_000_000) { _, _ in }

    init() throws {
      device = try MockDevice(maxStructSize: 8192)
      transport = FuzzBatchTests.TamperingTransport(
        device.connect(privileged: true), request: ucb_ioc_memory_info)
      let connection = Connection(transport: transport)
      let methods = try connection.methods()
      memoryTypes = try connection.memoryTypes()
      generator = FuzzGenerator(methods: methods, maxStructSize: 8192, memoryTypes: memoryTypes)
      executor = FuzzExecutor(
        connection: connection, arena: try FuzzArena(maxStructSize: 8192, seed: 1),
        methods: methods, driver: try connection.driverInfo(), memoryTypes: memoryTypes)
    }

    func run(_ fuzzCase: FuzzCase) -> FuzzResult {
      executor.execute(fuzzCase, watchdog: watchdog)
    }

    /// The memory info cases of the run with seed 11 among its first
    /// `count`.
    func memoryInfoCases(_ count: Int) -> [FuzzCase] {
      (0..<count).map { generator.makeCase(seed: 11, index: $0) }
        .filter { $0.request == .memoryInfo }
    }

    /// A well-formed memory info of `type`.
    func memoryInfo(type: UInt32, size: Int = Int(UCB_MEMORY_INFO_SIZE_VER0)) -> FuzzCase {
      var fuzzCase = FuzzCase(
        index: 0, kind: .introspection, request: .memoryInfo, size: UInt32(size))
      fuzzCase.selector = type
      return fuzzCase
    }
  }

  @Test func theRulesKnowMemoryInfo() {
    let size = Int(UCB_MEMORY_INFO_SIZE_VER0)
    #expect(IoctlShape.Request.memoryInfo.firstPublishedSize == 64)
    #expect(ABIExpectation.documentedErrnos(for: .memoryInfo).contains(.noSuchFileOrDirectory))
    #expect(!ABIExpectation.documentedErrnos(for: .driverInfo).contains(.noSuchFileOrDirectory))

    func expectation(type: UInt32, size: Int = 64, flags: UInt32 = 0, tail: Bool = false) -> ABIExpectation {
      var shape = IoctlShape(.memoryInfo, size: size)
      shape.selector = type
      shape.flags = flags
      shape.hasNonZeroTail = tail
      return ABIExpectation.of(shape, methods: [], memoryTypeCount: 2)
    }
    #expect(expectation(type: 1).mayReturnZero)
    #expect(expectation(type: 1).errnos.isEmpty)
    #expect(expectation(type: 2).errnos == [.noSuchFileOrDirectory])
    #expect(!expectation(type: 2).mayReturnZero)
    #expect(expectation(type: .max).errnos == [.noSuchFileOrDirectory])
    #expect(expectation(type: 0, size: size - 1).errnos == [.invalidArgument])
    #expect(expectation(type: 0, size: 4097).errnos == [.argListTooLong])
    #expect(expectation(type: 0, size: size + 8, tail: true).errnos == [.argListTooLong])
    #expect(expectation(type: 0, flags: 1).errnos == [.invalidArgument])
    #expect(expectation(type: 5, flags: 1).errnos == [.invalidArgument, .noSuchFileOrDirectory])
  }

  @Test func generatedMemoryInfoKeepsTheABIOnTheMock() throws {
    let rig = try Rig()
    #expect(rig.memoryTypes.count == 2)
    let cases = rig.memoryInfoCases(20000)
    #expect(cases.count > 200)
    var outcomes: Set<String> = []
    for fuzzCase in cases {
      let result = rig.run(fuzzCase)
      #expect(result.problems.isEmpty, "\(fuzzCase): \(result.problems)")
      outcomes.insert(result.outcome.name)
    }
    #expect(outcomes == ["ok", "ENOENT", "EINVAL", "E2BIG", "EFAULT"])
  }

  @Test func everyTypeIsDescribedAndTheNextIsENOENT() throws {
    let rig = try Rig()
    for type in 0..<UInt32(rig.memoryTypes.count) {
      for size in [64, 72, 4096] {
        let result = rig.run(rig.memoryInfo(type: type, size: size))
        #expect(result.outcome == .succeeded, "type \(type), size \(size)")
        #expect(result.problems.isEmpty, "type \(type), size \(size): \(result.problems)")
      }
    }
    let past = rig.run(rig.memoryInfo(type: UInt32(rig.memoryTypes.count)))
    #expect(past.outcome == .failed(.noSuchFileOrDirectory))
    #expect(past.problems.isEmpty, "\(past.problems)")
  }

  @Test func aWrongLengthIsAFinding() throws {
    let rig = try Rig()
    rig.transport.tamper.withLock {
      $0 = { header in
        let offset = MemoryLayout<ucb_memory_info>.offset(of: \.length)!
        header.storeBytes(of: 12345, toByteOffset: offset, as: UInt64.self)
      }
    }
    let result = rig.run(rig.memoryInfo(type: 1))
    #expect(result.outcome == .succeeded)
    #expect(
      result.problems.contains { $0.hasPrefix("memory info says") && $0.contains("length 12345,") },
      "\(result.problems)")
  }

  @Test func aWrongNameOrOffsetIsAFinding() throws {
    let rig = try Rig()
    rig.transport.tamper.withLock {
      $0 = { header in
        let offset = MemoryLayout<ucb_memory_info>.offset(of: \.offset)!
        header.storeBytes(of: 0, toByteOffset: offset, as: UInt64.self)
      }
    }
    #expect(rig.run(rig.memoryInfo(type: 1)).problems.count == 1)
    rig.transport.tamper.withLock {
      $0 = { header in
        let offset = MemoryLayout<ucb_memory_info>.offset(of: \.name)!
        header.storeBytes(of: UInt8(ascii: "B"), toByteOffset: offset, as: UInt8.self)
      }
    }
    let result = rig.run(rig.memoryInfo(type: 0))
    #expect(result.problems.count == 1)
    #expect(result.problems.first?.contains("name 'Buffer'; expected") == true, "\(result.problems)")
  }

  @Test func writingPastTheStructureIsAFinding() throws {
    let rig = try Rig()
    rig.transport.tamper.withLock {
      $0 = { header in header.storeBytes(of: 1, toByteOffset: 64, as: UInt8.self) }
    }
    let result = rig.run(rig.memoryInfo(type: 0, size: 72))
    #expect(result.outcome == .succeeded)
    #expect(result.problems == ["wrote byte 64, past the 64-byte structure"])
  }

  @Test func writingOnFailureIsAFinding() throws {
    let rig = try Rig()
    rig.transport.tamper.withLock {
      $0 = { header in
        let offset = MemoryLayout<ucb_memory_info>.offset(of: \.memory_flags)!
        header.storeBytes(of: 0, toByteOffset: offset, as: UInt32.self)
      }
    }
    let result = rig.run(rig.memoryInfo(type: 7))
    #expect(result.outcome == .failed(.noSuchFileOrDirectory))
    #expect(result.problems == ["changed byte 12 of the argument"])
  }

  @Test func succeedingForATypePastTheDriversIsAFinding() throws {
    let rig = try Rig()
    let fuzzCase = rig.memoryInfo(type: 2)
    let layout = FuzzExecutor.Layout(fuzzCase, arena: rig.executor.arena)
    let header = [UInt8](repeating: 0, count: 64)
    var check = FuzzExecutor.Check(fuzzCase: fuzzCase, layout: layout, header: header, after: header)
    let expected = ABIExpectation.of(
      fuzzCase.shape(memory: IoctlShape.Memory()), methods: [], memoryTypeCount: 2)
    #expect(check.outcome(of: .success(()), expected: expected) == .succeeded)
    #expect(check.problems == ["the ioctl succeeded, expected ENOENT"])
  }

  @Test func unknownIoctlsNeverUseAKnownNumber() throws {
    let rig = try Rig()
    let known: [FuzzCase.Request] = [
      .call, .driverInfo, .methodInfo, .open, .callBatch, .memoryInfo, .callAsync, .cancel,
    ]
    let knownNumbers = Set(known.map(\.number))
    #expect(knownNumbers.map { UInt32($0 & 0xff) }.max() == FuzzGenerator.lastIoctlNumber)
    var numbers: Set<UInt32> = []
    for index in 0..<20000 {
      guard case .unknown(let number) = rig.generator.makeCase(seed: 5, index: index).request else {
        continue
      }
      numbers.insert(number)
      #expect(!knownNumbers.contains(CUnsignedLong(number)), "0x\(String(number, radix: 16))")
    }
    #expect(numbers.count > 100)
    // The known numbers do come, with direction or size bits.
    #expect(numbers.contains { $0 & 0xffff == 0xbc07 })
  }
}
