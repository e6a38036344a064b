import CUCBridge
import UCBridge

/// `UCB_IOC_CALL_BATCH` through the raw ioctl SPI: every refusal of the
/// `struct ucb_batch` kernel-doc (header, bounds, entries, faults), empty
/// batches, stop on error and each entry's own result and outputs.
extension CorpusSection {
  var batchCases: [ConformanceCase] {
    batchHeaderCases + batchEntryCases + batchResultCases + batchBoundCases + batchFaultCases
  }

  /// A batch case.
  private func batch(
    _ name: String, _ summary: String, caller: Caller = .root, expect expected: Outcome,
    _ plan: BatchPlan
  ) -> ConformanceCase {
    sequence("batch/" + name, summary, caller: caller, expect: expected) {
      context throws(ConformanceError) in
      try BatchExecutor(connection: context.connection).execute(plan)
    }
  }

  private static func noops(_ count: Int) -> [BatchEntry] {
    Array(repeating: .noop(), count: count)
  }

  private static func add(_ a: UInt64, _ b: UInt64) -> BatchEntry {
    BatchEntry(selector: ReferenceTable.add, scalarInput: [a, b], scalarOutputRoom: 1)
  }

  private static func echo(_ size: Int) -> BatchEntry {
    BatchEntry(selector: ReferenceTable.echo, structInput: .pattern(size), structOutputRoom: size)
  }

  private static var unsupported: BatchEntry { BatchEntry(selector: 0xdead) }

  /// The header: size, flags, reserved, count and call_size.  A malformed
  /// header fails before any entry runs, with nothing written.
  private var batchHeaderCases: [ConformanceCase] {
    let two = Self.noops(2)
    func malformed(_ name: String, _ summary: String, _ outcome: Outcome, _ plan: BatchPlan) -> ConformanceCase {
      batch(name, "\(summary) -> \(outcome.name), no entry run, nothing written", expect: outcome, plan)
    }
    return [
      batch("size=32", "the first version's header, two noops: completed 2",
            expect: .succeeded, BatchPlan(entries: two, completed: 2, results: [.success, .success])),
      malformed("size=0", "header size 0", .invalid, BatchPlan(entries: two, size: 0)),
      malformed("size=31", "one byte short of the first version", .invalid, BatchPlan(entries: two, size: 31)),
      batch("size=40/tail=zero", "a newer caller's longer header, zero tail: accepted",
            expect: .succeeded, BatchPlan(entries: two, size: 40, completed: 2)),
      batch("size=4096/tail=zero", "the longest header, zero tail: accepted",
            expect: .succeeded, BatchPlan(entries: two, size: 4096, completed: 2)),
      malformed("size=40/tail=nonzero@32", "first byte past the known header non-zero", .tooBig,
                BatchPlan(entries: two, size: 40, nonZeroTailByte: 32)),
      malformed("size=4097", "one past the longest header", .tooBig, BatchPlan(entries: two, size: 4097)),
      malformed("flags=2", "an undefined batch flag", .invalid, BatchPlan(entries: two, flags: 2)),
      malformed("flags=3", "stop-on-error with an undefined flag", .invalid, BatchPlan(entries: two, flags: 3)),
      malformed("flags=0x80000000", "the top batch flag bit", .invalid, BatchPlan(entries: two, flags: 0x8000_0000)),
      malformed("reserved=1", "reserved not 0", .invalid, BatchPlan(entries: two, reserved: 1)),
      malformed("reserved=0x80000000", "reserved's top bit", .invalid, BatchPlan(entries: two, reserved: 0x8000_0000)),
      malformed("count=1025", "one call more than UCB_BATCH_MAX_CALLS", .invalid,
                BatchPlan(entries: Self.noops(Int(UCB_BATCH_MAX_CALLS) + 1))),
      malformed("count=0xffffffff", "the largest count (the array is never read)", .invalid,
                BatchPlan(entries: two, count: .max)),
      malformed("call_size=0", "call_size 0", .invalid, BatchPlan(entries: two, callSize: 0)),
      malformed("call_size=63", "call_size one byte short of struct ucb_call", .invalid,
                BatchPlan(entries: two, callSize: 63)),
      malformed("call_size=4097", "call_size one past 4096", .invalid, BatchPlan(entries: two, callSize: 4097)),
      malformed("call_size=0xffffffff", "the largest call_size", .invalid, BatchPlan(entries: two, callSize: .max)),
      malformed("count=1/call_size=63", "call_size is checked with any count", .invalid,
                BatchPlan(entries: [.noop()], callSize: 63)),
      batch("count=0", "no calls, the array NULL: nothing runs, completed 0",
            expect: .succeeded, BatchPlan(entries: [], entriesPlacement: .address(0), completed: 0)),
      batch("count=0/flags=stop", "no calls with UCB_BATCH_STOP_ON_ERROR: completed 0",
            expect: .succeeded,
            BatchPlan(entries: [], flags: UCB_BATCH_STOP_ON_ERROR, entriesPlacement: .address(0), completed: 0)),
      batch("count=0/count_field=0/entries=2", "count 0 with entries behind it: none runs",
            expect: .succeeded, BatchPlan(entries: two, count: 0, completed: 0)),
      batch("count=1024", "UCB_BATCH_MAX_CALLS noops: all run",
            expect: .succeeded,
            BatchPlan(entries: Self.noops(Int(UCB_BATCH_MAX_CALLS)), completed: UInt32(UCB_BATCH_MAX_CALLS))),
    ]
  }

