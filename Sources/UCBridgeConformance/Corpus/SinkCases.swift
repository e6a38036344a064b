/// sink: a variable struct in, nothing out, at every boundary size.
extension CorpusSection {
  var sinkCases: [ConformanceCase] {
    let sink = ReferenceTable.sink
    var cases = boundarySizes.map { size in
      let request = CallRequest(selector: sink, structInput: .pattern(size.bytes))
      return size.bytes > maxStructSize
        ? call("sink/struct_in=\(size.label)", "\(size.bytes) bytes, over max_struct_size -> kIOReturnBadArgument",
               expect: .badArgument, CallPlan(request: request))
        : call("sink/struct_in=\(size.label)", "\(size.bytes) bytes taken, nothing given",
               expect: .success, CallPlan(request: request))
    }
    cases += [
      call("sink/struct_in=0/null_pointer", "0 bytes at NULL: never dereferenced", expect: .success,
           CallPlan(request: CallRequest(selector: sink, structInputPlacement: .null))),
      call("sink/scalar_out=1", "room for a scalar where none is given -> kIOReturnBadArgument",
           expect: .badArgument,
           CallPlan(request: CallRequest(selector: sink, structInput: .pattern(8), scalarOutputRoom: 1))),
      call("sink/struct_out=1", "struct room where none is given -> kIOReturnBadArgument",
           expect: .badArgument,
           CallPlan(request: CallRequest(selector: sink, structInput: .pattern(8), structOutputRoom: 1))),
    ]
    return cases
  }
}
