import CUCBridge
import UCBridge
import UCBridgeTestSupport

/// Async calls and events (ucbridge.h's async section): every refusal of
/// `UCB_IOC_CALL_ASYNC` and `UCB_IOC_CANCEL`, read(2) of events, and the
/// reference driver's delayed, asyncChecksum and notify methods.
///
/// Each case opens a connection of its own, so ids start at 1, and reads
/// every event it causes: a case that leaves one behind, or finds one it
/// did not cause, has a problem.  No case depends on timing: an event is
/// waited for with poll(2) (never for a recorded time), and a queued event
/// a case needs at once is a pending delayed call it cancelled, whose
/// completion the cancel queues before it returns.
extension CorpusSection {
  var asyncCases: [ConformanceCase] {
    callAsyncCases + cancelCases + eventCases + delayedCases + asyncChecksumCases + notifyCases
  }

  /// A case on a connection of its own.
  func onOwnConnection(
    _ name: String, _ summary: String, caller: Caller = .root, expect expected: Outcome,
    body: @escaping @Sendable (AsyncExecutor) throws(ConformanceError) -> Observation
  ) -> ConformanceCase {
    sequence(name, summary, caller: caller, expect: expected) { context throws(ConformanceError) in
      let connection = try context.connect()
      defer { try? connection.close() }
      let executor = AsyncExecutor(connection: connection)
      var observation = try body(executor)
      observation.problems += try executor.nothingQueued()
      return observation
    }
  }

  /// A case of one async call: refused, or accepted and its completion
  /// read back and recorded.
  func submitted(
    _ name: String, _ summary: String, caller: Caller = .root, expect expected: Outcome, _ request: CallRequest,
    completion check: @escaping @Sendable (ucb_event) -> [String] = { _ in [] }
  ) -> ConformanceCase {
    var request = request
    if request.async == nil { request.async = AsyncHeader() }
    let planned = request
    var submitted = onOwnConnection(name, summary, caller: caller, expect: expected) { executor throws(ConformanceError) in
      let header = planned.async!
      let sent = try executor.submit(planned)
      var observation = Observation(outcome: sent.outcome, problems: sent.problems)
      guard sent.outcome == .success else { return observation }
      let event = try executor.waitForEvents(1)[0]
      observation.scalars = AsyncExecutor.record(event)
      observation.problems += AsyncExecutor.problems(event) + check(event)
      var reference = event.reference
      let words = withUnsafeBytes(of: &reference) { Array($0.bindMemory(to: UInt64.self)) }
      if event.type != UInt32(UCB_EVENT_COMPLETION) || event.id != sent.id
        || event.selector != planned.selector || words != header.reference
      {
        observation.problems.append(
          "completion \(AsyncExecutor.describe(event)), reference \(words); expected id \(sent.id ?? 0), "
            + "selector \(planned.selector), reference \(header.reference)")
      }
      return observation
    }
    submitted.call = planned
    return submitted
  }

  /// A completion's check: this result and these args.
  static func completes(_ result: IOReturn, args: [UInt64]) -> @Sendable (ucb_event) -> [String] {
    { event in
      var event = event
      let got = withUnsafeBytes(of: &event.args) { Array($0.bindMemory(to: UInt64.self)) }
        .prefix(Int(event.arg_count))
      return event.result == result.rawValue && Array(got) == args
        ? [] : ["completed with 0x\(String(event.result, radix: 16)) \(Array(got)), expected \(result.name) \(args)"]
    }
  }

  static func delayed(_ microseconds: UInt64 = 0, value: UInt64 = 0x1234_5678_9abc_def0) -> CallRequest {
    AsyncExecutor.delayed(microseconds: microseconds, value: value)
  }

  // MARK: UCB_IOC_CALL_ASYNC

