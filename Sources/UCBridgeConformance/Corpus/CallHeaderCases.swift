import CUCBridge
import UCBridgeTestSupport

/// The `struct ucb_call` header through the raw ioctl SPI: its extensible
/// `size`, `flags`, the scalar count limits and their order, what the
/// driver writes back, and bad header pointers.
extension CorpusSection {
  var callHeaderCases: [ConformanceCase] {
    let noop = ReferenceTable.noop
    func header(
      _ selector: UInt32 = noop, size: UInt32 = UInt32(UCB_CALL_SIZE_VER0), tail: HeaderTail = .zero,
      flags: UInt32 = 0, placement: Placement = .aligned, scalars: Int = 0, scalarRoom: Int = 0
    ) -> CallPlan {
      CallPlan(request: CallRequest(
        selector: selector, scalarInput: Array(repeating: 1, count: scalars),
        scalarOutputRoom: scalarRoom,
        header: CallHeader(size: size, tail: tail, flags: flags, placement: placement)))
    }
    var cases = [
      call("call-header/size=64", "the first version's size: noop succeeds, only result and the counts written back",
           expect: .success, header()),
      call("call-header/size=0", "size 0 -> EINVAL, nothing written", expect: .invalid, header(size: 0)),
      call("call-header/size=4", "only the size field -> EINVAL", expect: .invalid, header(size: 4)),
      call("call-header/size=63", "one byte short of the first version -> EINVAL", expect: .invalid, header(size: 63)),
      call("call-header/size=65/tail=zero", "a longer header of an odd size, zero tail: accepted",
           expect: .success, header(size: 65)),
      call("call-header/size=72/tail=zero", "a newer caller's longer header, zero tail: accepted",
           expect: .success, header(size: 72)),
      call("call-header/size=4096/tail=zero", "the longest header accepted, zero tail",
           expect: .success, header(size: 4096)),
      call("call-header/size=72/tail=nonzero@64", "first byte past the known header non-zero -> E2BIG",
           expect: .tooBig, header(size: 72, tail: .nonZero(at: 64))),
      call("call-header/size=72/tail=nonzero@71", "last byte of the tail non-zero -> E2BIG",
           expect: .tooBig, header(size: 72, tail: .nonZero(at: 71))),
      call("call-header/size=4096/tail=nonzero@4095", "byte 4095 of the longest header non-zero -> E2BIG",
           expect: .tooBig, header(size: 4096, tail: .nonZero(at: 4095))),
      call("call-header/size=4097", "one past the longest header -> E2BIG", expect: .tooBig, header(size: 4097)),
      call("call-header/size=8192", "two pages -> E2BIG", expect: .tooBig, header(size: 8192)),
      call("call-header/size=0xffffffff", "the largest size -> E2BIG", expect: .tooBig, header(size: .max)),
      call("call-header/flags=1", "an undefined call flag -> EINVAL", expect: .invalid, header(flags: 1)),
      call("call-header/flags=2", "another undefined call flag -> EINVAL", expect: .invalid, header(flags: 2)),
      call("call-header/flags=0x80000000", "the top call flag bit -> EINVAL",
           expect: .invalid, header(flags: 0x8000_0000)),
      call("call-header/flags=0xffffffff", "every call flag bit -> EINVAL",
           expect: .invalid, header(flags: .max)),
      call("call-header/scalar_in_count=17", "one input scalar more than UCB_MAX_SCALARS -> EINVAL",
           expect: .invalid, header(scalars: 17)),
      call("call-header/scalar_out_count=17", "room for one output scalar more than UCB_MAX_SCALARS -> EINVAL",
           expect: .invalid, header(scalarRoom: 17)),
      call("call-header/scalar_in_count=17/selector=0xffffffff", "the scalar limit is checked before the selector -> EINVAL",
           expect: .invalid, header(.max, scalars: 17)),
      call("call-header/flags=1/selector=0xffffffff", "flags are checked before the selector -> EINVAL",
           expect: .invalid, header(.max, flags: 1)),
      call("call-header/size=4097/flags=1", "size is checked before flags -> E2BIG",
           expect: .tooBig, header(size: 4097, flags: 1)),
      call("call-header/size=8192/readable=64", "size above 4096 is refused before the rest is read: E2BIG though only 64 bytes are mapped",
           expect: .tooBig, header(size: 8192, placement: .overrunningGuard(by: 0))),
      call("call-header/size=0/readable=4", "size below the first version is refused before the rest is read: EINVAL though only the size is mapped",
           expect: .invalid, header(size: 0, placement: .overrunningGuard(by: 60))),
      call("call-header/size=4096/readable=128", "a zero tail running into an unmapped page -> EFAULT",
           expect: .fault, header(size: 4096, placement: .overrunningGuard(by: 4096 - 128))),
    ]
    var garbageResult = header()
    garbageResult.request.header?.resultBefore = .max
    cases.append(call(
      "call-header/result_before=0xffffffff", "result is only written: what it held before is ignored",
      expect: .success, garbageResult))
    cases += ([NamedPlacement.null] + NamedPlacement.unreadable + [.straddling(8)]).map { bad in
      call("call-header/pointer=\(bad.label)", "the header \(bad.summary) -> EFAULT, nothing written",
           expect: .fault, header(placement: bad.placement))
    }
    cases += [
      call("call-header/pointer=misaligned", "the header one byte off alignment: valid",
           expect: .success, header(placement: .misaligned(1))),
      call("call-header/pointer=read_only", "a read-only header: noop runs, writing the result back faults -> EFAULT",
           expect: .fault, header(placement: .readOnly)),
    ]
    return cases + writeBackCases
  }

