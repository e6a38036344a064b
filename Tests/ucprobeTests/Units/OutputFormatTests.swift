import Testing

@testable import ucprobe

/// Hex dumps, tables and units.
@Suite struct OutputFormatTests {
  @Test func hexDumpIsHexdumpC() {
    #expect(HexDump.lines(of: []).isEmpty)
    #expect(HexDump.lines(of: Array("hello\n".utf8)) == [
      "00000000  68 65 6c 6c 6f 0a                                 |hello.|",
      "00000006",
    ])
    let bytes = Array(0..<20).map(UInt8.init) + Array(repeating: 0, count: 48) + [0x41]
    #expect(HexDump.lines(of: bytes) == [
      "00000000  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  |................|",
      "00000010  10 11 12 13 00 00 00 00  00 00 00 00 00 00 00 00  |................|",
      "00000020  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|",
      "*",
      "00000040  00 00 00 00 41                                    |....A|",
      "00000045",
    ])
    #expect(HexDump.digits(of: [0, 0xab, 0xff]) == "00abff")
  }

  @Test func tablesAlignTheirColumns() {
    var table = TextTable([("NAME", .left), ("CALLS", .right), ("NOTE", .left)])
    table.append(["noop", "7", ""])
    table.append(["fixedTransform", "12345", "admin"])
    #expect(table.lines == [
      "NAME            CALLS  NOTE",
      "noop                7",
      "fixedTransform  12345  admin",
    ])
    #expect(TextTable.fields([("a", "1"), ("long", "2")]) == ["a     1", "long  2"])
  }

  @Test func unitsAreCompactAndExact() {
    #expect(Units.compactBytes(0) == "0")
    #expect(Units.compactBytes(4095) == "4095")
    #expect(Units.compactBytes(4096) == "4K")
    #expect(Units.compactBytes(1 << 20) == "1M")
    #expect(Units.compactBytes(64 << 20) == "64M")
    #expect(Units.compactBytes((1 << 20) + 1) == "1048577")
    #expect(Units.bytes(1) == "1 byte")
    #expect(Units.bytes(24) == "24 bytes")
    #expect(Units.bytes(1 << 20) == "1048576 bytes (1 MiB)")
    #expect(Units.duration(nanoseconds: 812) == "812 ns")
    #expect(Units.duration(nanoseconds: 1_214) == "1.21 µs")
    #expect(Units.duration(nanoseconds: 15_300_000) == "15.3 ms")
    #expect(Units.duration(nanoseconds: 2e9) == "2.00 s")
    #expect(Units.rate(950) == "950")
    #expect(Units.rate(81_234) == "81.2K")
    #expect(Units.rate(1_234_567) == "1.23M")
    #expect(Units.count(1, "call") == "1 call")
    #expect(Units.count(0, "finding") == "0 findings")
  }

  @Test func scalarsShowDecimalAndHex() {
    #expect(CallOutputText.scalarLines([42, .max]) == [
      "  [0]                    42  0x000000000000002a",
      "  [1]  18446744073709551615  0xffffffffffffffff",
    ])
  }
}