  private var callAsyncCases: [ConformanceCase] {
    let value: UInt64 = 0x1234_5678_9abc_def0
    func with(_ change: (inout AsyncHeader) -> Void) -> CallRequest {
      var request = Self.delayed()
      var header = AsyncHeader()
      change(&header)
      request.async = header
      return request
    }
    func callHeader(_ change: (inout CallHeader) -> Void) -> CallRequest {
      var request = Self.delayed()
      var header = CallHeader()
      change(&header)
      request.header = header
      return request
    }
    let accepted = Self.completes(.success, args: [value])
    let version0 = Int(UCB_ASYNC_CALL_SIZE_VER0)
    return [
      submitted("call-async/size=88", "delayed(0, value) accepted: one completion, success, args [value], the reference words and id untouched",
                expect: .success, Self.delayed(value: value), completion: accepted),
      submitted("call-async/reference=zero", "zero reference words come back zero",
                expect: .success, with { $0.reference = Array(repeating: 0, count: Int(UCB_ASYNC_REFERENCE_WORDS)) },
                completion: accepted),
      submitted("call-async/size=0", "size 0 -> EINVAL, nothing written, no event", expect: .invalid, with { $0.size = 0 }),
      submitted("call-async/size=87", "one byte short of the first version -> EINVAL", expect: .invalid,
                with { $0.size = UInt32(version0 - 1) }),
      submitted("call-async/size=96/tail=zero", "a newer caller's longer struct, zero tail: accepted",
                expect: .success, with { $0.size = 96 }, completion: accepted),
      submitted("call-async/size=4096/tail=zero", "the longest struct, zero tail: accepted",
                expect: .success, with { $0.size = 4096 }, completion: accepted),
      submitted("call-async/size=96/tail=nonzero@88", "first byte past the known struct non-zero -> E2BIG",
                expect: .tooBig, with { $0.size = 96; $0.tail = .nonZero(at: version0) }),
      submitted("call-async/size=4097", "one past the longest struct -> E2BIG", expect: .tooBig, with { $0.size = 4097 }),
      submitted("call-async/flags=1", "an undefined flag -> EINVAL", expect: .invalid, with { $0.flags = 1 }),
      submitted("call-async/flags=0x80000000", "the top flag bit -> EINVAL", expect: .invalid,
                with { $0.flags = 0x8000_0000 }),
      submitted("call-async/argument=NULL", "the argument pointer NULL -> EFAULT", expect: .fault,
                with { $0.placement = .null }),
      submitted("call-async/argument=guard_page", "the argument in a guard page -> EFAULT", expect: .fault,
                with { $0.placement = .guardPage(offset: 0) }),
      submitted("call-async/argument=kernel", "the argument at a kernel address -> EFAULT", expect: .fault,
                with { $0.placement = .kernel }),
      submitted("call-async/call=NULL", "the call pointer NULL -> EFAULT", expect: .fault,
                with { $0.callPointer = .null }),
      submitted("call-async/call=guard_page", "the call in a guard page -> EFAULT", expect: .fault,
                with { $0.callPointer = .guardPage(offset: 0) }),
      submitted("call-async/call=kernel", "the call at a kernel address -> EFAULT", expect: .fault,
                with { $0.callPointer = .kernel }),
      submitted("call-async/call=straddling_guard", "the call's last 32 bytes in the guard page -> EFAULT",
                expect: .fault, callHeader { $0.placement = .straddlingGuard(inside: 32) }),
      submitted("call-async/call/size=0", "the call's size 0 -> EINVAL", expect: .invalid, callHeader { $0.size = 0 }),
      submitted("call-async/call/size=4097", "the call's size past 4096 -> E2BIG", expect: .tooBig, callHeader { $0.size = 4097 }),
      submitted("call-async/call/flags=1", "the call's undefined flag -> EINVAL", expect: .invalid, callHeader { $0.flags = 1 }),
      submitted("call-async/call/tail=nonzero@64", "the call's non-zero tail -> E2BIG", expect: .tooBig,
                callHeader { $0.size = 72; $0.tail = .nonZero(at: 64) }),
      submitted("call-async/call/scalar_in_count=17", "more than UCB_MAX_SCALARS input scalars -> EINVAL",
                expect: .invalid, CallRequest(
                  selector: ReferenceTable.delayed,
                  scalarInput: Array(repeating: 0, count: Int(UCB_MAX_SCALARS) + 1))),
      submitted("call-async/selector=past_table", "a selector past the table -> kIOReturnUnsupported, no event",
                expect: .unsupported, CallRequest(selector: ReferenceTable.methodCount)),
      submitted("call-async/sync_method/noop", "a sync method called async -> kIOReturnBadArgument, no event",
                expect: .badArgument, CallRequest(selector: ReferenceTable.noop)),
      submitted("call-async/sync_method/add", "add called async -> kIOReturnBadArgument, no event, no output",
                expect: .badArgument, CallRequest(selector: ReferenceTable.add, scalarInput: [1, 2], scalarOutputRoom: 1)),
      submitted("call-async/sync_method/notify", "notify called async -> kIOReturnBadArgument, no notification",
                expect: .badArgument, CallRequest(selector: ReferenceTable.notify, scalarInput: [1, 0, 0])),
      call("call-async/async_method_sync/delayed", "delayed called with UCB_IOC_CALL -> kIOReturnBadArgument",
           expect: .badArgument, CallPlan(request: Self.delayed())),
      call("call-async/async_method_sync/asyncChecksum", "asyncChecksum called with UCB_IOC_CALL -> kIOReturnBadArgument",
           expect: .badArgument, CallPlan(request: CallRequest(selector: ReferenceTable.asyncChecksum, structInput: .pattern(16)))),
      queueBound(),
    ]
  }

