import CUCBridge
import UCBridge
import UCBridgeTestSupport

/// Draws fuzz cases from a seed: the first ones a well-formed call to each
/// method, then a mix of well-formed calls, calls with fields or pointers
/// changed, introspection ioctls and unknown ioctl numbers.
///
/// A case depends only on the seed, its index, the driver's method table
/// and its memory types, never on what earlier calls returned, so a run
/// replays exactly.
struct FuzzGenerator {
  /// The driver's method table.
  let methods: [MethodInfo]
  /// The driver's max_struct_size.
  let maxStructSize: Int
  /// The driver's memory types, perhaps none.
  let memoryTypes: [MemoryInfo]

  private var maxScalars: Int { Int(UCB_MAX_SCALARS) }

  /// The case at `index` of the run with `seed`.
  ///
  /// - Parameters:
  ///   - seed: The run's seed.
  ///   - index: The case's index.
  /// - Returns: The case.
  func makeCase(seed: UInt64, index: Int) -> FuzzCase {
    var random = SplitMix64.forCase(seed: seed, index: index)
    if index < methods.count {
      return wellFormedCall(methods[index], index: index, &random)
    }
    let method = methods.randomElement(using: &random)!
    switch Int.random(in: 0..<100, using: &random) {
    case 0..<35:
      return wellFormedCall(method, index: index, &random)
    case 35..<80:
      var fuzzCase = wellFormedCall(method, index: index, &random)
      fuzzCase.kind = .mutated
      for _ in 0..<Int.random(in: 1...3, using: &random) {
        mutateCall(&fuzzCase, &random)
      }
      return fuzzCase
    case 80..<86:
      return introspection(index: index, &random)
    case 86..<92:
      return batch(index: index, &random)
    case 92..<95:
      return cancel(index: index, &random)
    case 95..<98:
      return eventRead(index: index, &random)
    default:
      return unknownIoctl(index: index, &random)
    }
  }

  // MARK: Well-formed calls

  /// A call that passes `method`'s checks, with readable buffers and a
  /// header the driver must accept: through `UCB_IOC_CALL_ASYNC` for an
  /// async method, else `UCB_IOC_CALL`.
  func wellFormedCall(
    _ method: MethodInfo, index: Int, _ random: inout SplitMix64
  ) -> FuzzCase {
    var fuzzCase = FuzzCase(
      index: index, kind: .wellFormed, request: .call, size: UInt32(UCB_CALL_SIZE_VER0))
    fuzzCase.header = validPlacement(&random)
    if Int.random(in: 0..<8, using: &random) == 0 {
      fuzzCase.size += UInt32(Int.random(in: 1...256, using: &random))
    }
    fuzzCase.selector = method.selector
    fuzzCase.methodName = method.name
    let checks = method.checks
    let structIn = structSize(checks.structInputSize, &random)
    fuzzCase.scalarInput = FuzzCase.Buffer(
      count: UInt32(scalarCount(checks.scalarInputCount, &random)),
      placement: validPlacement(&random))
    fuzzCase.structInput = FuzzCase.Buffer(
      count: UInt32(structIn), placement: validPlacement(&random))
    fuzzCase.scalarOutput = FuzzCase.Buffer(
      count: UInt32(scalarCount(checks.scalarOutputCount, &random)),
      placement: validPlacement(&random))
    let structOut: Int
    if case .variable = checks.structOutputSize, Bool.random(using: &random) {
      structOut = structIn
    } else {
      structOut = structSize(checks.structOutputSize, &random)
    }
    fuzzCase.structOutput = FuzzCase.Buffer(
      count: UInt32(structOut), placement: validPlacement(&random))
    fuzzCase.scalarValues = scalarValues(count: fuzzCase.scalarInput.count, &random)
    if method.flags.contains(.async) {
      makeAsync(&fuzzCase, &random)
    }
    return fuzzCase
  }

