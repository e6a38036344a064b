import CUCBridge
@_spi(RawIoctl) import UCBridge
import SystemPackage
import UCBridgeTestSupport

/// A fuzz case's `struct ucb_batch`: its own fields and its entries, each a
/// `UCB_IOC_CALL` case of the single-call generator laid out `callSize`
/// bytes apart.
struct FuzzBatch: Sendable, CustomStringConvertible {
  /// Most entries a fuzz batch lays out (its `count` field may say more).
  static let maxEntries = 64

  /// The entries, `UCB_IOC_CALL` cases; their header placements are
  /// unused, their `size` fields are sent as they are.
  var entries: [FuzzCase]
  /// The `flags` field.
  var flags: UInt32 = 0
  /// The `count` field; `entries.count` unless changed.
  var count: UInt32
  /// The `call_size` field, also the entries' stride in memory when it is
  /// one the driver accepts (64 bytes otherwise).
  var callSize = UInt32(UCB_CALL_SIZE_VER0)
  /// The `reserved` field.
  var reserved: UInt32 = 0
  /// Where the entries lie.  A `count` above the entries laid out puts
  /// them against the guard page, so that the next entry faults.
  var entriesPlacement = Placement.aligned

  /// The stride of the entries in memory.
  var stride: Int {
    (Int(UCB_CALL_SIZE_VER0)...4096).contains(Int(callSize)) ? Int(callSize) : Int(UCB_CALL_SIZE_VER0)
  }

  var description: String {
    var text = "batch flags 0x\(String(flags, radix: 16)), count \(count)"
    text += " (\(entries.count) laid out \(entriesPlacement)), call_size \(callSize)"
    if reserved != 0 { text += ", reserved 0x\(String(reserved, radix: 16))" }
    for (index, entry) in entries.enumerated() {
      var call = entry
      call.index = index
      text += "\n    entry " + call.description.drop { $0 != ":" }.dropFirst()
    }
    return text
  }
}

extension FuzzGenerator {
  /// A batch: entries drawn as single calls are (well-formed and mutated),
  /// then perhaps one or two of the batch's own fields changed.
  func batch(index: Int, _ random: inout SplitMix64) -> FuzzCase {
    var fuzzCase = FuzzCase(
      index: index, kind: .batch, request: .callBatch, size: UInt32(UCB_BATCH_SIZE_VER0))
    fuzzCase.header = validPlacement(&random)
    let count: Int
    switch Int.random(in: 0..<20, using: &random) {
    case 0: count = 0
    case 1..<14: count = Int.random(in: 1...8, using: &random)
    default: count = Int.random(in: 9...FuzzBatch.maxEntries, using: &random)
    }
    var callSize = UInt32(UCB_CALL_SIZE_VER0)
    if Int.random(in: 0..<6, using: &random) == 0 {
      callSize = [72, 128, 4096, UInt32.random(in: 65...4096, using: &random)].randomElement(using: &random)!
    }
    let entries = (0..<count).map { _ in
      let method = methods.randomElement(using: &random)!
      var entry = wellFormedCall(method, index: index, &random)
      if Int.random(in: 0..<10, using: &random) == 0 {
        entry.kind = .mutated
        mutateCall(&entry, &random)
      }
      // The entry's size is the batch's call_size, unless changed below;
      // a non-zero tail byte stays only where the entry has room for it.
      if case .nonZero(let offset) = entry.tail, offset >= Int(callSize) - entry.request.structSize {
        entry.tail = .zero
      }
      entry.size = callSize
      entry.header = .aligned
      // A batch's entries are sync calls, async methods' included.
      entry.request = .call
      entry.async = nil
      return entry
    }
    var batch = FuzzBatch(entries: entries, count: UInt32(count), callSize: callSize)
    if Bool.random(using: &random) { batch.flags = UCB_BATCH_STOP_ON_ERROR }
    for _ in 0..<Int.random(in: 0...2, using: &random) {
      mutateBatch(&batch, &fuzzCase, &random)
    }
    // Entries past those laid out must lie in the guard page, not in
    // whatever an earlier case left in the arena.
    if batch.count > UInt32(batch.entries.count) {
      switch batch.entriesPlacement {
      case .aligned, .misaligned: batch.entriesPlacement = .againstGuard
      default: break
      }
    }
    fuzzCase.batch = batch
    return fuzzCase
  }

