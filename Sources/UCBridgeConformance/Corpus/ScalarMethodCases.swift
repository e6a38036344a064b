/// noop and add: the methods of fixed scalar counts, each count one off
/// either way; noop also with struct inputs and rooms of every boundary
/// size, where it takes and gives none.
extension CorpusSection {
  var noopCases: [ConformanceCase] {
    let noop = ReferenceTable.noop
    func refused(_ name: String, _ summary: String, _ request: CallRequest) -> ConformanceCase {
      call("noop/\(name)", "\(summary) -> kIOReturnBadArgument", expect: .badArgument, CallPlan(request: request))
    }
    let sizes = boundarySizes.filter { $0.bytes > 0 }
    let structInputs = sizes.map { size in
      refused("struct_in=\(size.label)", "\(size.bytes) struct bytes where none is taken",
              CallRequest(selector: noop, structInput: .pattern(size.bytes)))
    }
    let structRooms = sizes.map { size in
      refused("struct_out=\(size.label)", "\(size.bytes) bytes of struct room where none is given",
              CallRequest(selector: noop, structOutputRoom: size.bytes))
    }
    let valid = call(
      "noop/valid", "nothing in, nothing out", expect: .success, CallPlan(request: CallRequest(selector: noop)))
    return [valid] + structInputs + structRooms + [
      refused("scalar_in=1", "one input scalar where none is taken", CallRequest(selector: noop, scalarInput: [1])),
      refused("scalar_in=16", "UCB_MAX_SCALARS input scalars where none is taken",
              CallRequest(selector: noop, scalarInput: Array(repeating: 1, count: 16))),
      refused("scalar_out=1", "room for a scalar where none is given", CallRequest(selector: noop, scalarOutputRoom: 1)),
      call("noop/zero_counts/kernel_pointers", "every pointer a kernel address, every count 0: pointers with zero counts are never touched",
           expect: .success,
           CallPlan(request: CallRequest(
             selector: noop, scalarInputPlacement: .kernel, structInputPlacement: .kernel,
             scalarOutputPlacement: .kernel, structOutputPlacement: .kernel))),
      call("noop/zero_counts/null_pointers", "every pointer NULL, every count 0",
           expect: .success,
           CallPlan(request: CallRequest(
             selector: noop, scalarInputPlacement: .null, structInputPlacement: .null,
             scalarOutputPlacement: .null, structOutputPlacement: .null))),
    ]
  }

  var addCases: [ConformanceCase] {
    let add = ReferenceTable.add
    func sum(_ name: String, _ a: UInt64, _ b: UInt64, _ summary: String) -> ConformanceCase {
      call("add/\(name)", summary, expect: .success,
           CallPlan(request: CallRequest(selector: add, scalarInput: [a, b], scalarOutputRoom: 1),
                    output: .scalars([a &+ b])))
    }
    func refused(_ name: String, _ summary: String, _ request: CallRequest) -> ConformanceCase {
      call("add/\(name)", "\(summary) -> kIOReturnBadArgument", expect: .badArgument, CallPlan(request: request))
    }
    return [
      sum("40+2", 40, 2, "40 + 2 = 42"),
      sum("wraps", .max, 3, "UINT64_MAX + 3 wraps to 2"),
      sum("max+max", .max, .max, "UINT64_MAX + UINT64_MAX wraps to UINT64_MAX - 1"),
      refused("scalar_in=0", "no input scalars where 2 are taken", CallRequest(selector: add, scalarOutputRoom: 1)),
      refused("scalar_in=1", "1 input scalar where 2 are taken",
              CallRequest(selector: add, scalarInput: [1], scalarOutputRoom: 1)),
      refused("scalar_in=3", "3 input scalars where 2 are taken",
              CallRequest(selector: add, scalarInput: [1, 2, 3], scalarOutputRoom: 1)),
      refused("scalar_in=16", "UCB_MAX_SCALARS input scalars where 2 are taken",
              CallRequest(selector: add, scalarInput: Array(repeating: 1, count: 16), scalarOutputRoom: 1)),
      refused("scalar_out=0", "no room for the 1 output scalar: room too small for a fixed output",
              CallRequest(selector: add, scalarInput: [1, 2])),
      refused("scalar_out=2", "room for 2 output scalars where exactly 1 is given: a fixed output's room must be exact",
              CallRequest(selector: add, scalarInput: [1, 2], scalarOutputRoom: 2)),
      refused("scalar_out=16", "room for UCB_MAX_SCALARS output scalars where exactly 1 is given",
              CallRequest(selector: add, scalarInput: [1, 2], scalarOutputRoom: 16)),
      refused("struct_in=1", "a struct byte where none is taken",
              CallRequest(selector: add, scalarInput: [1, 2], structInput: .pattern(1), scalarOutputRoom: 1)),
      refused("struct_out=1", "struct room where none is given",
              CallRequest(selector: add, scalarInput: [1, 2], scalarOutputRoom: 1, structOutputRoom: 1)),
    ]
  }
}