  /// `UCB_EVENT_QUEUE_MAX` pending calls fill the queue: the next one gets
  /// kIOReturnNoResources and no event; close cancels them all and leaves
  /// no buffer behind.
  private func queueBound() -> ConformanceCase {
    sequence(
      "call-async/queue_full",
      "UCB_EVENT_QUEUE_MAX pending delayed calls, then one more -> kIOReturnNoResources, no event; close cancels them and live_buffers is 0 again",
      expect: .dispatched(.noResources)
    ) { context throws(ConformanceError) in
      let connection = try context.connect()
      let executor = AsyncExecutor(connection: connection)
      let pending = Self.delayed(UInt64(UCB_DELAYED_MAX_DELAY_US))
      var problems: [String] = []
      for index in 0..<Int(UCB_EVENT_QUEUE_MAX) {
        let sent = try executor.submit(pending)
        guard sent.outcome == .success else {
          problems.append("call \(index) of \(UCB_EVENT_QUEUE_MAX) got \(sent.outcome.name)")
          break
        }
      }
      let over = try executor.submit(pending)
      problems += over.problems + (try executor.nothingQueued())
      do throws(UCBridgeError) {
        try connection.close()
        let live = try context.connection.driverInfo().liveBuffers
        if live != 0 { problems.append("live_buffers \(live) after close, not 0") }
      } catch {
        problems.append("close or driver info failed: \(error)")
      }
      return Observation(outcome: over.outcome, problems: problems)
    }
  }

  // MARK: UCB_IOC_CANCEL

