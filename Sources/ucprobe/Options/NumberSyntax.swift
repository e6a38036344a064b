/// A value on ucprobe's command line that cannot be read, and why.
/// ArgumentParser prints the reason after the value and its option:
/// `The value 'zz' is invalid for '--hex <bytes>': ...`.
struct InvalidValue: Error, CustomStringConvertible {
  var description: String
}

/// How ucprobe reads integers: decimal, or hexadecimal, octal or binary
/// after a `0x`, `0o` or `0b` prefix, with `_` allowed between digits
/// (`4096`, `0x1000`, `1_000_000`).
enum NumberSyntax {
  /// Reads an unsigned integer.
  ///
  /// - Parameter text: The integer as written.
  /// - Returns: Its value, or nil when it is not an integer or does not
  ///   fit 64 bits.
  static func unsigned(_ text: some StringProtocol) -> UInt64? {
    var digits = Substring(text.filter { $0 != "_" })
    var radix = 10
    for (prefix, base) in [("0x", 16), ("0X", 16), ("0o", 8), ("0b", 2)]
    where digits.hasPrefix(prefix) {
      radix = base
      digits = digits.dropFirst(prefix.count)
      break
    }
    guard let first = digits.first, first.isHexDigit else { return nil }
    return UInt64(digits, radix: radix)
  }

  /// Whether `text` is written as a number (it starts with a digit), so
  /// that a typo reads as a bad number rather than as a name.
  static func looksNumeric(_ text: some StringProtocol) -> Bool {
    text.first?.isNumber == true
  }
}