  /// Changes one of the batch's fields, its header's size, tail or place,
  /// or one entry's size.
  private func mutateBatch(
    _ batch: inout FuzzBatch, _ fuzzCase: inout FuzzCase, _ random: inout SplitMix64
  ) {
    switch Int.random(in: 0..<8, using: &random) {
    case 0:
      batch.flags = Bool.random(using: &random)
        ? 1 << UInt32.random(in: 0..<32, using: &random) : random.next32()
    case 1:
      let laid = UInt32(batch.entries.count)
      batch.count = [
        0, laid &+ 1, max(laid, 1) - 1, UInt32(UCB_BATCH_MAX_CALLS), UInt32(UCB_BATCH_MAX_CALLS) + 1, .max,
      ].randomElement(using: &random)!
      if batch.count > laid { batch.entriesPlacement = .againstGuard }
    case 2:
      batch.callSize = [0, 1, 63, 4097, 8192, .max, batch.callSize &+ 8].randomElement(using: &random)!
    case 3:
      batch.reserved = Bool.random(using: &random) ? 1 : random.next32()
    case 4:
      (fuzzCase.size, fuzzCase.tail) = anyHeaderSize(for: .callBatch, &random)
    case 5:
      fuzzCase.header = headerPlacement(for: fuzzCase, &random)
    case 6 where !batch.entries.isEmpty:
      let entry = Int.random(in: 0..<batch.entries.count, using: &random)
      batch.entries[entry].size = [
        0, 63, batch.callSize &- 1, batch.callSize &+ 1, batch.callSize &+ 8, 4097,
      ].randomElement(using: &random)!
    default:
      batch.entriesPlacement = [
        .null, .kernel, .inGuardPage, .againstGuard,
        .misaligned(Int.random(in: 1...7, using: &random)),
        .straddlingGuard(inside: Int.random(in: 1...max(1, batch.stride * batch.entries.count), using: &random)),
      ].randomElement(using: &random)!
    }
  }
}

/// What the ABI allows a batch to do, from the batch's own rules in the
/// `struct ucb_batch` kernel-doc and, for each entry, the single call's
/// rules, ``ABIExpectation``.
struct FuzzBatchExpectation {
  /// What may become of one entry, if the batch reaches it.
  enum Entry {
    /// The batch must stop at it, failing with one of these errnos.
    case stops(Set<Errno>)
    /// It is dispatched as a single call of it would be: it runs unless
    /// the single call's expectation lets it fail with an errno.
    case runs(ABIExpectation)
  }

  /// Nonempty when the header is malformed: the ioctl fails with one of
  /// these, before any entry, writing nothing.
  var headerErrnos: Set<Errno>
  /// Each entry the batch may reach, up to the first that must stop it.
  var entries: [Entry]

  static func of(
    _ fuzzCase: FuzzCase, _ batch: FuzzBatch, layout: FuzzExecutor.BatchLayout,
    arena: FuzzArena, methods: [MethodInfo]
  ) -> FuzzBatchExpectation {
    let header = headerErrnos(fuzzCase, batch, layout: layout, arena: arena)
    guard header.isEmpty else { return FuzzBatchExpectation(headerErrnos: header, entries: []) }
    var entries: [Entry] = []
    var structBytes: UInt64 = 0
    for index in 0..<Int(batch.count) {
      guard index < batch.entries.count else {
        // Past the entries laid out, the next lies in the guard page, or
        // starts in the few bytes before it (whatever an earlier case left
        // there): it cannot be read whole, and its size, when it can be
        // read, is refused or asks for more than there is.
        let readable = arena.batchCalls.contains(layout.entry(index), count: 4)
        entries.append(.stops(readable ? [.badAddress, .invalidArgument, .argListTooLong] : [.badAddress]))
        break
      }
      let entry = batch.entries[index]
      let address = layout.entry(index)
      var memory = FuzzExecutor.Layout(entry, arena: arena).memory(arena: arena)
      memory.headerSizeReadable = arena.batchCalls.contains(address, count: 4)
      memory.headerReadable = arena.batchCalls.contains(
        address, count: max(4, min(Int(entry.size), 4096)))
      // An entry is a call, whose rules no memory type enters.
      let single = ABIExpectation.of(
        entry.shape(memory: memory), methods: methods, memoryTypeCount: 0)
      let malformed = !single.errnos.isEmpty && !single.mayReturnZero
      // The batch's own rules, after the entry is read: its size must be
      // call_size (a longer one is read whole, into the next entry or the
      // guard page), and the struct bytes must stay under the bound.
      var own: Set<Errno> = []
      if entry.size != batch.callSize {
        own.insert(.invalidArgument)
        if entry.size > batch.callSize { own.formUnion([.argListTooLong, .badAddress]) }
      } else {
        structBytes += UInt64(entry.structInput.count) + UInt64(entry.structOutput.count)
        if structBytes > UInt64(UCB_BATCH_BYTES_MAX) { own.insert(.argListTooLong) }
      }
      if malformed || !own.isEmpty {
        entries.append(.stops(malformed ? single.errnos.union(own) : own))
        break
      }
      entries.append(.runs(single))
    }
    return FuzzBatchExpectation(headerErrnos: [], entries: entries)
  }

