/// Struct input bytes written in hexadecimal, as `--hex` takes them: pairs
/// of digits, in either case, optionally separated by spaces, colons,
/// dashes or commas, each group optionally with a `0x` prefix:
/// `"de ad be ef"`, `"deadbeef"`, `"de:ad:be:ef"`, `"0xdeadbeef"`.
struct HexBytes: Hashable, Sendable {
  /// The bytes, in the order written.
  var bytes: [UInt8]

  /// Reads hexadecimal bytes.
  ///
  /// - Parameter text: The bytes as written.
  /// - Returns: The bytes.
  /// - Throws: ``InvalidValue`` naming the first character that is not a
  ///   digit or separator, or a group with an odd number of digits.
  static func parse(_ text: String) throws(InvalidValue) -> HexBytes {
    var bytes: [UInt8] = []
    for group in text.split(whereSeparator: { " \t\n:-,".contains($0) }) {
      let digits = group.hasPrefix("0x") || group.hasPrefix("0X") ? group.dropFirst(2) : group
      if let bad = digits.firstIndex(where: { !$0.isHexDigit }) {
        let position = text.distance(from: text.startIndex, to: bad) + 1
        throw InvalidValue(
          description: "'\(digits[bad])' at character \(position) is not a hexadecimal digit")
      }
      guard digits.count.isMultiple(of: 2) else {
        throw InvalidValue(
          description: "'\(group)' has an odd number of hexadecimal digits; write each byte as two")
      }
      var pair = digits.startIndex
      while pair < digits.endIndex {
        let next = digits.index(pair, offsetBy: 2)
        bytes.append(UInt8(digits[pair..<next], radix: 16)!)
        pair = next
      }
    }
    return HexBytes(bytes: bytes)
  }
}