  private var cancelCases: [ConformanceCase] {
    func refused(_ name: String, _ summary: String, _ expected: Outcome,
                 size: UInt32 = UInt32(UCB_CANCEL_SIZE_VER0), flags: UInt32 = 0,
                 tail: HeaderTail = .zero, placement: Placement = .aligned) -> ConformanceCase {
      onOwnConnection("cancel/" + name, "\(summary) -> \(expected.name), the call still pending", expect: expected) {
        executor throws(ConformanceError) in
        let sent = try executor.submit(Self.delayed(UInt64(UCB_DELAYED_MAX_DELAY_US)))
        guard let id = sent.id else { throw ConformanceError("a delayed call was not accepted") }
        var observation = try executor.cancel(id, size: size, flags: flags, tail: tail, placement: placement)
        // Still pending, so a well-formed cancel reaches it.
        let cancelled = try executor.cancel(id)
        if cancelled.outcome != .succeeded {
          observation.problems.append("after the refused cancel the call was not pending: \(cancelled.outcome.name)")
        }
        let event = try executor.waitForEvents(1)[0]
        observation.problems += Self.completes(.aborted, args: [])(event)
        return observation
      }
    }
    let version0 = Int(UCB_CANCEL_SIZE_VER0)
    return [
      onOwnConnection("cancel/pending", "a pending delayed call cancelled: 0, then its completion kIOReturnAborted with its id; a second cancel -> ENOENT",
                      expect: .noEntry) { executor throws(ConformanceError) in
        let sent = try executor.submit(Self.delayed(UInt64(UCB_DELAYED_MAX_DELAY_US)))
        guard let id = sent.id else { throw ConformanceError("a delayed call was not accepted") }
        var observation = try executor.cancel(id)
        var problems = observation.outcome == .succeeded ? [] : ["cancel got \(observation.outcome.name), not 0"]
        let event = try executor.waitForEvents(1)[0]
        problems += AsyncExecutor.problems(event) + Self.completes(.aborted, args: [])(event)
        if event.id != id { problems.append("the completion's id is \(event.id), not \(id)") }
        observation = try executor.cancel(id)
        observation.scalars = AsyncExecutor.record(event)
        observation.problems += problems
        return observation
      },
      onOwnConnection("cancel/id=never_issued", "an id no call of the connection had -> ENOENT", expect: .noEntry) {
        executor throws(ConformanceError) in try executor.cancel(1)
      },
      onOwnConnection("cancel/id=0", "id 0 -> ENOENT", expect: .noEntry) { executor throws(ConformanceError) in
        try executor.cancel(0)
      },
      onOwnConnection("cancel/id=completed", "the id of a call whose completion was read -> ENOENT", expect: .noEntry) {
        executor throws(ConformanceError) in
        let sent = try executor.submit(Self.delayed(0))
        guard let id = sent.id else { throw ConformanceError("a delayed call was not accepted") }
        _ = try executor.waitForEvents(1)
        return try executor.cancel(id)
      },
      refused("size=0", "size 0", .invalid, size: 0),
      refused("size=15", "one byte short of the first version", .invalid, size: UInt32(version0 - 1)),
      refused("size=24/tail=nonzero@16", "first byte past the known struct non-zero", .tooBig,
              size: 24, tail: .nonZero(at: version0)),
      refused("size=4097", "one past the longest struct", .tooBig, size: 4097),
      refused("flags=1", "an undefined flag", .invalid, flags: 1),
      refused("flags=0x80000000", "the top flag bit", .invalid, flags: 0x8000_0000),
      refused("argument=NULL", "the argument pointer NULL", .fault, placement: .null),
      refused("argument=guard_page", "the argument in a guard page", .fault, placement: .guardPage(offset: 0)),
      onOwnConnection("cancel/size=24/tail=zero", "a newer caller's longer struct, zero tail: the call cancelled",
                      expect: .succeeded) { executor throws(ConformanceError) in
        let sent = try executor.submit(Self.delayed(UInt64(UCB_DELAYED_MAX_DELAY_US)))
        guard let id = sent.id else { throw ConformanceError("a delayed call was not accepted") }
        var observation = try executor.cancel(id, size: 24)
        observation.problems += Self.completes(.aborted, args: [])(try executor.waitForEvents(1)[0])
        return observation
      },
    ]
  }

  // MARK: read(2) of events

