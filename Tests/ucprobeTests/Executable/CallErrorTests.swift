import Testing

/// `ucprobe call`s that fail: exit status and what standard error says.
@Suite struct CallErrorTests {
  @Test func aNonSuccessResultIsNamedOnStandardError() throws {
    let run = try ucprobe("call", "add", "-s", "1", "--mock")
    #expect(run.status == 1)
    #expect(run.stdout.isEmpty)
    #expect(run.stderr == """
      ucprobe: kIOReturnBadArgument (0xe00002c2): invalid argument
      ucprobe: hint: add: 1 scalar inputs, the method takes exactly 2

      """)
  }

  @Test func aNonSuccessResultStillPrintsJSON() throws {
    let run = try ucprobe("call", "echo", "--string", "hello", "--out-size", "2", "--mock", "--json")
    #expect(run.status == 1)
    #expect(run.stderr.hasPrefix("ucprobe: kIOReturnOverrun (0xe00002e8): data overrun\n"))
    #expect(run.stderr.contains("offer more with --out-size"))
    let call = try run.decode(CallDocument.self)
    #expect(call.result?.name == "kIOReturnOverrun")
    #expect(call.result?.code == 0xe000_02e8)
    #expect(call.scalarOutput.isEmpty)
    #expect(call.structOutputSize == 0)
    #expect(call.structOutputHex == nil)
  }

  @Test func aSelectorPastTheTableIsUnsupported() throws {
    let run = try ucprobe("call", "99", "--mock")
    #expect(run.status == 1)
    #expect(run.stderr.hasPrefix("ucprobe: kIOReturnUnsupported (0xe00002c7): unsupported function\n"))
    #expect(run.stderr.contains("selectors 0 to 13"))
  }

  @Test func tooManyScalarsIsEINVAL() throws {
    let scalars = (0..<17).flatMap { ["-s", String($0)] }
    let run = try ucprobe(["call", "consistency", "--mock", "--json"] + scalars)
    #expect(run.status == 1)
    #expect(run.stderr.hasPrefix("ucprobe: EINVAL (errno 22): Invalid argument\n"))
    #expect(run.stderr.contains("at most 16 scalars"))
    let call = try run.decode(CallDocument.self)
    #expect(call.errno?.name == "EINVAL")
    #expect(call.errno?.code == 22)
    #expect(call.result == nil)
  }

  @Test func anUnknownMethodIsAUsageError() throws {
    let run = try ucprobe("call", "frobnicate", "--mock")
    #expect(run.status == 64)
    #expect(run.stderr.hasPrefix("ucprobe: no method named 'frobnicate' in reference\n"))
    #expect(run.stderr.contains("its methods are noop, add, echo"))
  }

  @Test func namesMatchWithoutRegardToCase() throws {
    let run = try ucprobe("call", "PATHINFO", "--string", "/", "--mock")
    #expect(run.status == 0)
    #expect(run.stdout.hasPrefix("pathInfo (selector 4): kIOReturnSuccess"))
  }

  @Test func badHexIsRefusedBeforeAnyCall() throws {
    let run = try ucprobe("call", "echo", "--hex", "de ad zz", "--mock")
    #expect(run.status == 64)
    #expect(run.stderr.contains("'z' at character 7 is not a hexadecimal digit"))
    let odd = try ucprobe("call", "echo", "--hex", "abc", "--mock")
    #expect(odd.status == 64)
    #expect(odd.stderr.contains("odd number of hexadecimal digits"))
  }

  @Test func aMissingDeviceFailsTheCall() throws {
    let run = try ucprobe("call", "noop", "--device", "/nonexistent/ucbridge")
    #expect(run.status == 1)
    #expect(run.stderr.contains("ENOENT (errno 2)"))
  }
}
