import CUCBridge

/// generate: a count in, that many pattern bytes out, at every boundary
/// size with the room exact, larger and one byte short; and resetStats's
/// checks (its privilege is the privilege group's).
extension CorpusSection {
  var generateCases: [ConformanceCase] {
    var cases: [ConformanceCase] = []
    for size in boundarySizes where size.bytes <= maxStructSize {
      cases.append(generate(size.label, size.bytes, roomLabel: "exact", room: size.bytes))
      cases.append(generate(size.label, size.bytes, roomLabel: "larger", room: size.bytes + 16))
      if size.bytes > 0 {
        cases.append(generate(size.label, size.bytes, roomLabel: "short", room: size.bytes - 1))
      }
    }
    cases.append(generate(
      "max+1", maxStructSize + 1, roomLabel: "max+1", room: maxStructSize + 1,
      summary: "\(maxStructSize + 1) bytes into room above max_struct_size, which is given as the maximum -> kIOReturnOverrun"))
    let limit = Int(UCB_STRUCT_SIZE_LIMIT)
    cases.append(generate(
      "64M+1", limit + 1, roomLabel: "16", room: 16,
      summary: "a count over UCB_STRUCT_SIZE_LIMIT: the method's own kIOReturnBadArgument"))
    let generate = ReferenceTable.generate
    func refused(_ name: String, _ summary: String, _ request: CallRequest) -> ConformanceCase {
      call("generate/\(name)", "\(summary) -> kIOReturnBadArgument", expect: .badArgument,
           CallPlan(request: request))
    }
    return cases + [
      refused("n=0xffffffffffffffff", "the largest count", CallRequest(selector: generate, scalarInput: [.max], structOutputRoom: 16)),
      call("generate/n=0/null_pointer", "0 bytes into no room at NULL", expect: .success,
           CallPlan(request: CallRequest(selector: generate, scalarInput: [0], structOutputPlacement: .null))),
      refused("scalar_in=0", "no count", CallRequest(selector: generate, structOutputRoom: 16)),
      refused("scalar_in=2", "two scalars where exactly 1 is taken",
              CallRequest(selector: generate, scalarInput: [16, 0], structOutputRoom: 16)),
      refused("scalar_out=1", "room for a scalar where none is given",
              CallRequest(selector: generate, scalarInput: [16], scalarOutputRoom: 1, structOutputRoom: 16)),
      refused("struct_in=1", "a struct byte where none is taken",
              CallRequest(selector: generate, scalarInput: [16], structInput: .pattern(1), structOutputRoom: 16)),
    ]
  }

  /// generate of `count` bytes into `room`.
  private func generate(
    _ label: String, _ count: Int, roomLabel: String, room: Int, summary: String? = nil
  ) -> ConformanceCase {
    let request = CallRequest(
      selector: ReferenceTable.generate, scalarInput: [UInt64(count)], structOutputRoom: room)
    let name = "generate/n=\(label)/room=\(roomLabel)"
    if count > Int(UCB_STRUCT_SIZE_LIMIT) {
      return call(name, summary ?? "", expect: .badArgument, CallPlan(request: request))
    }
    if count > min(room, maxStructSize) {
      return call(name, summary ?? "\(count) bytes into \(room) of room -> kIOReturnOverrun, nothing written",
                  expect: .overrun, CallPlan(request: request))
    }
    return call(name, summary ?? "\(count) bytes into \(room) of room: byte i is i % 251, the rest untouched",
                expect: .success, CallPlan(request: request, output: .structOutput(.generated(count: count))))
  }

  var resetStatsCases: [ConformanceCase] {
    let resetStats = ReferenceTable.resetStats
    return [
      call("resetStats/root", "as root: every counter zeroed", expect: .success,
           CallPlan(request: CallRequest(selector: resetStats))),
      call("resetStats/scalar_in=1", "as root, an input scalar where none is taken -> kIOReturnBadArgument",
           expect: .badArgument, CallPlan(request: CallRequest(selector: resetStats, scalarInput: [1]))),
      call("resetStats/struct_out=1", "as root, struct room where none is given -> kIOReturnBadArgument",
           expect: .badArgument, CallPlan(request: CallRequest(selector: resetStats, structOutputRoom: 1))),
    ]
  }
}