  private var eventCases: [ConformanceCase] {
    let record = MemoryLayout<ucb_event>.size
    func read(
      _ name: String, _ summary: String, expect expected: Outcome, queued: Int, room: Int,
      placement: Placement = .aligned, records: Int = 0
    ) -> ConformanceCase {
      onOwnConnection("events/" + name, summary, expect: expected) { executor throws(ConformanceError) in
        var ids: [UInt64] = []
        for value in 0..<queued { ids.append(try executor.queueAbortedCompletion(value: UInt64(value))) }
        var observation: Observation
        var read: [ucb_event] = []
        switch try executor.read(room: room, placement: placement) {
        case .success(let events):
          observation = Observation(outcome: .succeeded)
          read = events
          if events.count != records {
            observation.problems.append("read \(events.count) records, expected \(records)")
          }
        case .failure(let error):
          observation = Observation(outcome: .failed(error))
        }
        // What the read left stays queued, in order.
        read += try executor.waitForEvents(queued - read.count)
        if read.map(\.id) != ids {
          observation.problems.append("events came as ids \(read.map(\.id)), expected \(ids)")
        }
        observation.scalars = read.flatMap(AsyncExecutor.record)
        observation.problems += read.flatMap(AsyncExecutor.problems)
        return observation
      }
    }
    return [
      read("empty", "no event waiting -> EAGAIN", expect: .failed(.resourceTemporarilyUnavailable), queued: 0, room: record),
      read("one", "one event, room for one: one record", expect: .succeeded, queued: 1, room: record, records: 1),
      read("room=223", "room one byte under a record -> EINVAL, the event kept", expect: .invalid,
           queued: 1, room: record - 1),
      read("room=223/empty", "room under a record is EINVAL even with no event", expect: .invalid,
           queued: 0, room: record - 1),
      read("two_in_one_read", "two events, room for two: both in one read, in order",
           expect: .succeeded, queued: 2, room: 2 * record, records: 2),
      read("room=447", "two events, room for one and a half: one record", expect: .succeeded,
           queued: 2, room: 2 * record - 1, records: 1),
      read("room=3_records", "two events, room for three: both", expect: .succeeded,
           queued: 2, room: 3 * record, records: 2),
      read("buffer=guard_page", "the buffer in a guard page -> EFAULT, the event kept", expect: .fault,
           queued: 1, room: record, placement: .guardPage(offset: 0)),
      read("buffer=kernel", "a buffer at a kernel address -> EFAULT, the event kept", expect: .fault,
           queued: 1, room: record, placement: .kernel),
      read("buffer=read-only", "a read-only buffer -> EFAULT, the event kept", expect: .fault,
           queued: 1, room: record, placement: .readOnly),
      read("second_record_in_guard_page", "two events, the second record's room running into the guard page: one record, the second event kept",
           expect: .succeeded, queued: 2, room: 2 * record, placement: .overrunningGuard(by: 8), records: 1),
      onOwnConnection("events/poll", "poll(2): no POLLIN while empty; POLLIN with an event waiting", expect: .succeeded) {
        executor throws(ConformanceError) in
        var problems: [String] = []
        if executor.pollIn(timeout: 0) { problems.append("POLLIN with no event") }
        _ = try executor.queueAbortedCompletion()
        if !executor.pollIn(timeout: 0) { problems.append("no POLLIN with an event waiting") }
        let events = try executor.waitForEvents(1)
        if executor.pollIn(timeout: 0) { problems.append("POLLIN once the event was read") }
        return Observation(outcome: .succeeded, scalars: events.flatMap(AsyncExecutor.record), problems: problems)
      },
    ]
  }

  // MARK: The async reference methods

  private var delayedCases: [ConformanceCase] {
    [
      submitted("delayed/delay=1000us", "delayed(1 ms, value): completes with success and [value]",
                expect: .success, Self.delayed(1000, value: 7), completion: Self.completes(.success, args: [7])),
      submitted("delayed/delay=max+1", "a delay past UCB_DELAYED_MAX_DELAY_US: the method refuses it, kIOReturnBadArgument, no event",
                expect: .badArgument, Self.delayed(UInt64(UCB_DELAYED_MAX_DELAY_US) + 1)),
      submitted("delayed/scalar_in=1", "one scalar, not two -> kIOReturnBadArgument, no event",
                expect: .badArgument, CallRequest(selector: ReferenceTable.delayed, scalarInput: [0])),
      submitted("delayed/scalar_out=1", "room for an output scalar it does not have -> kIOReturnBadArgument",
                expect: .badArgument, {
                  var request = Self.delayed()
                  request.scalarOutputRoom = 1
                  return request
                }()),
      onOwnConnection("delayed/in_order_ids", "three accepted calls get ids 1, 2, 3; each completes once",
                      expect: .succeeded) { executor throws(ConformanceError) in
        var ids: [UInt64] = []
        for value in 1...3 {
          let sent = try executor.submit(Self.delayed(0, value: UInt64(value)))
          guard let id = sent.id else { throw ConformanceError("delayed was not accepted: \(sent.outcome.name)") }
          ids.append(id)
        }
        let events = try executor.waitForEvents(3).sorted { $0.id < $1.id }
        var problems = events.flatMap(AsyncExecutor.problems)
        if events.map(\.id) != ids || events.map({ $0.args.0 }) != [1, 2, 3] {
          problems.append("completions \(events.map(AsyncExecutor.describe)) for ids \(ids)")
        }
        return Observation(outcome: .succeeded, scalars: ids + events.flatMap(AsyncExecutor.record), problems: problems)
      },
    ]
  }

