import CUCBridge

/// The reference methods' results computed here, from the ABI's
/// description of them, independently of the driver: what a case expects
/// a correct driver to return.
enum ReferenceModel {
  /// CRC-32C (Castagnoli, reflected 0x82f63b78), as the checksum method
  /// documents: `"123456789"` gives 0xe3069283.
  ///
  /// - Parameter bytes: The input.
  /// - Returns: The checksum.
  static func crc32c(_ bytes: Bytes) -> UInt32 {
    bytes.array.withUnsafeBytes { input in
      var crc: UInt32 = ~0
      for byte in input {
        crc = (crc >> 8) ^ crc32cTable[Int((crc ^ UInt32(byte)) & 0xff)]
      }
      return ~crc
    }
  }

  private static let crc32cTable: [UInt32] = (0..<256).map { index in
    var crc = UInt32(index)
    for _ in 0..<8 { crc = (crc >> 1) ^ (0x82f6_3b78 & (0 &- (crc & 1))) }
    return crc
  }

  /// The fixedTransform method: `{b, a, c + d, c ^ d}`.
  ///
  /// - Parameter input: The input struct.
  /// - Returns: The output struct.
  static func transform(_ input: ucb_transform) -> ucb_transform {
    ucb_transform(a: input.b, b: input.a, c: input.c &+ input.d, d: input.c ^ input.d)
  }

  /// A `struct ucb_transform` as its 24 bytes.
  static func bytes(of transform: ucb_transform) -> Bytes {
    .literal(withUnsafeBytes(of: transform) { Array($0) })
  }
}
