/// The 64-bit FNV-1a hash (Fowler, Noll, Vo), which transcripts use to
/// fingerprint output bytes: not cryptographic, but it needs no dependency
/// and two runs that wrote different bytes essentially never collide.
///
/// ```swift
/// var hash = FNV1a64()
/// hash.combine(bytes)
/// print(hash.hexDigits)   // 16 lowercase hexadecimal digits
/// ```
public struct FNV1a64: Hashable, Sendable {
  private static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
  private static let prime: UInt64 = 0x0000_0100_0000_01b3

  /// The hash of everything combined so far.
  public private(set) var value: UInt64 = FNV1a64.offsetBasis

  /// Creates the hash of no bytes.
  public init() {}

  /// Adds bytes to the hash.
  ///
  /// - Parameter bytes: The bytes, in order.
  public mutating func combine(_ bytes: UnsafeRawBufferPointer) {
    var hash = value
    for byte in bytes {
      hash = (hash ^ UInt64(byte)) &* Self.prime
    }
    value = hash
  }

  /// Adds 64-bit values to the hash as their little-endian bytes.
  ///
  /// - Parameter values: The values, in order.
  public mutating func combine(littleEndian values: [UInt64]) {
    for value in values {
      withUnsafeBytes(of: value.littleEndian) { combine($0) }
    }
  }

  /// The hash as 16 lowercase hexadecimal digits.
  public var hexDigits: String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
  }
}
