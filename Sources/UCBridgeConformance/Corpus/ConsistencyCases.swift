import CUCBridge

/// consistency: a variable struct and an optional delay in, 1 out when
/// two reads of the input agree (always, as the driver reads a copy).
extension CorpusSection {
  var consistencyCases: [ConformanceCase] {
    let consistency = ReferenceTable.consistency
    func request(_ input: Bytes, delay: [UInt64] = [0], scalarRoom: Int = 1) -> CallRequest {
      CallRequest(selector: consistency, scalarInput: delay, structInput: input, scalarOutputRoom: scalarRoom)
    }
    func stable(_ name: String, _ summary: String, _ request: CallRequest) -> ConformanceCase {
      call("consistency/\(name)", summary, expect: .success, CallPlan(request: request, output: .scalars([1])))
    }
    func refused(_ name: String, _ summary: String, _ request: CallRequest) -> ConformanceCase {
      call("consistency/\(name)", "\(summary) -> kIOReturnBadArgument", expect: .badArgument,
           CallPlan(request: request))
    }
    var cases = boundarySizes.map { size in
      size.bytes > maxStructSize
        ? refused("struct_in=\(size.label)", "\(size.bytes) bytes, over max_struct_size", request(.pattern(size.bytes)))
        : stable("struct_in=\(size.label)", "\(size.bytes) bytes, no delay: both reads agree",
                 request(.pattern(size.bytes)))
    }
    let input = Bytes.pattern(4097)
    let maxDelay = UInt64(UCB_CONSISTENCY_MAX_DELAY_US)
    cases += [
      stable("default_delay", "no scalar: the default 100 us delay", request(input, delay: [])),
      stable("delay=10000", "the longest delay, 10 ms", request(input, delay: [maxDelay])),
      refused("delay=10001", "a delay over UCB_CONSISTENCY_MAX_DELAY_US: the method's own refusal",
              request(input, delay: [maxDelay + 1])),
      refused("delay=0xffffffffffffffff", "the largest delay", request(input, delay: [.max])),
      refused("scalar_in=2", "two scalars: the table takes any count, the method refuses more than one",
              request(input, delay: [0, 0])),
      refused("scalar_in=16", "UCB_MAX_SCALARS scalars", request(input, delay: Array(repeating: 0, count: 16))),
      refused("scalar_out=0", "no room for the 1 output scalar", request(input, scalarRoom: 0)),
      refused("scalar_out=2", "room for 2 output scalars where exactly 1 is given", request(input, scalarRoom: 2)),
    ]
    return cases
  }
}
