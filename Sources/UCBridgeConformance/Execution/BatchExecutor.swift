import CUCBridge
@_spi(RawIoctl) import UCBridge
import UCBridgeTestSupport

/// One entry of a batch case: a `struct ucb_call` as the batch carries it.
struct BatchEntry: Sendable {
  var selector: UInt32
  var scalarInput: [UInt64] = []
  var structInput: Bytes = .empty
  var scalarOutputRoom = 0
  var structOutputRoom = 0
  /// Where the struct input goes.
  var structInputPlacement: Placement = .aligned
  /// The entry's `size`; the batch's `call_size` when nil.
  var size: UInt32?
  /// The entry's `flags`.
  var flags: UInt32 = 0
  /// A byte of the entry past the first version's 64, made non-zero.
  var nonZeroTailByte: Int?
  /// A `scalar_in_count` other than the scalars' count (with no scalars
  /// behind it past them).
  var scalarInCount: UInt32?
  /// Struct sizes the entry claims with no memory behind them (pointers
  /// 0), for calls refused before their buffers are read.
  var claimedStructInSize: UInt32?
  var claimedStructOutRoom: UInt32?
  /// Whether the struct output goes into the next entry's `selector` (so
  /// that the next entry runs what this one wrote).
  var structOutputIntoNextSelector = false

  static func noop() -> BatchEntry { BatchEntry(selector: ReferenceTable.noop) }
}

/// Where a batch case puts its entries.
enum BatchEntriesPlacement: Hashable, Sendable {
  /// In read-write memory.
  case normal
  /// At a fixed address, such as 0, where nothing can be read.
  case address(UInt64)
  /// In read-write memory up to this byte of the array, the rest in a
  /// `PROT_NONE` guard page.
  case readableBytes(Int)
}

/// A `struct ucb_batch` and its entries, for the raw ioctl.
struct BatchPlan: Sendable {
  var entries: [BatchEntry]
  /// `size`; `UCB_BATCH_SIZE_VER0` by default.
  var size = UInt32(UCB_BATCH_SIZE_VER0)
  /// A byte of the header past the first version's 32, made non-zero.
  var nonZeroTailByte: Int?
  var flags: UInt32 = 0
  /// `count`; the entries' count when nil.
  var count: UInt32?
  var callSize = UInt32(UCB_CALL_SIZE_VER0)
  var reserved: UInt32 = 0
  /// Where the header goes: `.readOnly` lets the driver read it but not
  /// write `completed`.
  var headerPlacement: Placement = .aligned
  var entriesPlacement: BatchEntriesPlacement = .normal
  /// What `completed` must say after the ioctl; nil when it must not be
  /// written (a malformed header, or one the driver cannot write).
  var completed: UInt32?
  /// The result each entry that ran must have, when checked.
  var results: [IOReturn]?
}

/// Makes one batch through the raw ioctl SPI and checks what the ABI
/// promises of any batch: only `completed` of the header is written, and
/// only when the header was well formed; the entries that ran get their
/// result and output counts, nothing else of them changes; the entries
/// that did not run, and their outputs, are untouched; each ran entry's
/// output is written only up to its counts, and only on success.
///
/// What it records: `completed` (the canary 0xffffffff when not written),
/// then each entry's result and two output counts, then each successful
/// entry's output scalars; the output structs of successful entries, one
/// after another.
struct BatchExecutor {
  static let canary: UInt8 = 0xa5
  static let completedCanary: UInt32 = 0xffff_ffff

  let connection: Connection