  /// Sends a call with `UCB_IOC_CALL_ASYNC`, its own header well-formed.
  private func makeAsync(_ fuzzCase: inout FuzzCase, _ random: inout SplitMix64) {
    fuzzCase.request = .callAsync
    var async = FuzzAsync()
    async.placement = validPlacement(&random)
    async.reference = random.next()
    if Int.random(in: 0..<8, using: &random) == 0 {
      async.size += UInt32(Int.random(in: 1...256, using: &random))
    }
    fuzzCase.async = async
  }

  /// Changes one thing about a `UCB_IOC_CALL_ASYNC`'s own header: its
  /// size or tail, flags, where it lies or where its call pointer points.
  private func mutateAsync(_ async: inout FuzzAsync, _ random: inout SplitMix64) {
    switch Int.random(in: 0..<4, using: &random) {
    case 0:
      let known = UInt32(FuzzAsync.knownSize)
      async.size = [0, 1, 8, known - 1, known, known + 8, 4096, 4097, .max]
        .randomElement(using: &random)!
      async.tail = async.size > known && async.size <= 4096 && Bool.random(using: &random)
        ? .nonZero(at: Int.random(in: 0..<Int(async.size - known), using: &random)) : .zero
    case 1:
      async.flags = 1 << UInt32.random(in: 0..<32, using: &random)
    case 2:
      async.placement = [.null, .inGuardPage, .kernel, .straddlingGuard(inside: 16), .againstGuard]
        .randomElement(using: &random)!
    default:
      async.callPointer = [.null, .inGuardPage, .kernel, .straddlingGuard(inside: 32)]
        .randomElement(using: &random)!
    }
  }

  private func scalarCount(_ check: MethodChecks.ScalarCount, _ random: inout SplitMix64) -> Int {
    switch check {
    case .exactly(let count): return count
    case .variable: return Int.random(in: 0...maxScalars, using: &random)
    }
  }

  private func structSize(_ check: MethodChecks.StructSize, _ random: inout SplitMix64) -> Int {
    switch check {
    case .exactly(let size): return size
    case .variable(let max): return structSize(upTo: max, &random)
    }
  }

  /// A size up to `max`, most often small, often at a boundary of the
  /// driver's stack buffers or of pages, sometimes the maximum itself.
  private func structSize(upTo max: Int, _ random: inout SplitMix64) -> Int {
    let boundaries = [255, 256, 257, 4095, 4096, 4097, 8191, 8192, 8193].filter { $0 <= max }
    switch Int.random(in: 0..<10, using: &random) {
    case 0..<4: return Int.random(in: 0...min(64, max), using: &random)
    case 4..<6: return boundaries.randomElement(using: &random) ?? 0
    case 6: return max
    case 7: return Swift.max(0, max - 1)
    default: return Int.random(in: 0...min(max, 65536), using: &random)
    }
  }

  /// Placements of readable, writable memory.
  func validPlacement(_ random: inout SplitMix64) -> Placement {
    switch Int.random(in: 0..<4, using: &random) {
    case 0: return .misaligned(Int.random(in: 1...7, using: &random))
    case 1: return .againstGuard
    default: return .aligned
    }
  }

  /// Values for `count` input scalars: mostly small, so that a method
  /// taking a delay or a size (the reference driver's consistency and
  /// generate) stays quick; sometimes an edge; sometimes anything.
  private func scalarValues(count: UInt32, _ random: inout SplitMix64) -> [UInt64] {
    let edges: [UInt64] = [0, 1, .max, UInt64(Int64.max), 1 << 63, UInt64(UInt32.max), 1 << 32]
    return (0..<min(Int(count), maxScalars)).map { _ in
      switch Int.random(in: 0..<10, using: &random) {
      case 0..<5: return UInt64.random(in: 0..<64, using: &random)
      case 5..<7: return edges.randomElement(using: &random)!
      default: return random.next()
      }
    }
  }

  // MARK: Mutations

