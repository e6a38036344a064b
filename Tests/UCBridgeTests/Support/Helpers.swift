import Foundation
import Synchronization
import UCBridge

/// The sizes around pages and IOKit's old 8192-byte crossover that every
/// variable struct test goes through (plus the driver's max and max + 1).
let boundarySizes = [0, 1, 4095, 4096, 4097, 8191, 8192, 8193, 65536, 1 << 20]

/// An independent bitwise CRC-32C to check the driver's against.
func referenceCRC32C(_ bytes: [UInt8]) -> UInt32 {
  var crc: UInt32 = ~0
  for byte in bytes {
    crc ^= UInt32(byte)
    for _ in 0..<8 { crc = (crc >> 1) ^ (0x82f6_3b78 & (0 &- (crc & 1))) }
  }
  return ~crc
}

/// Deterministic, size-dependent bytes: a pseudo-random block of a prime
/// length, repeated (copied, so that 64 MiB is quick in debug builds too).
func pattern(_ count: Int, seed: UInt32 = 1) -> [UInt8] {
  var state = seed &+ UInt32(truncatingIfNeeded: count)
  let block = (0..<min(count, 4093)).map { _ in
    state = state &* 1_103_515_245 &+ 12345
    return UInt8(truncatingIfNeeded: state >> 16)
  }
  return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
    var filled = block.count
    _ = buffer.initialize(fromContentsOf: block)
    let bytes = UnsafeMutableRawBufferPointer(buffer)
    while filled < count {
      let chunk = min(filled, count - filled)
      UnsafeMutableRawBufferPointer(rebasing: bytes[filled..<filled + chunk])
        .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[..<chunk]))
      filled += chunk
    }
    initialized = count
  }
}

/// Whether two byte sequences are equal, compared with memcmp.
func sameBytes(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Bool {
  a.count == b.count && a.withUnsafeBytes { a in
    b.withUnsafeBytes { b in a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 }
  }
}

/// Whether every byte is `value`: the first is, and the bytes equal
/// themselves shifted by one.
func allBytes(_ bytes: ArraySlice<UInt8>, are value: UInt8) -> Bool {
  guard let first = bytes.first else { return true }
  return first == value && sameBytes(bytes.dropFirst(), bytes.dropLast())
}

/// Runs `body` on `count` threads at once and waits for all of them.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
  let group = DispatchGroup()
  for index in 0..<count {
    group.enter()
    Thread {
      body(index)
      group.leave()
    }.start()
  }
  group.wait()
}

extension UCBridgeError {
  /// The message of a call refused in Swift, or nil.
  var badArgumentMessage: String? {
    if case .badArgument(let message) = self { return message }
    return nil
  }
}

/// The reference methods' selectors, as the typed declarations give them.
enum ReferenceSelector {
  static let noop = Method.noop.selector
  static let add = Method.add.selector
  static let echo = Method.echo.selector
  static let checksum = Method.checksum.selector
  static let pathInfo = Method.pathInfo.selector
  static let fixedTransform = Method.fixedTransform.selector
  static let consistency = Method.consistency.selector
  static let resetStats = Method.resetStats.selector
  static let generate = Method.generate.selector
  static let sink = Method.sink.selector
  static let sharedChecksum = Method.sharedChecksum.selector
}

/// A counter threads can share.
final class SharedCounter: Sendable {
  private let count = Atomic<Int>(0)

  func increment() { count.add(1, ordering: .relaxed) }
  var value: Int { count.load(ordering: .relaxed) }
}

/// A list threads can append to.
final class SharedList<Element: Sendable>: Sendable {
  private let elements = Mutex<[Element]>([])

  func append(_ element: Element) { elements.withLock { $0.append(element) } }
  var all: [Element] { elements.withLock { $0 } }
}