  func execute(_ plan: BatchPlan) throws(ConformanceError) -> Observation {
    // A call_size the driver refuses before reading the array is laid out
    // as the first version's, so that 0xffffffff maps no gigabytes.
    let callSize = plan.callSize > 4096 ? MemoryLayout<ucb_call>.size : Int(plan.callSize)
    let slots = plan.entries.count
    let arrayBytes = callSize * slots

    // The entries' array.
    let array: PlacedBuffer
    switch plan.entriesPlacement {
    case .normal: array = try PlacedBuffer(count: arrayBytes, placement: .aligned)
    case .address(let address): array = try PlacedBuffer(count: arrayBytes, placement: .address(address))
    case .readableBytes(let readable):
      array = try PlacedBuffer(
        count: arrayBytes, placement: .overrunningGuard(by: arrayBytes - readable))
    }

    // Each entry's buffers, and its image.
    var buffers: [[PlacedBuffer]] = []
    var rooms: [(scalarOut: PlacedBuffer, structOut: PlacedBuffer)] = []
    for (index, entry) in plan.entries.enumerated() {
      let scalarIn = try PlacedBuffer(count: entry.scalarInput.count * 8, placement: .aligned)
      scalarIn.bytes.withMemoryRebound(to: UInt64.self) { words in
        for (i, value) in entry.scalarInput.enumerated() { words[i] = value.littleEndian }
      }
      let structIn = try PlacedBuffer(count: entry.structInput.count, placement: entry.structInputPlacement)
      entry.structInput.write(to: structIn.bytes)
      let scalarOut = try PlacedBuffer(count: entry.scalarOutputRoom * 8, placement: .aligned)
      scalarOut.fill(Self.canary)
      let structOut = try PlacedBuffer(count: entry.structOutputRoom, placement: .aligned)
      structOut.fill(Self.canary)
      buffers.append([scalarIn, structIn, scalarOut, structOut])
      rooms.append((scalarOut, structOut))

      var call = ucb_call()
      call.size = entry.size ?? plan.callSize
      call.selector = entry.selector
      call.flags = entry.flags
      call.scalar_in_count = entry.scalarInCount ?? UInt32(entry.scalarInput.count)
      call.struct_in_size = entry.claimedStructInSize ?? UInt32(entry.structInput.count)
      call.result = UInt32(Self.completedCanary)
      call.scalar_out_count = UInt32(entry.scalarOutputRoom)
      call.struct_out_size = entry.claimedStructOutRoom ?? UInt32(entry.structOutputRoom)
      call.scalar_in = entry.scalarInput.isEmpty ? 0 : scalarIn.address
      call.struct_in = entry.claimedStructInSize != nil ? 0 : structIn.address
      call.scalar_out = entry.scalarOutputRoom == 0 ? 0 : scalarOut.address
      call.struct_out = entry.claimedStructOutRoom != nil || entry.structOutputRoom == 0
        ? 0 : structOut.address
      if entry.structOutputIntoNextSelector {
        call.struct_out = array.address + UInt64((index + 1) * callSize)
          + UInt64(MemoryLayout<ucb_call>.offset(of: \.selector)!)
      }
      var image = [UInt8](repeating: 0, count: callSize)
      withUnsafeBytes(of: &call) { header in
        for i in 0..<min(header.count, image.count) { image[i] = header[i] }
      }
      if let byte = entry.nonZeroTailByte, byte < image.count { image[byte] = 0x5a }
      let start = index * callSize
      for i in 0..<image.count where start + i < array.bytes.count {
        array.bytes[start + i] = image[i]
      }
    }

    // The header.
    let headerBytes = max(Int(plan.size), MemoryLayout<ucb_batch>.size)
    let header = try PlacedBuffer(count: headerBytes, placement: plan.headerPlacement)
    var batch = ucb_batch()
    batch.size = plan.size
    batch.flags = plan.flags
    batch.count = plan.count ?? UInt32(slots)
    batch.call_size = plan.callSize
    batch.calls = array.address
    batch.completed = Self.completedCanary
    batch.reserved = plan.reserved
    if header.bytes.count > 0 {
      header.bytes.initializeMemory(as: UInt8.self, repeating: 0)
      withUnsafeBytes(of: &batch) {
        header.bytes.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0.prefix(header.bytes.count)))
      }
      if let byte = plan.nonZeroTailByte, byte < header.bytes.count { header.bytes[byte] = 0x5a }
      header.slack.initializeMemory(as: UInt8.self, repeating: Self.canary)
    }
    if plan.headerPlacement == .readOnly { try header.makeReadOnly() }
    let headerBefore = header.snapshot
    let arrayBefore = array.snapshot

    var observation: Observation
    do {
      try connection.rawIoctl(ucb_ioc_call_batch, header.pointer)
      observation = Observation(outcome: .succeeded)
    } catch {
      observation = Observation(outcome: try Observation(thrown: error).outcome)
    }

    // completed, and the rest of the header.
    let completedOffset = MemoryLayout<ucb_batch>.offset(of: \.completed)!
    let completed = header.bytes.count >= completedOffset + 4
      ? header.bytes.loadUnaligned(fromByteOffset: completedOffset, as: UInt32.self)
      : Self.completedCanary
    let headerAfter = header.snapshot
    if headerAfter.indices.contains(where: {
      !(completedOffset..<completedOffset + 4).contains($0) && headerAfter[$0] != headerBefore[$0]
    }) {
      observation.problems.append("the driver wrote header bytes other than completed")
    }
    if completed != plan.completed ?? Self.completedCanary {
      observation.problems.append(
        plan.completed.map { "completed is \(completed), not \($0)" }
          ?? "completed was written (\(completed)) though it must not be")
    }
    let ran = completed == Self.completedCanary ? nil : Int(completed)
    if let ran, ran > slots {
      observation.problems.append("completed \(ran) is more than the \(slots) entries")
    }
    var scalars: [UInt64] = [UInt64(completed)]
    var structs: [UInt8] = []

    // The entries.
    let resultOffset = MemoryLayout<ucb_call>.offset(of: \.result)!
    let writeBack = resultOffset..<resultOffset + 12
    let readOnlyHeader = plan.headerPlacement == .readOnly
    for index in 0..<slots {
      let start = index * callSize
      guard start + MemoryLayout<ucb_call>.size <= array.bytes.count else { break }
      let call = array.bytes.loadUnaligned(fromByteOffset: start, as: ucb_call.self)
      scalars += [UInt64(call.result), UInt64(call.scalar_out_count), UInt64(call.struct_out_size)]
      // A batch whose completed cannot be written still runs its entries.
      let didRun = readOnlyHeader || ran.map { index < $0 } ?? false
      let consumed = index > 0 && plan.entries[index - 1].structOutputIntoNextSelector
      for offset in 0..<callSize where start + offset < array.bytes.count {
        let changed = array.bytes[start + offset] != arrayBefore[start + offset]
        let allowed = didRun && writeBack.contains(offset)
          || consumed && (4..<8).contains(offset)
        if changed && !allowed {
          observation.problems.append(
            didRun ? "entry \(index): bytes other than result and the output counts written"
              : "entry \(index) did not run but was written")
          break
        }
      }
      let (scalarOut, structOut) = rooms[index]
      if didRun, call.result == UCB_IORETURN_SUCCESS {
        let scalarCount = Int(call.scalar_out_count), structSize = Int(call.struct_out_size)
        guard scalarCount * 8 <= scalarOut.bytes.count,
          structSize <= structOut.bytes.count || plan.entries[index].structOutputIntoNextSelector
        else {
          observation.problems.append("entry \(index): output counts above its room")
          continue
        }
        scalars += (0..<scalarCount).map {
          UInt64(littleEndian: scalarOut.bytes.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))
        }
        if !plan.entries[index].structOutputIntoNextSelector {
          structs += structOut.bytes[..<structSize]
        }
        if !scalarOut.untouched(from: scalarCount * 8, value: Self.canary)
          || !structOut.untouched(from: structSize, value: Self.canary)
        {
          observation.problems.append("entry \(index): output written past its counts")
        }
      } else {
        if !scalarOut.untouched(value: Self.canary) || !structOut.untouched(value: Self.canary) {
          observation.problems.append("entry \(index): output written though it did not succeed")
        }
        if didRun, call.scalar_out_count != 0 || call.struct_out_size != 0 {
          observation.problems.append("entry \(index): non-success result with non-zero output counts")
        }
      }
    }
    if let expected = plan.results {
      let got = (0..<min(expected.count, slots)).map {
        IOReturn(rawValue: array.bytes.loadUnaligned(
          fromByteOffset: $0 * callSize + resultOffset, as: UInt32.self))
      }
      if got != Array(expected.prefix(got.count)) {
        observation.problems.append(
          "results \(got.map(\.name).joined(separator: ",")), not \(expected.map(\.name).joined(separator: ","))")
      }
    }
    withExtendedLifetime(buffers) {}
    observation.scalars = scalars
    observation.structOutput = structs
    return observation
  }
}