  private var asyncChecksumCases: [ConformanceCase] {
    let sizes = [0, 1, 4095, 4096, 4097, 65536]
    var cases = sizes.map { size in
      onOwnConnection("asyncChecksum/struct_in=\(size)",
                      "asyncChecksum of \(size) bytes completes with checksum's two scalars for the same bytes",
                      expect: .success) { executor throws(ConformanceError) in
        let input = Bytes.pattern(size)
        let sync = try CallExecutor(connection: executor.connection).execute(
          CallRequest(selector: ReferenceTable.checksum, structInput: input, scalarOutputRoom: 2))
        guard sync.outcome == .success else { throw ConformanceError("checksum got \(sync.outcome.name)") }
        let sent = try executor.submit(CallRequest(selector: ReferenceTable.asyncChecksum, structInput: input))
        var observation = Observation(outcome: sent.outcome, problems: sent.problems)
        guard sent.outcome == .success else { return observation }
        let event = try executor.waitForEvents(1)[0]
        observation.scalars = AsyncExecutor.record(event)
        observation.problems += AsyncExecutor.problems(event)
          + Self.completes(.success, args: sync.scalars)(event)
        return observation
      }
    }
    cases += [
      submitted("asyncChecksum/struct_in=max+1", "one byte past max_struct_size -> kIOReturnBadArgument, no event",
                expect: .badArgument,
                CallRequest(selector: ReferenceTable.asyncChecksum, structInput: .pattern(maxStructSize + 1))),
      submitted("asyncChecksum/struct_in=guard_page", "an input running into the guard page -> EFAULT, no event",
                expect: .fault,
                CallRequest(selector: ReferenceTable.asyncChecksum, structInput: .pattern(64),
                            structInputPlacement: .overrunningGuard(by: 8))),
    ]
    return cases
  }

  private var notifyCases: [ConformanceCase] {
    let message = UInt64(UCB_NOTIFY_MESSAGE)
    func notifies(_ name: String, _ summary: String, count: UInt64, flags: UInt64) -> ConformanceCase {
      onOwnConnection("notify/" + name, summary, expect: .success) { executor throws(ConformanceError) in
        var observation = try CallExecutor(connection: executor.connection).execute(
          CallRequest(selector: ReferenceTable.notify, scalarInput: [count, 0, flags]))
        guard observation.outcome == .success else { return observation }
        let events = try executor.waitForEvents(Int(count))
        observation.scalars = events.flatMap(AsyncExecutor.record)
        observation.problems += events.flatMap(AsyncExecutor.problems)
        for (index, event) in events.enumerated() {
          let expected: [UInt64] = [
            UInt64(UCB_EVENT_NOTIFICATION), flags, message, 2, 0, 0, UInt64(index + 1), UInt64(index), count,
          ] + Array(repeating: 0, count: Int(UCB_ASYNC_REFERENCE_WORDS))
          if AsyncExecutor.record(event) != expected {
            observation.problems.append("notification \(index): \(AsyncExecutor.record(event)), expected \(expected)")
          }
        }
        return observation
      }
    }
    func refused(_ name: String, _ summary: String, _ scalars: [UInt64]) -> ConformanceCase {
      onOwnConnection("notify/" + name, "\(summary) -> kIOReturnBadArgument, no notification", expect: .badArgument) {
        executor throws(ConformanceError) in
        try CallExecutor(connection: executor.connection).execute(
          CallRequest(selector: ReferenceTable.notify, scalarInput: scalars))
      }
    }
    return [
      notifies("count=3", "three notifications: ids 1 to 3, in order, message UCB_NOTIFY_MESSAGE, args [index, count]",
               count: 3, flags: 0),
      notifies("count=2/can_drop", "droppable notifications carry UCB_EVENT_CAN_DROP", count: 2,
               flags: UInt64(UCB_EVENT_CAN_DROP)),
      notifies("count=0", "count 0: success, no notification", count: 0, flags: 0),
      refused("count=max+1", "a count past UCB_NOTIFY_MAX_COUNT", [UInt64(UCB_NOTIFY_MAX_COUNT) + 1, 0, 0]),
      refused("interval=max+1", "an interval past UCB_DELAYED_MAX_DELAY_US", [1, UInt64(UCB_DELAYED_MAX_DELAY_US) + 1, 0]),
      refused("flags=2", "an undefined event flag", [1, 0, 2]),
    ]
  }
}
