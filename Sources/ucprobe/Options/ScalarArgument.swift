/// An input scalar from the command line (`-s 42`, `-s 0x2a`): a 64-bit
/// value in ``NumberSyntax``, or a negative decimal, which stands for its
/// two's complement (`-1` is `0xffffffffffffffff`).
struct ScalarArgument: Hashable, Sendable {
  /// The scalar as the call carries it.
  var value: UInt64

  /// Reads a scalar.
  ///
  /// - Parameter text: The scalar as written.
  /// - Returns: The scalar.
  /// - Throws: ``InvalidValue`` when it is not a number or does not fit 64
  ///   bits.
  static func parse(_ text: String) throws(InvalidValue) -> ScalarArgument {
    if text.hasPrefix("-") {
      guard let magnitude = NumberSyntax.unsigned(text.dropFirst()),
        magnitude <= UInt64(Int64.max) + 1
      else {
        throw InvalidValue(description: "a negative scalar is -1 to -9223372036854775808")
      }
      return ScalarArgument(value: 0 &- magnitude)
    }
    guard let value = NumberSyntax.unsigned(text) else {
      throw InvalidValue(
        description: "a scalar is a 64-bit number: decimal, 0x hex, 0o octal or 0b binary")
    }
    return ScalarArgument(value: value)
  }
}
