/// echo: a variable struct in, the same bytes out, at every boundary size
/// with the room exact, larger and one byte short.
extension CorpusSection {
  var echoCases: [ConformanceCase] {
    var cases: [ConformanceCase] = []
    for size in boundarySizes {
      guard size.bytes <= maxStructSize else {
        cases.append(echo(size, roomLabel: "exact", room: size.bytes))
        continue
      }
      cases.append(echo(size, roomLabel: "exact", room: size.bytes))
      cases.append(echo(size, roomLabel: "larger", room: size.bytes + 16))
      if size.bytes > 0 {
        cases.append(echo(size, roomLabel: "short", room: size.bytes - 1))
      }
    }
    let echo = ReferenceTable.echo
    return cases + [
      call("echo/struct_in=1/room=max+1", "room above max_struct_size is given as exactly the maximum: still room for 1 byte",
           expect: .success,
           CallPlan(request: CallRequest(selector: echo, structInput: .pattern(1), structOutputRoom: maxStructSize + 1),
                    output: .structOutput(.pattern(1)))),
      call("echo/struct_in=1/room=0xffffffff", "room of 4 GiB - 1 with only its first page mapped: given as max_struct_size, 1 byte written",
           expect: .success,
           CallPlan(request: CallRequest(
             selector: echo, structInput: .pattern(1), structOutputRoom: Int(UInt32.max),
             structOutputPlacement: .overrunningGuard(by: Int(UInt32.max) - 4096)),
                    output: .structOutput(.pattern(1)))),
      call("echo/struct_in=0xffffffff/null_pointer", "the largest input size from NULL: refused by the size check, never copied",
           expect: .badArgument,
           CallPlan(request: CallRequest(
             selector: echo, structInput: .repeating(0, count: Int(UInt32.max)), structInputPlacement: .null,
             structOutputRoom: 16))),
      call("echo/struct_in=0/null_pointers", "0 bytes from and into NULL pointers",
           expect: .success,
           CallPlan(request: CallRequest(selector: echo, structInputPlacement: .null, structOutputPlacement: .null))),
      call("echo/scalar_in=1", "an input scalar where none is taken -> kIOReturnBadArgument",
           expect: .badArgument,
           CallPlan(request: CallRequest(selector: echo, scalarInput: [1], structInput: .pattern(8), structOutputRoom: 8))),
      call("echo/scalar_out=1", "room for a scalar where none is given -> kIOReturnBadArgument",
           expect: .badArgument,
           CallPlan(request: CallRequest(
             selector: echo, structInput: .pattern(8), scalarOutputRoom: 1, structOutputRoom: 8))),
    ]
  }

  /// echo of `size` bytes into `room`.
  private func echo(_ size: SizePoint, roomLabel: String, room: Int) -> ConformanceCase {
    let input = Bytes.pattern(size.bytes)
    let request = CallRequest(selector: ReferenceTable.echo, structInput: input, structOutputRoom: room)
    let name = "echo/struct_in=\(size.label)/room=\(roomLabel)"
    if size.bytes > maxStructSize {
      return call(name, "\(size.bytes) bytes, over max_struct_size -> kIOReturnBadArgument, nothing written",
                  expect: .badArgument, CallPlan(request: request))
    }
    if room < size.bytes {
      return call(name, "\(size.bytes) bytes into \(room) of room -> the method's kIOReturnOverrun, nothing written",
                  expect: .overrun, CallPlan(request: request))
    }
    return call(name, "\(size.bytes) bytes into \(room) of room: the same bytes back, the rest of the room untouched",
                expect: .success, CallPlan(request: request, output: .structOutput(input)))
  }
}