  /// The errnos the batch's header alone calls for, as
  /// ``ABIExpectation`` works them out for a single call's header.
  private static func headerErrnos(
    _ fuzzCase: FuzzCase, _ batch: FuzzBatch, layout: FuzzExecutor.BatchLayout, arena: FuzzArena
  ) -> Set<Errno> {
    guard arena.header.contains(layout.header, count: 4) else { return [.badAddress] }
    if fuzzCase.size < fuzzCase.request.structSize { return [.invalidArgument] }
    if fuzzCase.size > 4096 { return [.argListTooLong] }
    var errnos: Set<Errno> = []
    if !arena.header.contains(layout.header, count: Int(fuzzCase.size)) { errnos.insert(.badAddress) }
    if fuzzCase.hasNonZeroTail { errnos.insert(.argListTooLong) }
    if batch.flags & ~UCB_BATCH_STOP_ON_ERROR != 0 || batch.reserved != 0
      || batch.count > UInt32(UCB_BATCH_MAX_CALLS)
      || !(UInt32(UCB_CALL_SIZE_VER0)...4096).contains(batch.callSize)
    {
      errnos.insert(.invalidArgument)
    }
    return errnos
  }
}

extension FuzzExecutor {
  /// Where a batch's header and entries lie.
  struct BatchLayout {
    var header: UInt
    var headerBytes: Int
    var calls: UInt
    var stride: Int

    init(_ fuzzCase: FuzzCase, _ batch: FuzzBatch, arena: FuzzArena) {
      let known = fuzzCase.request.structSize
      let size = Int(fuzzCase.size)
      headerBytes = (known...4096).contains(size) ? size : known
      header = fuzzCase.header.address(in: arena.header, count: headerBytes)
      stride = batch.stride
      calls = batch.entriesPlacement.address(
        in: arena.batchCalls, count: stride * batch.entries.count)
    }

    /// The address of entry `index`.
    func entry(_ index: Int) -> UInt { calls &+ UInt(index * stride) }
  }

  /// What `completed` and each entry's `result` hold before the ioctl.
  private static let batchSentinel: UInt32 = 0x5a5a_5a5a

  /// Runs a batch case: lays its header, entries and their buffers out,
  /// makes the ioctl, and checks the outcome, `completed` and every
  /// entry against ``FuzzBatchExpectation``.  The entries' buffers share
  /// the arena's regions, so later entries' outputs overwrite earlier
  /// ones: their contents are not checked, only the header, the entries
  /// and the counts.
  func executeBatch(_ fuzzCase: FuzzCase, _ batch: FuzzBatch, watchdog: Watchdog) -> FuzzResult {
    let layout = BatchLayout(fuzzCase, batch, arena: arena)
    var entryImages: [[UInt8]] = []
    for entry in batch.entries {
      let entryLayout = Layout(entry, arena: arena)
      var call = ucb_call()
      call.size = entry.size
      call.selector = entry.selector
      call.flags = entry.flags
      call.scalar_in_count = entry.scalarInput.count
      call.struct_in_size = entry.structInput.count
      call.result = Self.batchSentinel
      call.scalar_out_count = entry.scalarOutput.count
      call.struct_out_size = entry.structOutput.count
      call.scalar_in = UInt64(entryLayout.scalarInput)
      call.struct_in = UInt64(entryLayout.structInput)
      call.scalar_out = UInt64(entryLayout.scalarOutput)
      call.struct_out = UInt64(entryLayout.structOutput)
      var image = [UInt8](repeating: 0, count: layout.stride)
      withUnsafeBytes(of: call) { bytes in
        for i in 0..<min(bytes.count, image.count) { image[i] = bytes[i] }
      }
      if case .nonZero(let offset) = entry.tail, entry.hasNonZeroTail,
        entry.request.structSize + offset < image.count
      {
        image[entry.request.structSize + offset] = 0x01
      }
      entryImages.append(image)
      let scalarBytes = entry.scalarValues.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }
      arena.write(scalarBytes, at: entryLayout.scalarInput, in: arena.scalarInput)
    }
    let calls = entryImages.flatMap { $0 }
    arena.write(calls, at: layout.calls, in: arena.batchCalls)