  /// Changes one thing about a call: its selector, a count or size, its
  /// flags, its header's size or tail, where a buffer lies or where the
  /// header lies.
  func mutateCall(_ fuzzCase: inout FuzzCase, _ random: inout SplitMix64) {
    switch Int.random(in: 0..<11, using: &random) {
    case 9:
      // The sync/async mismatch, either way.
      if fuzzCase.async == nil {
        makeAsync(&fuzzCase, &random)
      } else {
        fuzzCase.request = .call
        fuzzCase.async = nil
      }
    case 10 where fuzzCase.async != nil:
      mutateAsync(&fuzzCase.async!, &random)
    case 0:
      fuzzCase.selector = anySelector(&random)
      fuzzCase.methodName = methods.first { $0.selector == fuzzCase.selector }?.name
    case 1:
      fuzzCase.scalarInput.count = anyScalarCount(&random)
      fuzzCase.scalarValues = scalarValues(count: fuzzCase.scalarInput.count, &random)
    case 2:
      fuzzCase.scalarOutput.count = anyScalarCount(&random)
    case 3:
      fuzzCase.structInput.count = anyStructSize(&random)
    case 4:
      fuzzCase.structOutput.count = anyStructSize(&random)
    case 5:
      fuzzCase.flags = Bool.random(using: &random)
        ? 1 << UInt32.random(in: 0..<32, using: &random)
        : UInt32.random(in: 1...UInt32.max, using: &random)
    case 6:
      (fuzzCase.size, fuzzCase.tail) = anyHeaderSize(for: .call, &random)
    case 7:
      let placement = anyPlacement(&random)
      switch Int.random(in: 0..<4, using: &random) {
      case 0: fuzzCase.scalarInput.placement = placement
      case 1: fuzzCase.structInput.placement = placement
      case 2: fuzzCase.scalarOutput.placement = placement
      default: fuzzCase.structOutput.placement = placement
      }
    default:
      fuzzCase.header = headerPlacement(for: fuzzCase, &random)
    }
  }

  private func anySelector(_ random: inout SplitMix64) -> UInt32 {
    let count = UInt32(methods.count)
    return [
      count, count + 1, 0x7fff_ffff, 0x8000_0000, .max,
      UInt32.random(in: 0..<count, using: &random), random.next32(),
    ].randomElement(using: &random)!
  }

  /// A memory type: past the driver's types, at the ABI's limit of
  /// `UCB_MEMORY_TYPE_MAX`, huge, or any.
  private func anyMemoryType(_ random: inout SplitMix64) -> UInt32 {
    let count = UInt32(memoryTypes.count)
    let max = UInt32(UCB_MEMORY_TYPE_MAX)
    return [
      count, count + 1, max - 1, max, max + 1, 0x7fff_ffff, 0x8000_0000, .max,
      UInt32.random(in: 0...max, using: &random), random.next32(),
    ].randomElement(using: &random)!
  }

  private func anyScalarCount(_ random: inout SplitMix64) -> UInt32 {
    Bool.random(using: &random)
      ? UInt32.random(in: 0...UInt32(maxScalars + 2), using: &random)
      : [32, 255, 0x1_0000, 0x8000_0000, .max].randomElement(using: &random)!
  }

  /// Any struct size: small, at a boundary, about the driver's maximum,
  /// about the ABI's limit, or near the top of 32 bits.
  private func anyStructSize(_ random: inout SplitMix64) -> UInt32 {
    let max = UInt32(maxStructSize)
    let limit = UCB_STRUCT_SIZE_LIMIT
    return [
      0, 1, 63, 64, 255, 256, 257, 4095, 4096, 4097, 8191, 8192, 8193,
      max - 1, max, max + 1, limit, limit + 1, 0x7fff_ffff, 0x8000_0000, .max,
      UInt32.random(in: 0...4096, using: &random),
    ].randomElement(using: &random)!
  }