  /// What the driver writes into the header for each kind of result.
  private var writeBackCases: [ConformanceCase] {
    let input = Bytes.pattern(16)
    func raw(_ request: CallRequest, _ output: ExpectedOutput = .nothing) -> CallPlan {
      var request = request
      request.header = .wellFormed
      return CallPlan(request: request, output: output)
    }
    return [
      call("call-header/write_back/success", "echo 16 bytes into 32: result 0, struct_out_size 16, nothing else of the header changes",
           expect: .success,
           raw(CallRequest(selector: ReferenceTable.echo, structInput: input, structOutputRoom: 32),
               .structOutput(input))),
      call("call-header/write_back/unsupported", "an unknown selector with output room: both counts written back 0",
           expect: .unsupported,
           raw(CallRequest(selector: ReferenceTable.methodCount, scalarOutputRoom: 1, structOutputRoom: 16))),
      call("call-header/write_back/bad_argument", "add with room for 2 scalars: kIOReturnBadArgument, both counts 0",
           expect: .badArgument,
           raw(CallRequest(selector: ReferenceTable.add, scalarInput: [1, 2], scalarOutputRoom: 2))),
      call("call-header/write_back/overrun", "echo 16 bytes into 8: the method's kIOReturnOverrun, both counts 0, nothing written",
           expect: .overrun,
           raw(CallRequest(selector: ReferenceTable.echo, structInput: input, structOutputRoom: 8))),
    ]
  }

  /// Selectors past the table: kIOReturnUnsupported before any check or
  /// copy.
  var selectorCases: [ConformanceCase] {
    let pastTheTable: [(String, UInt32)] = [
      ("11", ReferenceTable.methodCount), ("0x100", 0x100), ("0x7fffffff", 0x7fff_ffff),
      ("0xffffffff", .max),
    ]
    var cases = pastTheTable.map { label, selector in
      call("selector/\(label)", "a selector past the table -> kIOReturnUnsupported",
           expect: .unsupported, CallPlan(request: CallRequest(selector: selector)))
    }
    cases += [
      call("selector/0xffffffff/with_room", "output room offered: nothing written, counts 0",
           expect: .unsupported,
           CallPlan(request: CallRequest(selector: .max, scalarOutputRoom: 16, structOutputRoom: 4096))),
      call("selector/0xffffffff/kernel_pointers", "counts with kernel-address buffers: no pointer is touched before the selector is refused",
           expect: .unsupported,
           CallPlan(request: CallRequest(
             selector: .max, scalarInput: [1, 2], scalarInputPlacement: .kernel,
             structInput: .pattern(64), structInputPlacement: .kernel, scalarOutputRoom: 4,
             scalarOutputPlacement: .kernel, structOutputRoom: 64, structOutputPlacement: .kernel))),
      call("selector/10/scalar_in_count=16", "any count is fine for a selector that is refused anyway",
           expect: .unsupported,
           CallPlan(request: CallRequest(
             selector: ReferenceTable.methodCount, scalarInput: Array(repeating: 7, count: 16)))),
    ]
    return cases
  }
}
