#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CUCBridge
import SystemPackage
@_spi(RawIoctl) import UCBridge
import UCBridgeTestSupport

/// The `struct ucb_async_call` of a `UCB_IOC_CALL_ASYNC` fuzz case; the
/// call it points to is the case's own header and buffers.
struct FuzzAsync: Hashable, Sendable, CustomStringConvertible {
  /// Its `size` field.
  var size = UInt32(UCB_ASYNC_CALL_SIZE_VER0)
  /// What lies past the known structure, up to `size`.
  var tail = FuzzCase.Tail.zero
  /// Its `flags` field.
  var flags: UInt32 = 0
  /// Where it lies.
  var placement: Placement = .aligned
  /// Where its `call` pointer points instead of the case's header; nil
  /// for the header.
  var callPointer: Placement?
  /// The first reference word; the others are it plus their index, so
  /// that a completion carrying any other shows.
  var reference: UInt64 = 0

  /// The known structure's size.
  static let knownSize = MemoryLayout<ucb_async_call>.size

  /// The reference words.
  var referenceWords: [UInt64] {
    (0..<UInt64(UCB_ASYNC_REFERENCE_WORDS)).map { reference &+ $0 }
  }

  /// Whether the bytes past the known structure hold a non-zero byte.
  var hasNonZeroTail: Bool {
    if case .nonZero = tail { return Int(size) > Self.knownSize }
    return false
  }

  /// Bytes of it written: the known structure, and the tail up to a
  /// `size` of at most 4096.
  var bytes: Int { (Self.knownSize...4096).contains(Int(size)) ? Int(size) : Self.knownSize }

  var description: String {
    "async header \(placement), size \(size)\(hasNonZeroTail ? " with a non-zero tail" : ""), "
      + "flags 0x\(String(flags, radix: 16)), call pointer \(callPointer.map(\.description) ?? "to the call"), "
      + "reference 0x\(String(reference, radix: 16))"
  }
}

/// Which call a `UCB_IOC_CANCEL` fuzz case names.
enum FuzzCancelTarget: Hashable, Sendable, CustomStringConvertible {
  /// The id of the last call the run saw accepted (0 before any).
  case lastAccepted
  /// Any number.
  case id(UInt64)

  var description: String {
    switch self {
    case .lastAccepted: return "the last accepted call's id"
    case .id(let id): return "id \(id)"
    }
  }
}

/// The events of a run: every accepted call must complete exactly once,
/// and notifications come in order.  Fed by every read the executor makes.
final class FuzzEvents {
  /// Calls accepted and not yet completed, by id.
  private(set) var pending: Set<UInt64> = []
  /// The last accepted call's id.
  private(set) var lastAccepted: UInt64 = 0
  /// The last notification's id.
  private var lastNotification: UInt64 = 0
  /// Submissions that failed with `EFAULT` after their method may have
  /// accepted them (the driver could not write the call or its id back):
  /// each may still complete, with an id the run never saw.
  private var unseenAcceptances = 0

  /// Notes a submission that may have been accepted unseen.
  func mayHaveBeenAccepted() {
    unseenAcceptances += 1
  }

  /// Notes an accepted call.
  ///
  /// - Returns: A problem when its id is one still pending.
  func accepted(_ id: UInt64) -> [String] {
    lastAccepted = id
    return pending.insert(id).inserted ? [] : ["call id \(id) given while a call of that id is pending"]
  }

  /// Takes records read.
  ///
  /// - Returns: What was wrong with them.
  func received(_ records: UnsafeRawBufferPointer) -> [String] {
    var problems: [String] = []
    let size = MemoryLayout<ucb_event>.size
    for offset in stride(from: 0, to: records.count - size + 1, by: size) {
      let event = records.loadUnaligned(fromByteOffset: offset, as: ucb_event.self)
      switch event.type {
      case UInt32(UCB_EVENT_COMPLETION):
        if pending.remove(event.id) == nil {
          if event.id > lastAccepted && unseenAcceptances > 0 {
            unseenAcceptances -= 1
            lastAccepted = event.id
          } else {
            problems.append("a completion for id \(event.id), which no pending call has")
          }
        }
        if event.arg_count > UInt32(UCB_MAX_SCALARS) {
          problems.append("a completion with \(event.arg_count) args")
        }
      case UInt32(UCB_EVENT_NOTIFICATION):
        if event.id <= lastNotification {
          problems.append("notification \(event.id) after notification \(lastNotification)")
        }
        lastNotification = event.id
      default:
        problems.append("an event of type \(event.type)")
      }
    }
    return problems
  }
}

