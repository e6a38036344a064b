import CUCBridge
@_spi(RawIoctl) import UCBridge
import SystemPackage

/// What one fuzz case came to: how its ioctl ended, and every way that
/// broke the ABI.
struct FuzzResult {
  /// How the ioctl ended.
  var outcome: FuzzOutcome
  /// What was wrong; empty when the driver kept the ABI.
  var problems: [String]
}

/// Lays fuzz cases out in guarded memory, makes their ioctls through the
/// raw ioctl SPI and checks what came back against the ABI: the outcome
/// against ``FuzzExpectation``, and every byte of the header and the
/// output room that the driver must not have written against what was
/// there before.
struct FuzzExecutor {
  /// The connection the ioctls go through.
  let connection: Connection
  /// The memory cases are laid out in.
  let arena: FuzzArena
  /// The driver's method table.
  let methods: [MethodInfo]
  /// The driver's description, which introspection must repeat.
  let driver: DriverInfo

  /// Bytes past every header and output room that must stay untouched.
  static let slack = 32
  /// What the header's `result` holds before a call.
  private static let resultSentinel: UInt32 = 0x5a5a_5a5a

  /// Runs one case.
  ///
  /// - Parameters:
  ///   - fuzzCase: The case.
  ///   - watchdog: Told when the ioctl starts and ends.
  /// - Returns: Its outcome and problems.
  func execute(_ fuzzCase: FuzzCase, watchdog: Watchdog) -> FuzzResult {
    if let batch = fuzzCase.batch {
      return executeBatch(fuzzCase, batch, watchdog: watchdog)
    }
    let layout = Layout(fuzzCase, arena: arena)
    let header = headerImage(fuzzCase, layout: layout) + Array(repeating: FuzzArena.canary, count: Self.slack)
    arena.write(header, at: layout.header, in: arena.header)
    let scalarBytes = fuzzCase.scalarValues.flatMap { value in
      withUnsafeBytes(of: value.littleEndian, Array.init)
    }
    if fuzzCase.request == .call {
      arena.write(scalarBytes, at: layout.scalarInput, in: arena.scalarInput)
      arena.fillCanary(
        at: layout.scalarOutput, count: layout.scalarOutputBytes + Self.slack, in: arena.scalarOutput)
      arena.fillCanary(
        at: layout.structOutput, count: layout.structOutputBytes + Self.slack, in: arena.structOutput)
    }

    watchdog.begin(fuzzCase)
    let returned = Result { () throws(UCBridgeError) in
      try connection.rawIoctl(
        fuzzCase.request.number, UnsafeMutableRawPointer(bitPattern: layout.header))
    }
    watchdog.end()

    let after = arena.read(like: header, at: layout.header, in: arena.header)
    var check = Check(fuzzCase: fuzzCase, layout: layout, header: header, after: after)
    let outcome = check.outcome(of: returned, expected: FuzzExpectation.of(
      fuzzCase, memory: layout.memory(arena: arena), methods: methods))
    switch (fuzzCase.request, outcome) {
    case (.call, _):
      check.callOutputs(outcome, arena: arena)
      if arena.read(like: scalarBytes, at: layout.scalarInput, in: arena.scalarInput) != scalarBytes {
        check.problems.append("the driver wrote to the input scalars")
      }
    case (.driverInfo, .succeeded), (.methodInfo, .succeeded):
      check.introspection(methods: methods, driver: driver)
    case (.open, .succeeded):
      check.openResult()
    default:
      check.headerUnchanged()
    }
    return FuzzResult(outcome: outcome, problems: check.problems)
  }