  /// Entries: call_size and each entry's own size, tail and header fields.
  /// An entry that fails as a single call would with an errno stops the
  /// batch there with that errno; the entries before it keep their
  /// results and completed counts them.
  private var batchEntryCases: [ConformanceCase] {
    var longTail = Self.noops(3)
    longTail[1].nonZeroTailByte = 64
    var lastByteTail = Self.noops(2)
    lastByteTail[1].nonZeroTailByte = 71
    var shortEntry = Self.noops(3)
    shortEntry[1].size = 64
    var firstShort = Self.noops(2)
    firstShort[0].size = 64
    var longEntry = Self.noops(2)
    longEntry[1].size = 72
    var scalarCount = [Self.add(40, 2), .noop(), .noop()]
    scalarCount[1].scalarInCount = UInt32(UCB_MAX_SCALARS) + 1
    var scalarRoom = [Self.add(40, 2), .noop(), .noop()]
    scalarRoom[1].scalarOutputRoom = Int(UCB_MAX_SCALARS) + 1
    var flags = [Self.add(1, 1), .noop()]
    flags[1].flags = 1
    var errnoStop = [Self.add(40, 2), Self.unsupported, .noop()]
    errnoStop[2].flags = 1
    return [
      batch("call_size=72", "entries of 72 bytes with size 72 and zero tails: they run",
            expect: .succeeded,
            BatchPlan(entries: [.noop(), Self.add(40, 2)], callSize: 72, completed: 2, results: [.success, .success])),
      batch("call_size=4096", "entries of 4096 bytes, zero tails: they run",
            expect: .succeeded, BatchPlan(entries: [Self.add(1, 2), .noop()], callSize: 4096, completed: 2)),
      batch("call_size=72/entry1/tail=nonzero@64", "the second entry's first tail byte non-zero -> E2BIG, completed 1",
            expect: .tooBig, BatchPlan(entries: longTail, callSize: 72, completed: 1)),
      batch("call_size=72/entry1/tail=nonzero@71", "the second entry's last tail byte non-zero -> E2BIG, completed 1",
            expect: .tooBig, BatchPlan(entries: lastByteTail, callSize: 72, completed: 1)),
      batch("call_size=72/entry1/size=64", "an entry whose size is not call_size -> EINVAL, completed 1",
            expect: .invalid, BatchPlan(entries: shortEntry, callSize: 72, completed: 1)),
      batch("call_size=72/entry0/size=64", "the first entry's size is not call_size -> EINVAL, completed 0",
            expect: .invalid, BatchPlan(entries: firstShort, callSize: 72, completed: 0)),
      batch("call_size=64/entry1/size=72", "an entry larger than call_size -> EINVAL, completed 1",
            expect: .invalid, BatchPlan(entries: longEntry, completed: 1)),
      batch("entry1/scalar_in_count=17", "an entry with 17 input scalars -> EINVAL, completed 1, the first keeps its sum",
            expect: .invalid, BatchPlan(entries: scalarCount, completed: 1, results: [.success])),
      batch("entry1/scalar_out_count=17", "an entry with room for 17 output scalars -> EINVAL, completed 1",
            expect: .invalid, BatchPlan(entries: scalarRoom, completed: 1, results: [.success])),
      batch("entry1/flags=1", "an entry with a call flag -> EINVAL, completed 1",
            expect: .invalid, BatchPlan(entries: flags, completed: 1)),
      batch("entry2/flags=1/after_failure", "an IOReturn failure does not stop the batch; the errno after it does: EINVAL, completed 2",
            expect: .invalid, BatchPlan(entries: errnoStop, completed: 2, results: [.success, .unsupported])),
    ]
  }

