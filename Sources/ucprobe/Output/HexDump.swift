/// Bytes as `hexdump -C` shows them: the offset, sixteen bytes in hex in
/// two groups of eight, and those of them that are printable ASCII between
/// bars.  A run of lines equal to the one before collapses to one `*`, and
/// a last line gives the length.
///
/// ```
/// 00000000  68 65 6c 6c 6f 0a                                 |hello.|
/// 00000006
/// ```
enum HexDump {
  private static let bytesPerLine = 16

  /// The dump of `bytes`; no lines for no bytes.
  ///
  /// - Parameters:
  ///   - bytes: The bytes.
  ///   - start: The offset the first byte is shown at (a part of a
  ///     larger region); the last line gives `start + bytes.count`.
  /// - Returns: The dump's lines.
  static func lines(of bytes: [UInt8], startingAt start: Int = 0) -> [String] {
    var lines: [String] = []
    var previous: ArraySlice<UInt8>?
    var collapsed = false
    for offset in stride(from: 0, to: bytes.count, by: bytesPerLine) {
      let row = bytes[offset..<min(offset + bytesPerLine, bytes.count)]
      if row.count == bytesPerLine, let previous, previous.elementsEqual(row) {
        if !collapsed { lines.append("*") }
        collapsed = true
      } else {
        lines.append(line(row, at: start + offset))
        collapsed = false
      }
      previous = row
    }
    if !bytes.isEmpty { lines.append(hex(start + bytes.count, digits: 8)) }
    return lines
  }

  /// Lowercase hexadecimal digits, two per byte and nothing between:
  /// `"deadbeef"`.
  ///
  /// - Parameter bytes: The bytes.
  /// - Returns: The digits.
  static func digits(of bytes: [UInt8]) -> String {
    var text = ""
    text.reserveCapacity(bytes.count * 2)
    for byte in bytes { text += hex(Int(byte), digits: 2) }
    return text
  }

  private static func line(_ row: ArraySlice<UInt8>, at offset: Int) -> String {
    var text = hex(offset, digits: 8) + "  "
    for column in 0..<bytesPerLine {
      let index = row.startIndex + column
      text += index < row.endIndex ? hex(Int(row[index]), digits: 2) + " " : "   "
      if column == bytesPerLine / 2 - 1 { text += " " }
    }
    let printable = row.map { (0x20..<0x7f).contains($0) ? Character(UnicodeScalar($0)) : "." }
    return text + " |" + String(printable) + "|"
  }

  /// `value` in lowercase hexadecimal, zero-padded to `digits`.
  static func hex(_ value: some BinaryInteger, digits: Int) -> String {
    let text = String(value, radix: 16)
    return String(repeating: "0", count: max(0, digits - text.count)) + text
  }
}
