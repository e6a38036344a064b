import ArgumentParser
import Testing

@testable import ucprobe

/// Option parsing and validation, through `UCProbe.parseAsRoot`.
@Suite struct ParsingTests {
  private func parse<Command: ParsableCommand>(
    _ arguments: [String], as type: Command.Type
  ) throws -> Command {
    try #require(try UCProbe.parseAsRoot(arguments) as? Command)
  }

  /// The message ucprobe prints for arguments it refuses.
  private func refusal(_ arguments: [String]) -> String? {
    do {
      _ = try UCProbe.parseAsRoot(arguments)
      return nil
    } catch {
      #expect(UCProbe.exitCode(for: error) == .validationFailure)
      return UCProbe.message(for: error)
    }
  }

  @Test func callTakesAMethodScalarsAndRoom() throws {
    let call = try parse(
      ["call", "add", "-s", "40", "--scalar", "0x2", "-s=-1", "--out-scalars", "3",
       "--out-size", "4K", "--mock"],
      as: UCProbe.Call.self)
    #expect(call.methodCall.method == .name("add"))
    #expect(call.methodCall.scalars.map(\.value) == [40, 2, .max])
    #expect(call.methodCall.outScalars == 3)
    #expect(call.outSize?.value == 4096)
    #expect(call.device.mock)
    #expect(!call.output.json)
  }

  @Test func deviceOptionsMayComeBeforeTheSubcommand() throws {
    #expect(try parse(["--mock", "list"], as: UCProbe.List.self).device.mock)
    #expect(try parse(["--device", "/dev/x", "info"], as: UCProbe.Info.self).device.device == "/dev/x")
    let call = try parse(["--service", "kvstore", "call", "count"], as: UCProbe.Call.self)
    #expect(call.device.service == "kvstore")
    let sized = try parse(["--mock", "--mock-max-struct-size", "64K", "fuzz"], as: UCProbe.Fuzz.self)
    #expect(sized.device.mock && sized.device.mockMaxStructSize?.value == 65536)
    #expect(refusal(["--mock", "list", "--device", "/dev/x"])?.contains("use one") == true)
    #expect(try parse(["--mock", "services"], as: UCProbe.Services.self).root.device.mock)
    #expect(refusal(["--device", "/dev/x", "services"])?.contains("do not apply") == true)
  }

  @Test func selectorsAreNumbers() throws {
    #expect(try parse(["call", "0x7"], as: UCProbe.Call.self).methodCall.method == .selector(7))
    #expect(try parse(["call", "12"], as: UCProbe.Call.self).methodCall.method == .selector(12))
    #expect(refusal(["call", "12abc"])?.contains("12abc") == true)
    #expect(refusal(["call", "4294967296"]) != nil)
  }

  @Test func structInputHasOneSource() throws {
    let call = try parse(["call", "echo", "--hex", "0a0b", "--nul"], as: UCProbe.Call.self)
    #expect(try call.input.bytes() == [0x0a, 0x0b, 0])
    #expect(refusal(["call", "echo", "--hex", "00", "--string", "x"])?.contains("use one") == true)
    #expect(refusal(["call", "echo", "--stdin", "--file", "/dev/null"]) != nil)
    #expect(refusal(["call", "echo", "--nul"])?.contains("--nul appends") == true)
  }

  @Test func badValuesAreRefusedWithTheReason() {
    #expect(refusal(["call", "echo", "--hex", "xy"])?.contains("not a hexadecimal digit") == true)
    #expect(refusal(["call", "add", "-s", "ten"])?.contains("a scalar is a 64-bit number") == true)
    #expect(refusal(["call", "echo", "--out-size", "5G"])?.contains("0 to 4294967295") == true)
    #expect(refusal(["call", "echo", "--out-scalars", "5000"])?.contains("--out-scalars") == true)
    #expect(refusal(["call", "echo", "--out-size", "65M"])?.contains("at most 64M") == true)
  }

