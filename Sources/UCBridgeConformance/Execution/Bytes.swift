#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Deterministic bytes a case sends or expects, described rather than
/// stored, so that a corpus of hundreds of cases up to 64 MiB costs
/// nothing until a case runs.
enum Bytes: Hashable, Sendable {
  /// These bytes.
  case literal([UInt8])
  /// `count` pseudo-random bytes: a block of a prime length drawn from
  /// `seed`, repeated.
  case pattern(count: Int, seed: UInt32)
  /// `count` bytes of the generate method's output: byte `i` is `i % 251`.
  case generated(count: Int)
  /// `count` copies of one byte.
  case repeating(UInt8, count: Int)

  /// No bytes.
  static var empty: Bytes { .literal([]) }

  /// `count` pseudo-random bytes seeded by the count, so that inputs of
  /// different sizes differ.
  static func pattern(_ count: Int) -> Bytes {
    .pattern(count: count, seed: UInt32(truncatingIfNeeded: count) &* 2_654_435_761)
  }

  /// A string's UTF-8 bytes, without a NUL.
  static func text(_ string: String) -> Bytes { .literal(Array(string.utf8)) }

  /// How many bytes.
  var count: Int {
    switch self {
    case .literal(let bytes): return bytes.count
    case .pattern(let count, _), .generated(let count), .repeating(_, let count): return count
    }
  }

  /// Writes the first `buffer.count` of the bytes (all of them when the
  /// buffer is as large).
  ///
  /// - Parameter buffer: Where to write.
  func write(to buffer: UnsafeMutableRawBufferPointer) {
    let count = min(count, buffer.count)
    guard count > 0 else { return }
    switch self {
    case .literal(let bytes):
      bytes.withUnsafeBytes {
        buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[..<count]))
      }
    case .pattern(_, let seed):
      var state = seed
      let block = Swift.min(count, 4093)
      for index in 0..<block {
        state = state &* 1_103_515_245 &+ 12345
        buffer[index] = UInt8(truncatingIfNeeded: state >> 16)
      }
      Self.repeatPrefix(block, in: buffer, upTo: count)
    case .generated:
      let block = Swift.min(count, 251)
      for index in 0..<block { buffer[index] = UInt8(index) }
      Self.repeatPrefix(block, in: buffer, upTo: count)
    case .repeating(let byte, _):
      UnsafeMutableRawBufferPointer(rebasing: buffer[..<count])
        .initializeMemory(as: UInt8.self, repeating: byte)
    }
  }

  /// Fills `buffer[filled..<count]` with copies of its first `filled`
  /// bytes, doubling the copied span each time.
  private static func repeatPrefix(
    _ filled: Int, in buffer: UnsafeMutableRawBufferPointer, upTo count: Int
  ) {
    var filled = filled
    while filled < count {
      let chunk = Swift.min(filled, count - filled)
      memcpy(buffer.baseAddress! + filled, buffer.baseAddress!, chunk)
      filled += chunk
    }
  }

  /// The bytes as an array.
  var array: [UInt8] {
    [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
      write(to: UnsafeMutableRawBufferPointer(buffer))
      initialized = count
    }
  }

  /// Whether `bytes` are exactly these bytes.
  ///
  /// - Parameter bytes: The bytes to compare.
  /// - Returns: True when the counts and every byte agree.
  func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
    guard bytes.count == count else { return false }
    guard count > 0 else { return true }
    return array.withUnsafeBytes { memcmp($0.baseAddress!, bytes.baseAddress!, count) == 0 }
  }
}