  /// Each entry's result and outputs, and UCB_BATCH_STOP_ON_ERROR.
  private var batchResultCases: [ConformanceCase] {
    let stop = UCB_BATCH_STOP_ON_ERROR
    let mixed = [
      Self.add(40, 2), Self.echo(200), Self.unsupported,
      BatchEntry(selector: ReferenceTable.add, scalarInput: [1], scalarOutputRoom: 1),
      Self.echo(20000), Self.add(.max, 1),
    ]
    let mixedResults: [IOReturn] = [.success, .success, .unsupported, .badArgument, .success, .success]
    var echoShort = Self.echo(100)
    echoShort.structOutputRoom = 10
    var consume = [
      BatchEntry(selector: ReferenceTable.echo, structInput: .literal(Self.littleEndian(ReferenceTable.add)),
                 structOutputRoom: 4, structOutputIntoNextSelector: true),
      Self.add(40, 2),
    ]
    consume[1].selector = 0xdead
    return [
      batch("results/noop", "one noop: completed 1, result success", expect: .succeeded,
            BatchPlan(entries: [.noop()], completed: 1, results: [.success])),
      batch("results/noop×64", "64 noops: completed 64", expect: .succeeded,
            BatchPlan(entries: Self.noops(64), completed: 64)),
      batch("results/mixed", "add, echo 200, unknown selector, add with one scalar, echo 20000, wrapping add: each its own result and outputs",
            expect: .succeeded, BatchPlan(entries: mixed, completed: 6, results: mixedResults)),
      batch("results/mixed/flags=stop", "the same with UCB_BATCH_STOP_ON_ERROR: stops after the unknown selector, completed 3",
            expect: .succeeded,
            BatchPlan(entries: mixed, flags: stop, completed: 3, results: Array(mixedResults.prefix(3)))),
      batch("results/flags=stop/first_fails", "stop on error with the first entry failing: completed 1",
            expect: .succeeded,
            BatchPlan(entries: [Self.unsupported, .noop(), .noop()], flags: stop, completed: 1, results: [.unsupported])),
      batch("results/flags=stop/all_succeed", "stop on error with every entry succeeding: all run",
            expect: .succeeded,
            BatchPlan(entries: [.noop(), Self.add(2, 3), Self.echo(8)], flags: stop, completed: 3,
                      results: [.success, .success, .success])),
      batch("results/echo_room_short", "an echo with less room than input: its own IOReturn, nothing written, the next runs",
            expect: .succeeded,
            BatchPlan(entries: [echoShort, Self.add(1, 2)], completed: 2)),
      batch("results/entry_consumes_earlier_output", "the first entry's echo writes the second entry's selector (add): the second is read after the first is written back",
            expect: .succeeded, BatchPlan(entries: consume, completed: 2, results: [.success, .success])),
      batch("results/privilege/unprivileged", "resetStats between noops without CAP_SYS_ADMIN: kIOReturnNotPrivileged for it alone",
            caller: .unprivileged, expect: .succeeded,
            BatchPlan(entries: [.noop(), BatchEntry(selector: ReferenceTable.resetStats), .noop()], completed: 3,
                      results: [.success, .notPrivileged, .success])),
    ]
  }

  /// UCB_BATCH_BYTES_MAX: every entry's struct_in_size plus its
  /// struct_out_size room, summed in order; the entry that takes the sum
  /// over it fails the batch with E2BIG before its buffers are read.  The
  /// sizes here have no memory behind them: noop refuses them by its
  /// table before reading any.
  private var batchBoundCases: [ConformanceCase] {
    let max = UInt32(UCB_BATCH_BYTES_MAX)
    func noop(in structIn: UInt32 = 0, out structOut: UInt32 = 0) -> BatchEntry {
      var entry = BatchEntry.noop()
      entry.claimedStructInSize = structIn
      entry.claimedStructOutRoom = structOut
      return entry
    }
    return [
      batch("bytes/at_max", "struct bytes exactly UCB_BATCH_BYTES_MAX (refused by noop's table): runs, completed 2",
            expect: .succeeded,
            BatchPlan(entries: [noop(in: max / 2), noop(out: max / 2)], completed: 2,
                      results: [.badArgument, .badArgument])),
      batch("bytes/max+1/entry2", "one byte over UCB_BATCH_BYTES_MAX at the third entry -> E2BIG, completed 2",
            expect: .tooBig,
            BatchPlan(entries: [noop(in: max), noop(), noop(out: 1), noop()], completed: 2,
                      results: [.badArgument, .success])),
      batch("bytes/max+1/entry0", "a first entry over UCB_BATCH_BYTES_MAX alone -> E2BIG, completed 0",
            expect: .tooBig, BatchPlan(entries: [noop(in: max, out: 1)], completed: 0)),
      batch("bytes/max+1/flags=stop", "the byte bound holds with stop on error too -> E2BIG, completed 1",
            expect: .tooBig,
            BatchPlan(entries: [.noop(), noop(in: max, out: 1)], flags: UCB_BATCH_STOP_ON_ERROR, completed: 1)),
      batch("bytes/u32_max_each", "0xffffffff in and out: no overflow -> E2BIG, completed 0",
            expect: .tooBig, BatchPlan(entries: [noop(in: .max, out: .max)], completed: 0)),
      batch("bytes/1024×u32_max", "1024 entries of 0xffffffff in and out: the first is over -> E2BIG, completed 0",
            expect: .tooBig,
            BatchPlan(entries: Array(repeating: noop(in: .max, out: .max), count: Int(UCB_BATCH_MAX_CALLS)),
                      completed: 0)),
    ]
  }

