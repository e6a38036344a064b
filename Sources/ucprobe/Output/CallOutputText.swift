/// How `ucprobe call` shows a successful call's outputs.
enum CallOutputText {
  /// The output scalars, one per line, in decimal and hexadecimal:
  /// `  [0]  42  0x000000000000002a`.
  ///
  /// - Parameter scalars: The scalars.
  /// - Returns: The lines.
  static func scalarLines(_ scalars: [UInt64]) -> [String] {
    let width = scalars.map { String($0).count }.max() ?? 0
    let indexWidth = String(max(scalars.count - 1, 0)).count
    return scalars.enumerated().map { index, value in
      let decimal = String(value)
      let label = "[\(index)]" + String(repeating: " ", count: indexWidth - String(index).count)
      return "  \(label)  " + String(repeating: " ", count: width - decimal.count) + decimal
        + "  0x" + HexDump.hex(value, digits: 16)
    }
  }
}