  @Test func deviceOptionsAreValidated() throws {
    let info = try parse(["info", "--device", "/dev/other"], as: UCProbe.Info.self)
    #expect(info.device.device == "/dev/other" && info.device.service == nil)
    let none = try parse(["info"], as: UCProbe.Info.self).device
    #expect(none.device == nil && none.service == nil && !none.mock)
    #expect(refusal(["info", "--mock", "--device", "/dev/x"])?.contains("use one") == true)
    #expect(refusal(["info", "--mock-max-struct-size", "8K"])?.contains("--mock only") == true)
    #expect(refusal(["info", "--mock", "--mock-max-struct-size", "1K"])?.contains("4K to 64M") == true)
    let mock = try parse(["list", "--mock", "--mock-max-struct-size", "8K", "--json"], as: UCProbe.List.self)
    #expect(mock.device.mockMaxStructSize?.value == 8192)
    #expect(mock.output.json)
  }

  @Test func serviceNamesADriverAndExcludesTheOtherDevices() throws {
    let service = ["--service", "kvstore"]
    #expect(try parse(["info"] + service, as: UCProbe.Info.self).device.service == "kvstore")
    #expect(try parse(["list"] + service, as: UCProbe.List.self).device.service == "kvstore")
    #expect(try parse(["call", "count"] + service, as: UCProbe.Call.self).device.service == "kvstore")
    #expect(try parse(["bench", "count"] + service, as: UCProbe.Bench.self).device.service == "kvstore")
    #expect(try parse(["fuzz"] + service, as: UCProbe.Fuzz.self).device.service == "kvstore")
    #expect(refusal(["info", "--service", "kvstore", "--mock"])
      == "--service and --mock each name a device; use one")
    #expect(refusal(["list", "--device", "/dev/x", "--service", "kvstore"])
      == "--service and --device each name a device; use one")
    #expect(refusal(["info", "--service", "a", "--device", "/dev/x", "--mock"])
      == "--service, --device and --mock each name a device; use one")
    #expect(refusal(["info", "--service"]) != nil)
    #expect(refusal(["services", "--service", "kvstore"]) != nil)
    #expect(refusal(["services", "--device", "/dev/x"]) != nil)
    let services = try parse(["services", "--mock", "--json"], as: UCProbe.Services.self)
    #expect(services.root.device.mock && services.output.json)
  }

  @Test func benchTakesSizesAndOneStopCondition() throws {
    let bench = try parse(
      ["bench", "echo", "--sizes", "0, 4096,64K,1M", "--iterations", "10", "--warmup", "0"],
      as: UCProbe.Bench.self)
    #expect(bench.sizes?.values == [0, 4096, 65536, 1 << 20])
    #expect(bench.iterations == 10)
    #expect(bench.warmup == 0)
    #expect(refusal(["bench", "echo", "--duration", "1", "--iterations", "5"])?.contains("use one") == true)
    #expect(refusal(["bench", "echo", "--duration", "0"]) != nil)
    #expect(refusal(["bench", "echo", "--iterations", "0"]) != nil)
    #expect(refusal(["bench", "echo", "--sizes", "1,two"])?.contains("'two'") == true)
    #expect(refusal(["bench", "echo", "--sizes", "1,1G"])?.contains("at most 64M") == true)
  }

  @Test func fuzzReplayNeedsASeed() throws {
    let fuzz = try parse(["fuzz", "--seed", "0x10", "--replay", "3"], as: UCProbe.Fuzz.self)
    #expect(fuzz.seed?.value == 16)
    #expect(fuzz.replay == 3)
    #expect(fuzz.iterations == 10000)
    #expect(fuzz.watchdog == 10)
    #expect(refusal(["fuzz", "--replay", "3"])?.contains("--seed") == true)
    #expect(refusal(["fuzz", "--iterations", "0"]) != nil)
    #expect(refusal(["fuzz", "--watchdog", "-1"]) != nil)
  }
}