    var header = [UInt8](repeating: 0, count: layout.headerBytes)
    var fields = ucb_batch()
    fields.size = fuzzCase.size
    fields.flags = batch.flags
    fields.count = batch.count
    fields.call_size = batch.callSize
    fields.calls = UInt64(layout.calls)
    fields.completed = Self.batchSentinel
    fields.reserved = batch.reserved
    withUnsafeBytes(of: fields) { bytes in
      for i in 0..<min(bytes.count, header.count) { header[i] = bytes[i] }
    }
    if case .nonZero(let offset) = fuzzCase.tail, fuzzCase.hasNonZeroTail {
      header[fuzzCase.request.structSize + offset] = 0x01
    }
    header += Array(repeating: FuzzArena.canary, count: Self.slack)
    arena.write(header, at: layout.header, in: arena.header)

    watchdog.begin(fuzzCase)
    let returned = Result { () throws(UCBridgeError) in
      try connection.rawIoctl(ucb_ioc_call_batch, UnsafeMutableRawPointer(bitPattern: layout.header))
    }
    watchdog.end()

    let headerAfter = arena.read(like: header, at: layout.header, in: arena.header)
    let callsAfter = arena.read(like: calls, at: layout.calls, in: arena.batchCalls)
    let expected = FuzzBatchExpectation.of(
      fuzzCase, batch, layout: layout, arena: arena, methods: methods)
    var check = BatchCheck(
      fuzzCase: fuzzCase, batch: batch, stride: layout.stride,
      header: header, headerAfter: headerAfter, calls: calls, callsAfter: callsAfter)
    let outcome = check.outcome(of: returned, expected: expected)
    return FuzzResult(outcome: outcome, problems: check.problems)
  }
}

/// The checks of one batch case.
struct BatchCheck {
  let fuzzCase: FuzzCase
  let batch: FuzzBatch
  let stride: Int
  let header: [UInt8]
  let headerAfter: [UInt8]
  let calls: [UInt8]
  let callsAfter: [UInt8]
  var problems: [String] = []

  private static let sentinel: UInt32 = 0x5a5a_5a5a
  private static let completedOffset = MemoryLayout<ucb_batch>.offset(of: \.completed)!
  private static let resultOffset = MemoryLayout<ucb_call>.offset(of: \.result)!

