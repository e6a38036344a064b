/// checksum: a variable struct in, its CRC-32C and length out.
extension CorpusSection {
  var checksumCases: [ConformanceCase] {
    let checksum = ReferenceTable.checksum
    func request(_ input: Bytes, scalarRoom: Int = 2) -> CallRequest {
      CallRequest(selector: checksum, structInput: input, scalarOutputRoom: scalarRoom)
    }
    func refused(_ name: String, _ summary: String, _ request: CallRequest) -> ConformanceCase {
      call("checksum/\(name)", "\(summary) -> kIOReturnBadArgument", expect: .badArgument, CallPlan(request: request))
    }
    let checkValue = Bytes.text("123456789")
    var cases = [
      call("checksum/check_value", "CRC-32C of \"123456789\" is 0xe3069283, length 9",
           expect: .success, CallPlan(request: request(checkValue), output: .scalars([0xe306_9283, 9]))),
    ]
    for size in boundarySizes {
      let input = Bytes.pattern(size.bytes)
      let name = "checksum/struct_in=\(size.label)"
      if size.bytes > maxStructSize {
        cases.append(refused("struct_in=\(size.label)", "\(size.bytes) bytes, over max_struct_size", request(input)))
      } else {
        let input = request(input)
        cases.append(call(name, "\(size.bytes) bytes: their CRC-32C and length", expect: .success) { _ in
          CallPlan(request: input, output: .checksum(of: input.structInput))
        })
      }
    }
    var nullInput = request(.pattern(maxStructSize + 1))
    nullInput.structInputPlacement = .null
    return cases + [
      refused("struct_in=max+1/null_pointer", "over max_struct_size from a NULL pointer: refused before any copy",
              nullInput),
      refused("scalar_out=1", "room for 1 output scalar where exactly 2 are given: too small",
              request(checkValue, scalarRoom: 1)),
      refused("scalar_out=3", "room for 3 output scalars where exactly 2 are given: too large",
              request(checkValue, scalarRoom: 3)),
      refused("struct_out=4", "struct room where none is given",
              CallRequest(selector: checksum, structInput: checkValue, scalarOutputRoom: 2, structOutputRoom: 4)),
      refused("scalar_in=1", "an input scalar where none is taken",
              CallRequest(selector: checksum, scalarInput: [1], structInput: checkValue, scalarOutputRoom: 2)),
    ]
  }
}