extension FuzzExecutor {
  /// Bytes of event room a read case may get, at most.
  static let maxEventRoom = 4 * MemoryLayout<ucb_event>.size

  /// Cases between two reads of every event waiting: between them events
  /// pile up, for the read cases to find.
  static let drainInterval = 8

  /// Reads every event waiting after every ``drainInterval``th case.
  ///
  /// - Returns: What was wrong with them.
  func settle(after fuzzCase: FuzzCase) -> [String] {
    fuzzCase.index % Self.drainInterval == Self.drainInterval - 1 ? drainEvents() : []
  }

  /// Reads every event waiting, without waiting.
  ///
  /// - Returns: What was wrong with them.
  func drainEvents() -> [String] {
    let room = Self.maxEventRoom
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: room, alignment: 8)
    defer { buffer.deallocate() }
    var problems: [String] = []
    while case .success(let count) = connection.readEvents(into: buffer), count > 0 {
      problems += events.received(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
    }
    return problems
  }

  /// Ends a run: cancels the calls still pending and waits, with poll(2)
  /// and a generous timeout, for each to complete; then reads what
  /// notifications still come, until none has for a while, so that the
  /// run leaves no event queued (live_buffers 0).
  ///
  /// - Returns: A problem for each accepted call that never completed.
  func finishEvents() -> [String] {
    var problems = drainEvents()
    for id in events.pending.sorted() {
      _ = try? cancel(id)
    }
    while !events.pending.isEmpty, waitForEvent(milliseconds: 10_000) {
      problems += drainEvents()
    }
    problems += events.pending.sorted().map { "call id \($0) was accepted but never completed" }
    while waitForEvent(milliseconds: 200) {
      problems += drainEvents()
    }
    return problems
  }

  /// Whether poll(2) says an event waits within `milliseconds`.
  private func waitForEvent(milliseconds: Int32) -> Bool {
    guard let descriptor = connection.eventDescriptor else { return false }
    var entry = pollfd(fd: descriptor.rawValue, events: Int16(POLLIN), revents: 0)
    return poll(&entry, 1, milliseconds) == 1 && entry.revents & Int16(POLLIN) != 0
  }

  /// `UCB_IOC_CANCEL` of a well-formed `struct ucb_cancel`.
  private func cancel(_ id: UInt64) throws(UCBridgeError) {
    var cancel = ucb_cancel()
    cancel.size = UInt32(UCB_CANCEL_SIZE_VER0)
    cancel.id = id
    try connection.rawIoctl(ucb_ioc_cancel, &cancel)
  }

  /// The `struct ucb_async_call` of a case, pointing at `call`.
  func asyncHeaderImage(_ async: FuzzAsync, call: UInt) -> [UInt8] {
    var header = ucb_async_call()
    header.size = async.size
    header.flags = async.flags
    header.call = UInt64(call)
    withUnsafeMutableBytes(of: &header.reference) { words in
      for (index, word) in async.referenceWords.enumerated() {
        words.storeBytes(of: word, toByteOffset: index * 8, as: UInt64.self)
      }
    }
    header.id = Self.idSentinel
    var image = withUnsafeBytes(of: header, Array.init)
    image += [UInt8](repeating: 0, count: async.bytes - image.count)
    if case .nonZero(let offset) = async.tail, async.hasNonZeroTail {
      image[FuzzAsync.knownSize + offset] = 0x01
    }
    return image
  }

  /// What `id` holds before a `UCB_IOC_CALL_ASYNC`.
  static let idSentinel: UInt64 = 0x5a5a_5a5a_5a5a_5a5a