  /// The header's bytes before the call: the known structure, then the
  /// tail up to `size`.
  private func headerImage(_ fuzzCase: FuzzCase, layout: Layout) -> [UInt8] {
    var image = [UInt8](repeating: 0, count: layout.headerBytes)
    image.withUnsafeMutableBytes { bytes in
      switch fuzzCase.request {
      case .call:
        var call = ucb_call()
        call.size = fuzzCase.size
        call.selector = fuzzCase.selector
        call.flags = fuzzCase.flags
        call.scalar_in_count = fuzzCase.scalarInput.count
        call.struct_in_size = fuzzCase.structInput.count
        call.result = Self.resultSentinel
        call.scalar_out_count = fuzzCase.scalarOutput.count
        call.struct_out_size = fuzzCase.structOutput.count
        call.scalar_in = UInt64(layout.scalarInput)
        call.struct_in = UInt64(layout.structInput)
        call.scalar_out = UInt64(layout.scalarOutput)
        call.struct_out = UInt64(layout.structOutput)
        withUnsafeBytes(of: call) { bytes.copyMemory(from: $0) }
      case .driverInfo, .methodInfo, .open, .unknown, .callBatch:
        let known = fuzzCase.request.structSize
        UnsafeMutableRawBufferPointer(rebasing: bytes[8..<known])
          .initializeMemory(as: UInt8.self, repeating: FuzzArena.canary)
        bytes.storeBytes(of: fuzzCase.size, as: UInt32.self)
        bytes.storeBytes(of: fuzzCase.flags, toByteOffset: 4, as: UInt32.self)
        if fuzzCase.request == .methodInfo || fuzzCase.request == .open {
          bytes.storeBytes(of: fuzzCase.selector, toByteOffset: 8, as: UInt32.self)
        }
      }
    }
    if case .nonZero(let offset) = fuzzCase.tail, fuzzCase.hasNonZeroTail {
      image[fuzzCase.request.structSize + offset] = 0x01
    }
    return image
  }
}

extension FuzzExecutor {
  /// Where a case's header and buffers lie.
  struct Layout {
    var header: UInt
    /// Header bytes written: the known structure, and the tail up to a
    /// `size` of at most 4096.
    var headerBytes: Int
    var headerSizeField: Int
    var scalarInput: UInt
    var scalarInputBytes: Int
    var structInput: UInt
    var structInputBytes: Int
    var scalarOutput: UInt
    var scalarOutputBytes: Int
    var structOutput: UInt
    var structOutputBytes: Int

    init(_ fuzzCase: FuzzCase, arena: FuzzArena) {
      let known = fuzzCase.request.structSize
      let size = Int(fuzzCase.size)
      headerSizeField = size
      headerBytes = (known...4096).contains(size) ? size : known
      header = fuzzCase.header.address(in: arena.header, count: headerBytes)
      let maxScalars = UInt32(UCB_MAX_SCALARS)
      scalarInputBytes = Int(min(fuzzCase.scalarInput.count, maxScalars)) * 8
      scalarInput = fuzzCase.scalarInput.placement.address(in: arena.scalarInput, count: scalarInputBytes)
      structInputBytes = Int(fuzzCase.structInput.count)
      structInput = fuzzCase.structInput.placement.address(in: arena.structInput, count: structInputBytes)
      scalarOutputBytes = Int(min(fuzzCase.scalarOutput.count, maxScalars)) * 8
      scalarOutput = fuzzCase.scalarOutput.placement.address(in: arena.scalarOutput, count: scalarOutputBytes)
      structOutputBytes = Int(fuzzCase.structOutput.count)
      structOutput = fuzzCase.structOutput.placement.address(in: arena.structOutput, count: structOutputBytes)
    }

    /// Which of these bytes can be read and written.
    func memory(arena: FuzzArena) -> FuzzMemory {
      FuzzMemory(
        headerSizeReadable: arena.header.contains(header, count: 4),
        headerReadable: arena.header.contains(header, count: max(4, min(headerSizeField, 4096))),
        inputsReadable: arena.scalarInput.contains(scalarInput, count: scalarInputBytes)
          && arena.structInput.contains(structInput, count: structInputBytes),
        outputsWritable: arena.scalarOutput.contains(scalarOutput, count: scalarOutputBytes)
          && arena.structOutput.contains(structOutput, count: structOutputBytes))
    }
  }
}
