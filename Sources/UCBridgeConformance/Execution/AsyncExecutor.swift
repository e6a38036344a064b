#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CUCBridge
import SystemPackage
@_spi(RawIoctl) import UCBridge
import UCBridgeTestSupport

/// The `struct ucb_async_call` of one `UCB_IOC_CALL_ASYNC`, well-formed or
/// not, and where it and its call lie.
struct AsyncHeader: Hashable, Sendable {
  /// Its `size` field.
  var size = UInt32(UCB_ASYNC_CALL_SIZE_VER0)
  /// The bytes past the known structure, up to `size`.
  var tail: HeaderTail = .zero
  /// Its `flags` field.
  var flags: UInt32 = 0
  /// The caller's words the completion must carry back.
  var reference: [UInt64] = AsyncHeader.referenceWords
  /// Where it lies.
  var placement: Placement = .aligned
  /// Where its `call` pointer points: nil for the call's own header, else
  /// this placement instead (NULL, the guard page, the kernel).
  var callPointer: Placement?

  /// What `id` holds before the ioctl; the driver writes it only for an
  /// accepted call.
  static let idBefore: UInt64 = 0x5a5a_5a5a_5a5a_5a5a

  /// Reference words no driver would make up: every word distinct.
  static let referenceWords: [UInt64] = (0..<UInt64(UCB_ASYNC_REFERENCE_WORDS)).map {
    0x0123_4567_89ab_cd00 | $0
  }

  /// Bytes of header memory a case writes.
  var bufferCount: Int {
    let known = MemoryLayout<ucb_async_call>.size
    return (known...4096).contains(Int(size)) ? Int(size) : known
  }

  /// The header's bytes, pointing at `call`.
  func image(call: UInt64) -> [UInt8] {
    var header = ucb_async_call()
    header.size = size
    header.flags = flags
    header.call = call
    withUnsafeMutableBytes(of: &header.reference) { words in
      for (index, word) in reference.enumerated() {
        words.storeBytes(of: word, toByteOffset: index * 8, as: UInt64.self)
      }
    }
    header.id = Self.idBefore
    var image = withUnsafeBytes(of: header, Array.init)
    image += [UInt8](repeating: 0, count: bufferCount - image.count)
    if case .nonZero(let offset) = tail, image.indices.contains(offset) {
      image[offset] = 0x01
    }
    return image
  }
}

/// Async calls, cancels and event reads of the corpus, through the raw
/// ioctl SPI and `Connection.readEvents(into:)`, with what the ABI
/// promises of each checked.
struct AsyncExecutor {
  /// How long a case waits for an event before it calls it missing.  Far
  /// longer than any completion the corpus asks for takes; never recorded.
  static let eventTimeout: Int32 = 10_000

  /// The connection the calls go through.
  let connection: Connection

  /// What one submission came to.
  struct Submitted {
    /// How the ioctl ended.
    var outcome: Outcome
    /// The accepted call's id, as written back.
    var id: UInt64?
    /// What was wrong.
    var problems: [String] = []
  }