  /// Checks what a `UCB_IOC_CALL_ASYNC` wrote into its own header: only
  /// `id`, and that only for an accepted call; notes an accepted call.
  func asyncHeaderWritten(_ outcome: IoctlOutcome, before: [UInt8], after: [UInt8]) -> [String] {
    let idOffset = MemoryLayout<ucb_async_call>.offset(of: \.id)!
    let idBytes = idOffset..<idOffset + 8
    var problems: [String] = []
    if let byte = before.indices.first(where: { !idBytes.contains($0) && before[$0] != after[$0] }) {
      problems.append("changed byte \(byte) of the struct ucb_async_call")
    }
    let id = after.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: idOffset, as: UInt64.self) }
    if outcome == .dispatched(.success) {
      problems += events.accepted(id)
    } else if id != Self.idSentinel {
      problems.append("wrote id \(id) for a call that was not accepted (\(outcome.name))")
    }
    return problems
  }

  /// Runs a `UCB_IOC_CANCEL` case.
  func executeCancel(_ fuzzCase: FuzzCase, target: FuzzCancelTarget, watchdog: Watchdog) -> FuzzResult {
    let layout = Layout(fuzzCase, arena: arena)
    var image = [UInt8](repeating: 0, count: layout.headerBytes)
    let id: UInt64
    switch target {
    case .lastAccepted: id = events.lastAccepted
    case .id(let value): id = value
    }
    image.withUnsafeMutableBytes { bytes in
      var cancel = ucb_cancel()
      cancel.size = fuzzCase.size
      cancel.flags = fuzzCase.flags
      cancel.id = id
      withUnsafeBytes(of: cancel) { bytes.copyMemory(from: $0) }
    }
    if case .nonZero(let offset) = fuzzCase.tail, fuzzCase.hasNonZeroTail {
      image[fuzzCase.request.structSize + offset] = 0x01
    }
    let header = image + Array(repeating: FuzzArena.canary, count: Self.slack)
    arena.write(header, at: layout.header, in: arena.header)
    watchdog.begin(fuzzCase)
    let returned = Result { () throws(UCBridgeError) in
      try connection.rawIoctl(ucb_ioc_cancel, UnsafeMutableRawPointer(bitPattern: layout.header))
    }
    watchdog.end()
    let after = arena.read(like: header, at: layout.header, in: arena.header)
    var check = Check(fuzzCase: fuzzCase, layout: layout, header: header, after: after)
    let outcome = check.outcome(of: returned, expected: ABIExpectation.of(
      fuzzCase.shape(memory: layout.memory(arena: arena)), methods: methods,
      memoryTypeCount: memoryTypes.count))
    check.headerUnchanged()
    return FuzzResult(outcome: outcome, problems: check.problems + settle(after: fuzzCase))
  }

  /// Runs a read(2) case: `size` bytes of room at the case's header
  /// placement, in the events region.
  func executeRead(_ fuzzCase: FuzzCase, watchdog: Watchdog) -> FuzzResult {
    let room = Int(fuzzCase.size)
    let region = arena.events
    let address = fuzzCase.header.address(in: region, count: room)
    arena.fillCanary(at: address, count: room + Self.slack, in: region)
    watchdog.begin(fuzzCase)
    let returned = connection.readEvents(
      into: UnsafeMutableRawBufferPointer(start: UnsafeMutableRawPointer(bitPattern: address), count: room))
    watchdog.end()
    var shape = IoctlShape(.readEvents, size: room)
    let record = MemoryLayout<ucb_event>.size
    shape.memory.outputsWritable = region.contains(address, count: min(room, record))
    shape.bufferOutsideUserSpace =
      address > userAddressLimit || UInt(room) > userAddressLimit - address
    shape.eventWaiting = nil
    let expected = ABIExpectation.of(shape, methods: methods, memoryTypeCount: memoryTypes.count)
    var problems: [String] = []
    let outcome: IoctlOutcome
    switch returned {
    case .success(let count):
      outcome = .succeeded
      if !expected.mayReturnZero {
        problems.append("read \(count) bytes, expected \(expected.errnos.map(\.name).sorted().joined(separator: " or "))")
      }
      if count % record != 0 || count > room || count == 0 {
        problems.append("read \(count) bytes into room for \(room), not a whole number of records")
      }
      let readable = region.accessibleOffsets(address, count: count).count == count
      if readable {
        problems += events.received(UnsafeRawBufferPointer(
          start: UnsafeRawPointer(bitPattern: address), count: count))
      } else {
        problems.append("read \(count) bytes into memory that cannot hold them")
      }
      // A copy that faulted part way may have written some of the record
      // that ended the read; with all the room writable, none faults.
      if region.contains(address, count: room),
        let byte = arena.firstChangedCanary(at: address + UInt(count), count: room - count + Self.slack, in: region)
      {
        problems.append("wrote byte \(count + byte) of the room after the \(count) bytes it read")
      }
    case .failure(let error):
      outcome = .failed(error)
      if !ABIExpectation.documentedErrnos(for: .readEvents).contains(error) {
        problems.append("\(error) is not an errno ucbridge documents for read(2)")
      } else if !expected.errnos.contains(error) {
        problems.append("got \(error.name), expected \(expected.errnos.map(\.name).sorted().joined(separator: " or "))")
      }
      if let byte = arena.firstChangedCanary(at: address, count: room + Self.slack, in: region),
        error != .badAddress
      {
        problems.append("wrote byte \(byte) of the room on \(error.name)")
      }
    }
    return FuzzResult(outcome: outcome, problems: problems + settle(after: fuzzCase))
  }
}