  /// A header `size` that is short, exact, long (with a zero or non-zero
  /// tail) or past the driver's 4096-byte bound.
  func anyHeaderSize(
    for request: FuzzCase.Request, _ random: inout SplitMix64
  ) -> (UInt32, FuzzCase.Tail) {
    let known = UInt32(request.structSize)
    let size = [
      0, 1, 4, known / 2, known - 1, known, known + 1, known + 8, 128, 1024,
      4095, 4096, 4097, 8192, 0x8000_0000, .max,
      UInt32.random(in: known...4096, using: &random),
    ].randomElement(using: &random)!
    guard size > known, size <= 4096, Bool.random(using: &random) else { return (size, .zero) }
    return (size, .nonZero(at: Int.random(in: 0..<Int(size - known), using: &random)))
  }

  /// Any buffer placement, readable or not.
  func anyPlacement(_ random: inout SplitMix64) -> Placement {
    switch Int.random(in: 0..<7, using: &random) {
    case 0: return .misaligned(Int.random(in: 1...7, using: &random))
    case 1: return .againstGuard
    case 2: return .straddlingGuard(inside: Int.random(in: 1...64, using: &random))
    case 3: return .null
    case 4: return .inGuardPage
    case 5: return .kernel
    default: return .aligned
    }
  }

  /// A header placement, unreadable ones included.
  func headerPlacement(
    for fuzzCase: FuzzCase, _ random: inout SplitMix64
  ) -> Placement {
    let readable = min(Int(fuzzCase.size), 4096)
    switch Int.random(in: 0..<6, using: &random) {
    case 0..<2 where readable > 1:
      return .straddlingGuard(inside: Int.random(in: 1..<readable, using: &random))
    case 2:
      return [.null, .inGuardPage, .kernel].randomElement(using: &random)!
    case 3:
      return .misaligned(Int.random(in: 1...7, using: &random))
    default:
      return .againstGuard
    }
  }

  // MARK: Introspection and unknown ioctls

  /// `UCB_IOC_DRIVER_INFO`, `UCB_IOC_METHOD_INFO`, `UCB_IOC_OPEN` or
  /// `UCB_IOC_MEMORY_INFO`, valid or with its selector (type), flags,
  /// size, tail or placement changed.
  private func introspection(index: Int, _ random: inout SplitMix64) -> FuzzCase {
    let request = ([.driverInfo, .methodInfo, .open, .memoryInfo] as [FuzzCase.Request])
      .randomElement(using: &random)!
    var fuzzCase = FuzzCase(
      index: index, kind: .introspection, request: request, size: UInt32(request.structSize))
    fuzzCase.header = validPlacement(&random)
    if request == .methodInfo {
      fuzzCase.selector = Bool.random(using: &random)
        ? UInt32.random(in: 0..<UInt32(methods.count), using: &random)
        : anySelector(&random)
      fuzzCase.methodName = methods.first { $0.selector == fuzzCase.selector }?.name
    } else if request == .open {
      fuzzCase.selector = random.next32()
    } else if request == .memoryInfo {
      fuzzCase.selector = !memoryTypes.isEmpty && Bool.random(using: &random)
        ? UInt32.random(in: 0..<UInt32(memoryTypes.count), using: &random)
        : anyMemoryType(&random)
    }
    for _ in 0..<Int.random(in: 0...2, using: &random) {
      switch Int.random(in: 0..<3, using: &random) {
      case 0:
        fuzzCase.flags = 1 << UInt32.random(in: 0..<32, using: &random)
      case 1:
        (fuzzCase.size, fuzzCase.tail) = anyHeaderSize(for: request, &random)
      default:
        fuzzCase.header = headerPlacement(for: fuzzCase, &random)
      }
    }
    return fuzzCase
  }

  /// The highest number (the low byte) of a ucbridge ioctl, which defines
  /// them all from 0x00 on: `UCB_IOC_CANCEL`'s.
  static let lastIoctlNumber = UInt32(truncatingIfNeeded: ucb_ioc_cancel & 0xff)