  /// Submits a call with `UCB_IOC_CALL_ASYNC`.
  ///
  /// - Parameter request: The call behind the pointer (its header, if
  ///   any, says how that `struct ucb_call` is formed and placed) and its
  ///   `struct ucb_async_call`, well-formed when the request has none.
  /// - Returns: The outcome, the id of an accepted call, and any broken
  ///   promise about what the driver wrote.
  func submit(_ request: CallRequest) throws(ConformanceError) -> Submitted {
    let header = request.async ?? AsyncHeader()
    let buffers = try CallBuffers(request)
    let callShape = request.header ?? .wellFormed
    let call = try PlacedBuffer(count: callShape.bufferCount, placement: callShape.placement)
    callShape.image(of: request, buffers: buffers).withUnsafeBytes {
      call.bytes.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[..<call.bytes.count]))
    }
    if callShape.placement == .readOnly { try call.makeReadOnly() }
    // Mapped until the ioctl returned, so that a guard page stays one.
    let elsewhere = header.callPointer == nil ? nil : try GuardedRegion.forCase()
    defer { withExtendedLifetime(elsewhere) {} }
    let target = elsewhere.map {
      UInt64(header.callPointer!.address(in: $0, count: callShape.bufferCount))
    } ?? call.address
    let argument = try PlacedBuffer(count: header.bufferCount, placement: header.placement)
    header.image(call: target).withUnsafeBytes {
      argument.bytes.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[..<argument.bytes.count]))
    }
    if header.placement == .readOnly { try argument.makeReadOnly() }
    let before = argument.snapshot
    do {
      try connection.rawIoctl(ucb_ioc_call_async, argument.pointer)
    } catch {
      var submitted = Submitted(outcome: try Observation(thrown: error).outcome)
      if argument.snapshot != before {
        submitted.problems.append("the ioctl failed but its struct ucb_async_call was written")
      }
      return submitted
    }
    guard call.bytes.count >= MemoryLayout<ucb_call>.size,
      argument.bytes.count >= MemoryLayout<ucb_async_call>.size
    else {
      return Submitted(outcome: .succeeded, problems: ["the ioctl succeeded on memory it cannot have read"])
    }
    let result = IOReturn(rawValue: call.bytes.loadUnaligned(as: ucb_call.self).result)
    let written = argument.bytes.loadUnaligned(as: ucb_async_call.self)
    var submitted = Submitted(outcome: .dispatched(result))
    let idOffset = MemoryLayout<ucb_async_call>.offset(of: \.id)!
    let after = argument.snapshot
    if after.indices.contains(where: { ($0 < idOffset || $0 >= idOffset + 8) && after[$0] != before[$0] }) {
      submitted.problems.append("the driver wrote struct ucb_async_call bytes other than id")
    }
    if result == .success {
      submitted.id = written.id
    } else if written.id != AsyncHeader.idBefore {
      submitted.problems.append("a refused call's id was written")
    }
    return submitted
  }

  /// Sends `UCB_IOC_CANCEL`.
  ///
  /// - Parameters:
  ///   - id: The call's id.
  ///   - size: The structure's `size` field.
  ///   - flags: Its `flags` field.
  ///   - tail: The bytes past the known structure.
  ///   - placement: Where it lies.
  /// - Returns: `ok` or the errno.
  func cancel(
    _ id: UInt64, size: UInt32 = UInt32(UCB_CANCEL_SIZE_VER0), flags: UInt32 = 0,
    tail: HeaderTail = .zero, placement: Placement = .aligned
  ) throws(ConformanceError) -> Observation {
    let known = MemoryLayout<ucb_cancel>.size
    let count = (known...4096).contains(Int(size)) ? Int(size) : known
    let argument = try PlacedBuffer(count: count, placement: placement)
    var cancel = ucb_cancel()
    cancel.size = size
    cancel.flags = flags
    cancel.id = id
    var image = withUnsafeBytes(of: cancel, Array.init) + [UInt8](repeating: 0, count: count - known)
    if case .nonZero(let offset) = tail, image.indices.contains(offset) { image[offset] = 0x01 }
    image.withUnsafeBytes {
      argument.bytes.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[..<argument.bytes.count]))
    }
    let before = argument.snapshot
    var observation: Observation
    do {
      try connection.rawIoctl(ucb_ioc_cancel, argument.pointer)
      observation = Observation(outcome: .succeeded)
    } catch {
      observation = try Observation(thrown: error)
    }
    if argument.snapshot != before {
      observation.problems.append("UCB_IOC_CANCEL wrote its argument")
    }
    return observation
  }

  /// A pending call whose aborted completion is queued once this returns:
  /// `delayed` for as long as it may wait, cancelled at once (its cancel
  /// completes it before the ioctl returns), so nothing here depends on
  /// timing.
  ///
  /// - Parameter value: The value the call carries.
  /// - Returns: Its id.
  func queueAbortedCompletion(value: UInt64 = 0) throws(ConformanceError) -> UInt64 {
    let submitted = try submit(Self.delayed(microseconds: UInt64(UCB_DELAYED_MAX_DELAY_US), value: value))
    guard submitted.outcome == .success, let id = submitted.id, submitted.problems.isEmpty else {
      throw ConformanceError("a delayed call was not accepted: \(submitted.outcome.name) \(submitted.problems)")
    }
    let cancelled = try cancel(id)
    guard cancelled.outcome == .succeeded else {
      throw ConformanceError("a pending delayed call could not be cancelled: \(cancelled.outcome.name)")
    }
    return id
  }

  /// A `delayed` call.
  static func delayed(microseconds: UInt64, value: UInt64) -> CallRequest {
    CallRequest(selector: ReferenceTable.delayed, scalarInput: [microseconds, value])
  }

  /// One read(2) of events into room for `room` bytes placed so.
  ///
  /// - Returns: The records read, or the errno.
  func read(room: Int, placement: Placement = .aligned) throws(ConformanceError) -> Result<[ucb_event], Errno> {
    let buffer = try PlacedBuffer(count: room, placement: placement)
    if placement == .readOnly { try buffer.makeReadOnly() }
    let bytes = UnsafeMutableRawBufferPointer(start: buffer.pointer, count: room)
    return connection.readEvents(into: bytes).map { count in
      let records = count / MemoryLayout<ucb_event>.size
      return (0..<records).map {
        buffer.bytes.loadUnaligned(fromByteOffset: $0 * MemoryLayout<ucb_event>.size, as: ucb_event.self)
      }
    }
  }

  /// Waits for `count` events with poll(2) and reads them, one read each.
  ///
  /// - Throws: ``ConformanceError`` when one does not come within
  ///   ``eventTimeout`` or a read fails otherwise than with `EAGAIN`.
  func waitForEvents(_ count: Int) throws(ConformanceError) -> [ucb_event] {
    var events: [ucb_event] = []
    while events.count < count {
      switch try read(room: MemoryLayout<ucb_event>.size) {
      case .success(let read):
        events += read
      case .failure(.resourceTemporarilyUnavailable):
        guard pollIn(timeout: Self.eventTimeout) else {
          throw ConformanceError("\(count - events.count) of \(count) events did not come")
        }
      case .failure(let error):
        throw ConformanceError("reading events failed: \(error)")
      }
    }
    return events
  }

  /// Whether poll(2) on the event descriptor says POLLIN within `timeout`
  /// milliseconds.
  func pollIn(timeout: Int32) -> Bool {
    guard let descriptor = connection.eventDescriptor else { return false }
    var entry = pollfd(fd: descriptor.rawValue, events: Int16(POLLIN), revents: 0)
    return poll(&entry, 1, timeout) == 1 && entry.revents & Int16(POLLIN) != 0
  }

  /// The problem when an event waits though none should: a refused call
  /// that completed anyway, or a stray one.
  func nothingQueued() throws(ConformanceError) -> [String] {
    switch try read(room: MemoryLayout<ucb_event>.size) {
    case .failure(.resourceTemporarilyUnavailable): return []
    case .failure(let error): return ["reading the empty queue failed with \(error), not EAGAIN"]
    case .success(let events):
      return events.map { "an unexpected event: \(AsyncExecutor.describe($0))" }
    }
  }

  /// An event as the transcript records it: type, flags, result,
  /// arg_count, selector, dropped, id, the valid args, the reference words.
  static func record(_ event: ucb_event) -> [UInt64] {
    var event = event
    let args = withUnsafeBytes(of: &event.args) { Array($0.bindMemory(to: UInt64.self)) }
    let reference = withUnsafeBytes(of: &event.reference) { Array($0.bindMemory(to: UInt64.self)) }
    return [
      UInt64(event.type), UInt64(event.flags), UInt64(event.result), UInt64(event.arg_count),
      UInt64(event.selector), UInt64(event.dropped), event.id,
    ] + args.prefix(Int(min(event.arg_count, UInt32(args.count)))) + reference
  }

  /// What the ABI promises of any event: the args past arg_count zero, and
  /// the fields of the other kind zero.
  static func problems(_ event: ucb_event) -> [String] {
    var event = event
    let args = withUnsafeBytes(of: &event.args) { Array($0.bindMemory(to: UInt64.self)) }
    let reference = withUnsafeBytes(of: &event.reference) { Array($0.bindMemory(to: UInt64.self)) }
    var problems: [String] = []
    if event.arg_count > UInt32(UCB_MAX_SCALARS) || args.dropFirst(Int(event.arg_count)).contains(where: { $0 != 0 }) {
      problems.append("event args past arg_count \(event.arg_count) are not zero")
    }
    switch event.type {
    case UInt32(UCB_EVENT_COMPLETION):
      if event.flags != 0 || event.dropped != 0 { problems.append("a completion with flags or dropped set") }
    case UInt32(UCB_EVENT_NOTIFICATION):
      if event.selector != 0 || reference.contains(where: { $0 != 0 }) {
        problems.append("a notification with a selector or reference words")
      }
    default:
      problems.append("an event of type \(event.type)")
    }
    return problems
  }

  /// An event in one line, for problems.
  static func describe(_ event: ucb_event) -> String {
    "type \(event.type) id \(event.id) result 0x\(String(event.result, radix: 16)) selector \(event.selector)"
  }
}

extension GuardedRegion {
  /// A one-page region for a placement that needs one only to name an
  /// address (the guard page).
  static func forCase() throws(ConformanceError) -> GuardedRegion {
    do {
      return try GuardedRegion(capacity: 1)
    } catch {
      throw ConformanceError("cannot map a page: \(error)")
    }
  }
}