  /// Faults: the header, the entries' array, an entry's buffers, and the
  /// write of completed.
  private var batchFaultCases: [ConformanceCase] {
    let callSize = Int(UCB_CALL_SIZE_VER0)
    var faultingInput = [Self.add(40, 2), Self.echo(200), .noop()]
    faultingInput[1].structInputPlacement = .null
    var straddlingInput = [Self.add(40, 2), Self.echo(200), .noop()]
    straddlingInput[1].structInputPlacement = .overrunningGuard(by: 100)
    return [
      batch("header=null", "a NULL header -> EFAULT", expect: .fault,
            BatchPlan(entries: Self.noops(2), headerPlacement: .null)),
      batch("header=guard_page", "a header on a PROT_NONE page -> EFAULT", expect: .fault,
            BatchPlan(entries: Self.noops(2), headerPlacement: .guardPage(offset: 0))),
      batch("header=straddling", "a header whose last 8 bytes are in a PROT_NONE page -> EFAULT, no entry run",
            expect: .fault, BatchPlan(entries: Self.noops(2), headerPlacement: .overrunningGuard(by: 8))),
      batch("header=kernel", "a header at a kernel address -> EFAULT", expect: .fault,
            BatchPlan(entries: Self.noops(2), headerPlacement: .kernel)),
      batch("header=read_only", "a read-only header: the entries run, writing completed faults -> EFAULT",
            expect: .fault, BatchPlan(entries: [.noop(), Self.add(40, 2)], headerPlacement: .readOnly,
                                      results: [.success, .success])),
      batch("calls=null", "count 2 with a NULL array -> EFAULT, completed 0", expect: .fault,
            BatchPlan(entries: Self.noops(2), entriesPlacement: .address(0), completed: 0)),
      batch("calls=kernel", "an array at a kernel address -> EFAULT, completed 0", expect: .fault,
            BatchPlan(entries: Self.noops(2), entriesPlacement: .address(0xffff_ffff_8100_0000), completed: 0)),
      batch("calls=non_canonical", "an array at a non-canonical address -> EFAULT, completed 0", expect: .fault,
            BatchPlan(entries: Self.noops(2), entriesPlacement: .address(0x8000_0000_0000_0000), completed: 0)),
      batch("calls/entry1=guard_page", "the second entry on a PROT_NONE page -> EFAULT, completed 1",
            expect: .fault,
            BatchPlan(entries: [Self.add(40, 2), .noop(), .noop()], entriesPlacement: .readableBytes(callSize),
                      completed: 1, results: [.success])),
      batch("calls/entry2=straddling", "the third entry's last 32 bytes in a PROT_NONE page -> EFAULT, completed 2",
            expect: .fault,
            BatchPlan(entries: Self.noops(3), entriesPlacement: .readableBytes(2 * callSize + 32), completed: 2)),
      batch("entry1/struct_in=null", "the second entry's echo input NULL -> EFAULT, completed 1",
            expect: .fault, BatchPlan(entries: faultingInput, completed: 1, results: [.success])),
      batch("entry1/struct_in=straddling", "the second entry's echo input running into a PROT_NONE page -> EFAULT, completed 1",
            expect: .fault, BatchPlan(entries: straddlingInput, completed: 1, results: [.success])),
    ]
  }

  private static func littleEndian(_ value: UInt32) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { Array($0) }
  }
}
