import CUCBridge
@_spi(RawIoctl) import UCBridge
import SystemPackage
import UCBridgeTestSupport

/// What one fuzz case came to: how its ioctl ended, and every way that
/// broke the ABI.
struct FuzzResult {
  /// How the ioctl ended.
  var outcome: IoctlOutcome
  /// What was wrong; empty when the driver kept the ABI.
  var problems: [String]
}

/// Lays fuzz cases out in guarded memory, makes their ioctls through the
/// raw ioctl SPI and checks what came back against the ABI: the outcome
/// against the ABI's rules (`ABIExpectation`), and every byte of the header and the
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
  /// The driver's memory types, which memory info must repeat.
  let memoryTypes: [MemoryInfo]
  /// The run's events: accepted calls awaiting their completion.
  let events = FuzzEvents()

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
    switch fuzzCase.request {
    case .cancel: return executeCancel(fuzzCase, target: fuzzCase.cancelTarget, watchdog: watchdog)
    case .readEvents: return executeRead(fuzzCase, watchdog: watchdog)
    default: break
    }
    let layout = Layout(fuzzCase, arena: arena)
    let header = headerImage(fuzzCase, layout: layout) + Array(repeating: FuzzArena.canary, count: Self.slack)
    arena.write(header, at: layout.header, in: arena.header)
    let scalarBytes = fuzzCase.scalarValues.flatMap { value in
      withUnsafeBytes(of: value.littleEndian, Array.init)
    }
    var asyncHeader: (address: UInt, image: [UInt8])?
    if let async = fuzzCase.async {
      // A call pointer elsewhere names a copy of the call, in a region of
      // its own (the batches', unused by this case).
      let call = async.callPointer?.address(in: arena.batchCalls, count: layout.headerBytes) ?? layout.header
      if async.callPointer != nil { arena.write(header, at: call, in: arena.batchCalls) }
      let image = asyncHeaderImage(async, call: call) + Array(repeating: FuzzArena.canary, count: Self.slack)
      let address = async.placement.address(in: arena.asyncHeader, count: async.bytes)
      arena.write(image, at: address, in: arena.asyncHeader)
      asyncHeader = (address, image)
    }
    if fuzzCase.request == .call || fuzzCase.request == .callAsync {
      arena.write(scalarBytes, at: layout.scalarInput, in: arena.scalarInput)
      arena.fillCanary(
        at: layout.scalarOutput, count: layout.scalarOutputBytes + Self.slack, in: arena.scalarOutput)
      arena.fillCanary(
        at: layout.structOutput, count: layout.structOutputBytes + Self.slack, in: arena.structOutput)
    }

    watchdog.begin(fuzzCase)
    let returned = Result { () throws(UCBridgeError) in
      try connection.rawIoctl(
        fuzzCase.request.number,
        UnsafeMutableRawPointer(bitPattern: asyncHeader?.address ?? layout.header))
    }
    watchdog.end()

    let after = arena.read(like: header, at: layout.header, in: arena.header)
    var check = Check(fuzzCase: fuzzCase, layout: layout, header: header, after: after)
    var memory = layout.memory(arena: arena)
    if let async = fuzzCase.async, let elsewhere = async.callPointer {
      // The call read is the one the pointer names.
      let call = elsewhere.address(in: arena.batchCalls, count: layout.headerBytes)
      memory.headerSizeReadable = arena.batchCalls.contains(call, count: 4)
      memory.headerReadable = arena.batchCalls.contains(call, count: max(4, min(layout.headerSizeField, 4096)))
      memory.headerWritable = memory.headerReadable
    }
    let expected = ABIExpectation.of(
      fuzzCase.shape(memory: memory, asyncHeader: asyncHeader.map { header in
        layout.asyncShape(fuzzCase.async!, at: header.address, arena: arena)
      }), methods: methods,
      memoryTypeCount: memoryTypes.count)
    let outcome = check.outcome(of: returned, expected: expected)
    if let asyncHeader {
      let after = arena.read(like: asyncHeader.image, at: asyncHeader.address, in: arena.asyncHeader)
      check.problems += asyncHeaderWritten(outcome, before: asyncHeader.image, after: after)
      // An EFAULT the rules allow once the call was dispatched: its
      // method may have accepted it.
      if outcome == .failed(.badAddress) && expected.mayReturnZero { events.mayHaveBeenAccepted() }
    }
    switch (fuzzCase.request, outcome) {
    case (.call, _), (.callAsync, _):
      check.callOutputs(outcome, arena: arena)
      if arena.read(like: scalarBytes, at: layout.scalarInput, in: arena.scalarInput) != scalarBytes {
        check.problems.append("the driver wrote to the input scalars")
      }
    case (.driverInfo, .succeeded), (.methodInfo, .succeeded), (.memoryInfo, .succeeded):
      check.introspection(methods: methods, driver: driver, memoryTypes: memoryTypes)
    case (.open, .succeeded):
      check.openResult()
    default:
      check.headerUnchanged()
    }
    return FuzzResult(outcome: outcome, problems: check.problems + settle(after: fuzzCase))
  }

  /// The header's bytes before the call: the known structure, then the
  /// tail up to `size`.
  private func headerImage(_ fuzzCase: FuzzCase, layout: Layout) -> [UInt8] {
    var image = [UInt8](repeating: 0, count: layout.headerBytes)
    image.withUnsafeMutableBytes { bytes in
      switch fuzzCase.request {
      case .call, .callAsync:
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
      case .driverInfo, .methodInfo, .open, .unknown, .callBatch, .memoryInfo, .cancel, .readEvents:
        let known = fuzzCase.request.structSize
        UnsafeMutableRawBufferPointer(rebasing: bytes[8..<known])
          .initializeMemory(as: UInt8.self, repeating: FuzzArena.canary)
        bytes.storeBytes(of: fuzzCase.size, as: UInt32.self)
        bytes.storeBytes(of: fuzzCase.flags, toByteOffset: 4, as: UInt32.self)
        if [.methodInfo, .open, .memoryInfo].contains(fuzzCase.request) {
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

    /// A `UCB_IOC_CALL_ASYNC`'s own header at `address`, as the rules
    /// see it.
    func asyncShape(_ async: FuzzAsync, at address: UInt, arena: FuzzArena) -> IoctlShape.AsyncHeader {
      var shape = IoctlShape.AsyncHeader()
      shape.size = Int(async.size)
      shape.flags = async.flags
      shape.hasNonZeroTail = async.hasNonZeroTail
      shape.sizeReadable = arena.asyncHeader.contains(address, count: 4)
      shape.readable = arena.asyncHeader.contains(address, count: max(4, min(Int(async.size), 4096)))
      shape.writable = shape.readable
      return shape
    }

    /// Which of these bytes can be read and written.
    func memory(arena: FuzzArena) -> IoctlShape.Memory {
      var memory = IoctlShape.Memory()
      memory.headerSizeReadable = arena.header.contains(header, count: 4)
      memory.headerReadable = arena.header.contains(header, count: max(4, min(headerSizeField, 4096)))
      memory.headerWritable = memory.headerReadable
      memory.inputsReadable = arena.scalarInput.contains(scalarInput, count: scalarInputBytes)
        && arena.structInput.contains(structInput, count: structInputBytes)
      memory.outputsWritable = arena.scalarOutput.contains(scalarOutput, count: scalarOutputBytes)
        && arena.structOutput.contains(structOutput, count: structOutputBytes)
      return memory
    }
  }
}
