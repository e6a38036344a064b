#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import UCBridgeTestSupport

/// One buffer of a call, placed: the address the driver is given and the
/// bytes of it (and of the slack after it) that this process can reach.
struct PlacedBuffer {
  /// The address the call carries.
  let address: UInt64
  /// How many bytes the call says the buffer holds.
  let count: Int
  /// The buffer's bytes that lie in read-write memory: all of them for an
  /// accessible placement, the readable prefix for a straddling one.
  let bytes: UnsafeMutableRawBufferPointer
  /// Bytes right after the buffer that the driver must never write: empty
  /// unless the placement is accessible.
  let slack: UnsafeMutableRawBufferPointer
  /// The memory the buffer lies in, kept mapped as long as the buffer.
  private let region: GuardedRegion?

  /// Bytes after every accessible buffer that must stay untouched.
  static let slackCount = 64

  /// Places a buffer of `count` bytes.
  ///
  /// - Parameters:
  ///   - count: The buffer's size, as the call will say.
  ///   - placement: Where it goes.
  /// - Throws: ``ConformanceError`` when memory cannot be mapped.
  init(count: Int, placement: Placement) throws(ConformanceError) {
    self.count = count
    let none = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    let region: GuardedRegion
    let slack: Int
    switch placement {
    case .null:
      (self.region, address, bytes, self.slack) = (nil, 0, none, none)
      return
    case .address(let fixed):
      (self.region, address, bytes, self.slack) = (nil, fixed, none, none)
      return
    case .aligned, .misaligned, .readOnly:
      var offset = 0
      if case .misaligned(let misalignment) = placement { offset = misalignment }
      slack = Self.slackCount
      region = try Self.map(capacity: offset + count + slack)
    case .againstGuard, .straddlingGuard, .overrunningGuard, .guardPage:
      // Pages whose last bytes are the buffer's readable ones, so that
      // the rest of it lies in the guard page after them.
      slack = 0
      region = try Self.map(capacity: placement.readable(count))
    }
    let start = UnsafeMutableRawPointer(bitPattern: placement.address(in: region, count: count))!
    self.region = region
    address = UInt64(UInt(bitPattern: start))
    bytes = UnsafeMutableRawBufferPointer(start: start, count: placement.readable(count))
    self.slack = UnsafeMutableRawBufferPointer(start: start + count, count: slack)
  }

  private static func map(capacity: Int) throws(ConformanceError) -> GuardedRegion {
    do {
      return try GuardedRegion(capacity: capacity)
    } catch {
      throw ConformanceError("cannot map \(capacity) bytes: \(error)")
    }
  }

  /// The address as a raw pointer; nil for address 0.
  var pointer: UnsafeMutableRawPointer? { UnsafeMutableRawPointer(bitPattern: UInt(address)) }

  /// Makes the buffer's pages read-only.
  ///
  /// - Throws: ``ConformanceError`` when mprotect(2) fails.
  func makeReadOnly() throws(ConformanceError) {
    do {
      try region?.makeReadOnly()
    } catch {
      throw ConformanceError("cannot make a buffer read-only: \(error)")
    }
  }

  /// Fills the reachable bytes of the buffer and its slack with `value`.
  func fill(_ value: UInt8) {
    bytes.initializeMemory(as: UInt8.self, repeating: value)
    slack.initializeMemory(as: UInt8.self, repeating: value)
  }

  /// A copy of the reachable bytes of the buffer and its slack.
  var snapshot: [UInt8] { Array(bytes) + Array(slack) }

  /// Whether the reachable bytes of the buffer from `offset` on, and its
  /// slack, all still hold `value`.
  func untouched(from offset: Int = 0, value: UInt8) -> Bool {
    Self.all(UnsafeRawBufferPointer(rebasing: bytes[min(offset, bytes.count)...]), are: value)
      && Self.all(UnsafeRawBufferPointer(slack), are: value)
  }

  /// Whether every byte is `value`: the first one is, and the bytes equal
  /// themselves shifted by one (one memcmp, fast at 64 MiB).
  private static func all(_ bytes: UnsafeRawBufferPointer, are value: UInt8) -> Bool {
    guard let first = bytes.first else { return true }
    return first == value
      && memcmp(bytes.baseAddress!, bytes.baseAddress! + 1, bytes.count - 1) == 0
  }
}

extension PlacedBuffer {
  /// Whether the reachable bytes of the buffer and its slack still equal a
  /// ``snapshot``.
  func matches(_ snapshot: [UInt8]) -> Bool {
    snapshot.count == bytes.count + slack.count
      && snapshot.withUnsafeBytes { copy in
        Self.same(UnsafeRawBufferPointer(rebasing: copy[..<bytes.count]), UnsafeRawBufferPointer(bytes))
          && Self.same(UnsafeRawBufferPointer(rebasing: copy[bytes.count...]), UnsafeRawBufferPointer(slack))
      }
  }

  private static func same(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    a.count == b.count && (a.isEmpty || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
  }
}
