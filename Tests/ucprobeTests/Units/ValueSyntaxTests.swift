import Testing

@testable import ucprobe

/// How ucprobe reads numbers, sizes and bytes.
@Suite struct ValueSyntaxTests {
  @Test func numbersInEveryRadix() {
    #expect(NumberSyntax.unsigned("4096") == 4096)
    #expect(NumberSyntax.unsigned("0x1000") == 4096)
    #expect(NumberSyntax.unsigned("0X1000") == 4096)
    #expect(NumberSyntax.unsigned("0o10000") == 4096)
    #expect(NumberSyntax.unsigned("0b1000000000000") == 4096)
    #expect(NumberSyntax.unsigned("1_000_000") == 1_000_000)
    #expect(NumberSyntax.unsigned("18446744073709551615") == .max)
    #expect(NumberSyntax.unsigned("18446744073709551616") == nil)
    for bad in ["", "0x", "-1", "+1", "12a", "ten"] {
      #expect(NumberSyntax.unsigned(bad) == nil, "\(bad)")
    }
  }

  @Test func scalarsIncludeNegativesAsTwosComplement() throws {
    #expect(try ScalarArgument.parse("-1").value == .max)
    #expect(try ScalarArgument.parse("-9223372036854775808").value == 1 << 63)
    #expect(try ScalarArgument.parse("0xffffffffffffffff").value == .max)
    #expect(throws: InvalidValue.self) { try ScalarArgument.parse("-9223372036854775809") }
    #expect(throws: InvalidValue.self) { try ScalarArgument.parse("1.5") }
  }

  @Test func byteCountsTakeBinarySuffixes() throws {
    #expect(try ByteCount.parse("0").value == 0)
    #expect(try ByteCount.parse("24").value == 24)
    #expect(try ByteCount.parse("4K").value == 4096)
    #expect(try ByteCount.parse("4k").value == 4096)
    #expect(try ByteCount.parse("64KiB").value == 65536)
    #expect(try ByteCount.parse("1M").value == 1 << 20)
    #expect(try ByteCount.parse("3G").value == 3 << 30)
    #expect(try ByteCount.parse("0x10000").value == 65536)
    #expect(try ByteCount.parse("4294967295").value == 4_294_967_295)
    for bad in ["4G", "4294967296", "1T", "K", "-1", "1.5M"] {
      #expect(throws: InvalidValue.self, "\(bad)") { try ByteCount.parse(bad) }
    }
    #expect(try ByteCountList.parse("0,4K, 1M").values == [0, 4096, 1 << 20])
  }

  @Test func hexBytesTakeCommonSpellings() throws {
    let deadbeef: [UInt8] = [0xde, 0xad, 0xbe, 0xef]
    for spelling in ["deadbeef", "de ad be ef", "DE:AD:BE:EF", "0xdeadbeef", "0xde 0xad 0xbe 0xef", "de-ad,be\tef"] {
      #expect(try HexBytes.parse(spelling).bytes == deadbeef, "\(spelling)")
    }
    #expect(try HexBytes.parse("").bytes.isEmpty)
    #expect(throws: InvalidValue.self) { try HexBytes.parse("abc") }
    do {
      _ = try HexBytes.parse("00 0g")
      Issue.record("0g was read")
    } catch {
      #expect(error.description == "'g' at character 5 is not a hexadecimal digit")
    }
  }

  @Test func methodReferencesAreSelectorsOrNames() {
    #expect(MethodReference(argument: "3") == .selector(3))
    #expect(MethodReference(argument: "0x3") == .selector(3))
    #expect(MethodReference(argument: "echo") == .name("echo"))
    #expect(MethodReference(argument: "3echo") == nil)
    #expect(MethodReference(argument: "") == nil)
  }
}
