import Testing

/// `ucprobe map`: the memory types, and a hexdump of one.
@Suite struct MapTests {
  @Test func withoutATypeListsTheMemoryTypes() throws {
    let run = try ucprobe("map", "--mock")
    #expect(run.status == 0)
    let lines = run.stdout.split(separator: "\n").map(String.init)
    #expect(lines.count == 3)
    #expect(lines[1].split(separator: " ") == ["0", "buffer", "read-write", "per-client", "1048576", "0x0"])
    #expect(lines[2].split(separator: " ").prefix(4) == ["1", "status", "read-only", "per-client"])
  }

  @Test func aTypeByNameOrNumberIsDumped() throws {
    for type in ["buffer", "0"] {
      let run = try ucprobe("map", type, "--mock", "--offset", "4096", "--length", "64")
      #expect(run.status == 0)
      #expect(run.stdout == """
        memory type 0 (buffer) of mock: 1048576 bytes, read-write, per client; bytes 4096 to 4160
        00001000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
        *
        00001040

        """)
    }
  }

  @Test func jsonGivesTheBytesInHex() throws {
    let run = try ucprobe("map", "status", "--mock", "--length", "8", "--json")
    #expect(run.status == 0)
    let object = try run.jsonObject()
    #expect(Set(object.keys) == [
      "device", "type", "name", "read_only", "shared", "length", "offset", "count", "hex",
    ])
    #expect(object["hex"] as? String == "0000000000000000")
    #expect(object["read_only"] as? Bool == true)
  }

  @Test func anUnknownTypeIsAUsageError() throws {
    let run = try ucprobe("map", "7", "--mock")
    #expect(run.status == 64)
    #expect(run.stderr.hasPrefix("ucprobe: mock has no memory type 7\n"))
  }
}
