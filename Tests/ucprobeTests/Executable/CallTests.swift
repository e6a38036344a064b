import Foundation
import Testing

/// Successful `ucprobe call`s against the mock.
@Suite struct CallTests {
  @Test func addPrintsTheSumInDecimalAndHex() throws {
    let run = try ucprobe("call", "add", "-s", "40", "-s", "0x2", "--mock")
    #expect(run.status == 0)
    #expect(run.stderr.isEmpty)
    #expect(run.stdout == """
      add (selector 1): kIOReturnSuccess (0x00000000): OK
      scalar output: 1
        [0]  42  0x000000000000002a
      struct output: 0 bytes

      """)
  }

  @Test func echoShowsAHexDump() throws {
    let run = try ucprobe("call", "echo", "--string", "hello, ucbridge world", "--mock")
    #expect(run.status == 0)
    #expect(run.stdout.hasSuffix("""
      struct output: 21 bytes
      00000000  68 65 6c 6c 6f 2c 20 75  63 62 72 69 64 67 65 20  |hello, ucbridge |
      00000010  77 6f 72 6c 64                                    |world|
      00000015

      """))
  }

  @Test func aMethodCanBeNamedBySelector() throws {
    let decimal = try ucprobe("call", "2", "--hex", "de ad be ef", "--mock", "--json")
    let hex = try ucprobe("call", "0x2", "--hex", "DE:AD:BE:EF", "--mock", "--json")
    for run in [decimal, hex] {
      #expect(run.status == 0)
      let call = try run.decode(CallDocument.self)
      #expect(call.method == "echo")
      #expect(call.structOutputHex == "deadbeef")
    }
  }

  @Test func callJSONCarriesWhatWasSentAndReturned() throws {
    let run = try ucprobe("call", "checksum", "--string", "123456789", "--mock", "--json")
    #expect(run.status == 0)
    #expect(Set(try run.jsonObject().keys) == [
      "device", "selector", "method", "scalar_input", "struct_input_size", "scalar_output_room",
      "struct_output_room", "result", "scalar_output", "struct_output_size", "struct_output_hex",
    ])
    let call = try run.decode(CallDocument.self)
    #expect(call.device == "mock")
    #expect(call.selector == 3)
    #expect(call.structInputSize == 9)
    #expect(call.scalarOutputRoom == 2)
    #expect(call.structOutputRoom == 0)
    #expect(call.result?.code == 0)
    #expect(call.result?.name == "kIOReturnSuccess")
    #expect(call.errno == nil)
    #expect(call.scalarOutput == [0xe306_9283, 9])
    #expect(call.structOutputSize == 0)
  }

  @Test func pathInfoTakesANulTerminatedString() throws {
    let run = try ucprobe("call", "pathInfo", "--string", "/", "--nul", "--mock", "--json")
    #expect(run.status == 0)
    let call = try run.decode(CallDocument.self)
    #expect(call.structInputSize == 2)
    #expect(call.scalarOutput.first == 1)
    #expect(call.scalarOutput[2] & 0o170000 == 0o040000)
  }

  @Test func fixedTransformTakesItsStructAsHex() throws {
    // a = 1, b = 2, c = 3, d = 5 → a = 2, b = 1, c = 8, d = 6.
    let input = "01000000 02000000 0300000000000000 0500000000000000"
    let run = try ucprobe("call", "fixedTransform", "--hex", input, "--mock", "--json")
    #expect(run.status == 0)
    #expect(try run.decode(CallDocument.self).structOutputHex
      == "02000000" + "01000000" + "0800000000000000" + "0600000000000000")
  }

  @Test func structInputComesFromStandardInputOrAFile() throws {
    let bytes: [UInt8] = [0, 1, 2, 0xff]
    let stdin = try ucprobe("call", "echo", "--stdin", "--mock", "--json", stdin: bytes)
    #expect(try stdin.decode(CallDocument.self).structOutputHex == "000102ff")

    let file = FileManager.default.temporaryDirectory
      .appendingPathComponent("ucprobe-input-\(UUID().uuidString)")
    try Data(bytes).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let fromFile = try ucprobe("call", "echo", "--file", file.path, "--nul", "--mock", "--json")
    #expect(try fromFile.decode(CallDocument.self).structOutputHex == "000102ff00")
  }

  @Test func outFileReceivesTheRawOutput() throws {
    let file = FileManager.default.temporaryDirectory
      .appendingPathComponent("ucprobe-output-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: file) }
    let run = try ucprobe("call", "generate", "-s", "300", "--out-file", file.path, "--mock")
    #expect(run.status == 0)
    #expect(run.stdout.contains("struct output: 300 bytes, written to \(file.path)\n"))
    #expect(try Data(contentsOf: file) == Data((0..<300).map { UInt8($0 % 251) }))
  }

  @Test func adminMethodsRunOnThePrivilegedMock() throws {
    let run = try ucprobe("call", "resetStats", "--mock")
    #expect(run.status == 0)
    #expect(run.stdout.hasPrefix("resetStats (selector 7): kIOReturnSuccess"))
  }
}
