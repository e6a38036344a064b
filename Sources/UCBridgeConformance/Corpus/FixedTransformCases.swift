import CUCBridge

/// fixedTransform: exactly 24 bytes in and exactly 24 of room, each size
/// off either way.
extension CorpusSection {
  var fixedTransformCases: [ConformanceCase] {
    let size = MemoryLayout<ucb_transform>.size
    func transform(_ name: String, _ input: ucb_transform, _ summary: String) -> ConformanceCase {
      call("fixedTransform/\(name)", summary, expect: .success,
           CallPlan(request: request(ReferenceModel.bytes(of: input)),
                    output: .structOutput(ReferenceModel.bytes(of: ReferenceModel.transform(input)))))
    }
    func request(_ input: Bytes, room: Int = size, scalars: [UInt64] = [], scalarRoom: Int = 0) -> CallRequest {
      CallRequest(
        selector: ReferenceTable.fixedTransform, scalarInput: scalars, structInput: input,
        scalarOutputRoom: scalarRoom, structOutputRoom: room)
    }
    func refused(_ name: String, _ summary: String, _ request: CallRequest) -> ConformanceCase {
      call("fixedTransform/\(name)", "\(summary) -> kIOReturnBadArgument", expect: .badArgument,
           CallPlan(request: request))
    }
    let valid = ReferenceModel.bytes(of: ucb_transform(a: 1, b: 2, c: 3, d: 4))
    return [
      transform("valid", ucb_transform(a: 1, b: 2, c: .max, d: 5), "{1, 2, UINT64_MAX, 5} -> {2, 1, 4, UINT64_MAX ^ 5}"),
      transform("zeros", ucb_transform(a: 0, b: 0, c: 0, d: 0), "all zero in, all zero out"),
      transform("all_ones", ucb_transform(a: .max, b: 0, c: .max, d: .max), "c + d wraps, c ^ d is 0"),
      refused("struct_in=0", "no input bytes where exactly 24 are taken", request(.empty)),
      refused("struct_in=23", "23 input bytes where exactly 24 are taken", request(.pattern(23))),
      refused("struct_in=25", "25 input bytes where exactly 24 are taken", request(.pattern(25))),
      refused("struct_in=4096", "a page where exactly 24 bytes are taken", request(.pattern(4096))),
      refused("room=0", "no room where exactly 24 bytes are given", request(valid, room: 0)),
      refused("room=23", "room one byte short of a fixed 24-byte output", request(valid, room: 23)),
      refused("room=25", "room one byte larger than a fixed 24-byte output: must be exact", request(valid, room: 25)),
      refused("room=4096", "a page of room for a fixed 24-byte output", request(valid, room: 4096)),
      refused("room=max+1", "room over max_struct_size for a fixed 24-byte output", request(valid, room: maxStructSize + 1)),
      refused("scalar_in=1", "an input scalar where none is taken", request(valid, scalars: [1])),
      refused("scalar_out=1", "room for a scalar where none is given", request(valid, scalarRoom: 1)),
    ]
  }
}
