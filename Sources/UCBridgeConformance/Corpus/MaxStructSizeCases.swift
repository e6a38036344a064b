import CUCBridge

/// Sections under other driver-wide max_struct_size settings: the floor
/// of 4 KiB and the limit of 64 MiB, where introspection reports the new
/// maxima, variable structs reach them, and pathInfo keeps its own.
extension CorpusSection {
  /// The cases of a section whose max_struct_size is not the default.
  var maxStructSizeCases: [ConformanceCase] {
    let echo = ReferenceTable.echo
    let max = maxStructSize
    let input = Bytes.pattern(max)
    let overMax = Bytes.pattern(max + 1)
    var cases = [
      info("driver-info", "max_struct_size as set", expect: .succeeded, .driverInfo(),
           output: ReferenceTable.driverInfo(size: UInt32(UCB_DRIVER_INFO_SIZE_VER0), maxStructSize: max)),
      info("method-info/echo", "echo's maxima follow max_struct_size", expect: .succeeded,
           .methodInfo(echo),
           output: ReferenceTable.methodInfo(
             ReferenceTable.methods[Int(echo)], size: UInt32(UCB_METHOD_INFO_SIZE_VER0), maxStructSize: max)),
      info("method-info/pathInfo", "pathInfo's input maximum is its own UCB_PATH_INFO_MAX, or max_struct_size if lower",
           expect: .succeeded, .methodInfo(ReferenceTable.pathInfo),
           output: ReferenceTable.methodInfo(
             ReferenceTable.methods[Int(ReferenceTable.pathInfo)], size: UInt32(UCB_METHOD_INFO_SIZE_VER0),
             maxStructSize: max)),
      call("echo/struct_in=max/room=exact", "\(max) bytes back", expect: .success,
           CallPlan(request: CallRequest(selector: echo, structInput: input, structOutputRoom: max),
                    output: .structOutput(input))),
      call("echo/struct_in=max+1/room=exact", "\(max + 1) bytes -> kIOReturnBadArgument", expect: .badArgument,
           CallPlan(request: CallRequest(selector: echo, structInput: overMax, structOutputRoom: max + 1))),
      call("checksum/struct_in=max", "CRC-32C of \(max) bytes", expect: .success) { _ in
        CallPlan(request: CallRequest(selector: ReferenceTable.checksum, structInput: input, scalarOutputRoom: 2),
                 output: .checksum(of: input))
      },
      call("sink/struct_in=max", "\(max) bytes taken", expect: .success,
           CallPlan(request: CallRequest(selector: ReferenceTable.sink, structInput: input))),
      call("sink/struct_in=max+1", "\(max + 1) bytes -> kIOReturnBadArgument", expect: .badArgument,
           CallPlan(request: CallRequest(selector: ReferenceTable.sink, structInput: overMax))),
      call("generate/n=max/room=exact", "\(max) pattern bytes", expect: .success,
           CallPlan(request: CallRequest(selector: ReferenceTable.generate, scalarInput: [UInt64(max)],
                                         structOutputRoom: max),
                    output: .structOutput(.generated(count: max)))),
    ]
    if max < Int(UCB_STRUCT_SIZE_LIMIT) {
      cases.append(call(
        "generate/n=max+1/room=max+1", "room above max_struct_size is given as the maximum -> kIOReturnOverrun",
        expect: .overrun,
        CallPlan(request: CallRequest(selector: ReferenceTable.generate, scalarInput: [UInt64(max + 1)],
                                      structOutputRoom: max + 1))))
    } else {
      cases += [
        call("generate/n=max+1/room=16", "a count over UCB_STRUCT_SIZE_LIMIT -> the method's kIOReturnBadArgument",
             expect: .badArgument,
             CallPlan(request: CallRequest(selector: ReferenceTable.generate, scalarInput: [UInt64(max + 1)],
                                           structOutputRoom: 16))),
        call("consistency/struct_in=max", "\(max) bytes read twice agree", expect: .success,
             CallPlan(request: CallRequest(selector: ReferenceTable.consistency, scalarInput: [0],
                                           structInput: input, scalarOutputRoom: 1),
                      output: .scalars([1]))),
        call("echo/struct_in=1048577/room=exact", "one byte over the default maximum, under this one", expect: .success,
             CallPlan(request: CallRequest(selector: echo, structInput: .pattern(1_048_577), structOutputRoom: 1_048_577),
                      output: .structOutput(.pattern(1_048_577)))),
      ]
    }
    let pathMax = Int(UCB_PATH_INFO_MAX)
    cases.append(call(
      "pathInfo/struct_in=4097", "one byte over pathInfo's own maximum -> kIOReturnBadArgument",
      expect: .badArgument,
      CallPlan(request: CallRequest(selector: ReferenceTable.pathInfo, structInput: .repeating(0x2f, count: pathMax + 1),
                                    scalarOutputRoom: 4))))
    return cases
  }

  /// After the driver is back at the default: the old maximum holds
  /// again, and no kernel buffer is left behind by anything the corpus
  /// did.
  var finalCases: [ConformanceCase] {
    [
      call("final/echo/struct_in=max+1", "max_struct_size restored: one byte over is refused again",
           expect: .badArgument,
           CallPlan(request: CallRequest(selector: ReferenceTable.echo, structInput: .pattern(maxStructSize + 1),
                                         structOutputRoom: maxStructSize + 1))),
      info("final/driver-info", "at the end of the corpus: live_buffers 0, no kernel buffer leaked",
           expect: .succeeded, .driverInfo(),
           output: ReferenceTable.driverInfo(
             size: UInt32(UCB_DRIVER_INFO_SIZE_VER0), maxStructSize: maxStructSize)),
    ]
  }
}