  /// An ioctl number in ucbridge's space (type 0xBC) that names no
  /// ucbridge ioctl: a number past the eight (0x00 to 0x07), or one of the
  /// eight with direction or size bits.  Numbers of other types are left alone: the
  /// kernel handles some generic ones (FIONBIO, FIOCLEX, FIFREEZE, ...)
  /// itself, before any driver sees them.
  private func unknownIoctl(index: Int, _ random: inout SplitMix64) -> FuzzCase {
    let type = UInt32(UCB_IOC_MAGIC) << 8
    let last = Self.lastIoctlNumber
    let number: UInt32
    if Bool.random(using: &random) {
      number = type | UInt32.random(in: (last + 1)...0xff, using: &random)
    } else {
      let direction = UInt32.random(in: 1...3, using: &random) << 30
      let size = ([64, 72, 88, 16, 1, 0x3fff] as [UInt32]).randomElement(using: &random)! << 16
      number = direction | size | type | UInt32.random(in: 0...last, using: &random)
    }
    var fuzzCase = FuzzCase(
      index: index, kind: .unknownIoctl, request: .unknown(number),
      size: UInt32(UCB_CALL_SIZE_VER0))
    fuzzCase.header = validPlacement(&random)
    return fuzzCase
  }
}

extension FuzzGenerator {
  /// `UCB_IOC_CANCEL` of the last accepted call or of any id, valid or
  /// with its flags, size, tail or placement changed.
  private func cancel(index: Int, _ random: inout SplitMix64) -> FuzzCase {
    var fuzzCase = FuzzCase(
      index: index, kind: .events, request: .cancel, size: UInt32(FuzzCase.Request.cancel.structSize))
    fuzzCase.header = validPlacement(&random)
    fuzzCase.cancelTarget = Bool.random(using: &random)
      ? .lastAccepted : .id([0, 1, .max, random.next()].randomElement(using: &random)!)
    if Bool.random(using: &random) {
      switch Int.random(in: 0..<3, using: &random) {
      case 0: fuzzCase.flags = 1 << UInt32.random(in: 0..<32, using: &random)
      case 1: (fuzzCase.size, fuzzCase.tail) = anyHeaderSize(for: .cancel, &random)
      default: fuzzCase.header = headerPlacement(for: fuzzCase, &random)
      }
    }
    return fuzzCase
  }

  /// read(2) of events: room for none, part of one, one or several
  /// records, placed anywhere but NULL (which a buffer pointer cannot
  /// hold with a count).
  private func eventRead(index: Int, _ random: inout SplitMix64) -> FuzzCase {
    let record = UInt32(MemoryLayout<ucb_event>.size)
    let room = [0, 1, record - 1, record, record + 1, 2 * record - 1, 2 * record, 3 * record,
                UInt32(FuzzExecutor.maxEventRoom), UInt32.random(in: 0...UInt32(FuzzExecutor.maxEventRoom), using: &random)]
      .randomElement(using: &random)!
    var fuzzCase = FuzzCase(index: index, kind: .events, request: .readEvents, size: room)
    fuzzCase.header = Int.random(in: 0..<4, using: &random) == 0
      ? [.inGuardPage, .kernel, .overrunningGuard(by: 8), .straddlingGuard(inside: Int(record))]
        .randomElement(using: &random)!
      : validPlacement(&random)
    return fuzzCase
  }
}

extension SplitMix64 {
  /// 32 random bits.
  mutating func next32() -> UInt32 {
    UInt32(truncatingIfNeeded: next() >> 32)
  }
}

extension Placement {
  /// Where the fuzzer puts a buffer in the guard page: 8 bytes in, rather
  /// than at its first byte as the conformance corpus does, so that a seed
  /// replays the calls it always has.
  static let inGuardPage = Placement.guardPage(offset: 8)
}