  /// How the ioctl ended, checked against the expectation, with
  /// `completed`, the header and every entry.
  mutating func outcome(
    of returned: Result<Void, UCBridgeError>, expected: FuzzBatchExpectation
  ) -> IoctlOutcome {
    let outcome: IoctlOutcome
    var error: Errno?
    switch returned {
    case .success: outcome = .succeeded
    case .failure(.errno(let errno)):
      outcome = .failed(errno)
      error = errno
      if !ABIExpectation.documentedErrnos(for: .callBatch).contains(errno) {
        problems.append("\(errno.explanation) is not an errno ucbridge documents for UCB_IOC_CALL_BATCH")
      }
    case .failure(let other):
      problems.append("the raw ioctl threw \(other)")
      return .failed(.ioError)
    }

    // Only completed of the header may change, and only for a
    // well-formed header.
    let completedBytes = Self.completedOffset..<Self.completedOffset + 4
    let headerChanged = header.indices.filter { header[$0] != headerAfter[$0] }
    if headerChanged.contains(where: { !completedBytes.contains($0) }) {
      problems.append("the driver wrote header bytes other than completed")
    }

    if !expected.headerErrnos.isEmpty {
      if let error {
        if !expected.headerErrnos.contains(error) {
          problems.append("got \(error.name), expected \(Self.names(expected.headerErrnos))")
        }
      } else {
        problems.append("a malformed batch succeeded, expected \(Self.names(expected.headerErrnos))")
      }
      if !headerChanged.isEmpty { problems.append("a malformed batch wrote completed") }
      if calls != callsAfter { problems.append("a malformed batch wrote its entries") }
      return outcome
    }

    guard headerAfter.count >= completedBytes.upperBound else { return outcome }
    let completed = headerAfter.withUnsafeBytes {
      $0.loadUnaligned(fromByteOffset: Self.completedOffset, as: UInt32.self)
    }
    if completed == Self.sentinel {
      problems.append("completed was not written")
      return outcome
    }
    guard completed <= batch.count, Int(completed) <= expected.entries.count else {
      problems.append("completed \(completed), but at most \(expected.entries.count) entries can run")
      return outcome
    }

    // The entries that ran.
    var lastResult: UInt32?
    for index in 0..<Int(completed) {
      guard case .runs(let single) = expected.entries[index] else {
        problems.append("entry \(index) ran, but must have stopped the batch")
        return outcome
      }
      guard index < batch.entries.count else { break }
      let call = entry(index, after: true)
      lastResult = call.result
      if call.result == Self.sentinel {
        problems.append("entry \(index) ran but has no result")
      } else if let results = single.results, !results.contains(IOReturn(rawValue: call.result)) {
        problems.append(
          "entry \(index): got \(IOReturn(rawValue: call.result).name), expected \(results.map(\.name).sorted().joined(separator: " or "))")
      }
      let room = batch.entries[index]
      if call.result == UCB_IORETURN_SUCCESS {
        if call.scalar_out_count > room.scalarOutput.count || call.struct_out_size > room.structOutput.count {
          problems.append("entry \(index): output counts above its room")
        }
      } else if call.scalar_out_count != 0 || call.struct_out_size != 0 {
        problems.append("entry \(index): non-success result with non-zero output counts")
      }
      if !onlyWriteBack(index) {
        problems.append("entry \(index): bytes other than result and the output counts written")
      }
      if batch.flags & UCB_BATCH_STOP_ON_ERROR != 0, call.result != UCB_IORETURN_SUCCESS,
        index + 1 < Int(completed)
      {
        problems.append("entry \(index) failed with stop on error, but the batch went on")
      }
    }
    // The entries that did not run.
    for index in Int(completed)..<batch.entries.count where !unchanged(index) {
      problems.append("entry \(index) did not run but was written")
      break
    }

    // Why the batch ended where it did.
    let stoppedOnError = batch.flags & UCB_BATCH_STOP_ON_ERROR != 0 && completed > 0
      && lastResult.map { $0 != UCB_IORETURN_SUCCESS } == true
    if let error {
      guard Int(completed) < expected.entries.count else {
        problems.append("got \(error.name) after every entry ran")
        return outcome
      }
      switch expected.entries[Int(completed)] {
      case .stops(let errnos) where !errnos.contains(error):
        problems.append("entry \(completed): got \(error.name), expected \(Self.names(errnos))")
      case .runs(let single) where !single.errnos.contains(error):
        problems.append("entry \(completed): got \(error.name), expected it to run")
      default:
        break
      }
      if stoppedOnError { problems.append("the batch stopped on error but failed with \(error.name)") }
    } else if completed < batch.count && !stoppedOnError {
      let why: String
      if Int(completed) < expected.entries.count, case .stops(let errnos) = expected.entries[Int(completed)] {
        why = "expected \(Self.names(errnos)) at entry \(completed)"
      } else {
        why = "with no error and no stop on error"
      }
      problems.append("the batch ended after \(completed) of \(batch.count) entries, \(why)")
    }
    return outcome
  }

  private func entry(_ index: Int, after: Bool) -> ucb_call {
    (after ? callsAfter : calls).withUnsafeBytes {
      $0.loadUnaligned(fromByteOffset: index * stride, as: ucb_call.self)
    }
  }

  private func unchanged(_ index: Int) -> Bool {
    let range = index * stride..<(index + 1) * stride
    return calls[range] == callsAfter[range]
  }

  private func onlyWriteBack(_ index: Int) -> Bool {
    let base = index * stride
    let writeBack = base + Self.resultOffset..<base + Self.resultOffset + 12
    return (base..<base + stride).allSatisfy { writeBack.contains($0) || calls[$0] == callsAfter[$0] }
  }

  private static func names(_ errnos: Set<Errno>) -> String {
    errnos.map(\.name).sorted().joined(separator: " or ")
  }
}
