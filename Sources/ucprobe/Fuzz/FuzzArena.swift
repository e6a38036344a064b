#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import UCBridgeTestSupport

/// The memory fuzz cases point into: one ``GuardedRegion`` for the header
/// and one for each of the four buffers, each large enough for any buffer
/// the driver could accept, and each followed by its guard page.
///
/// Output room is filled with ``canary`` bytes before each call, so that
/// afterwards any byte the driver wrote where it must not shows.
final class FuzzArena {
  /// The byte output room holds before a call.
  static let canary: UInt8 = 0xa5

  /// Where headers lie: room for a 4096-byte header at any offset.
  let header: GuardedRegion
  /// Where input scalars lie.
  let scalarInput: GuardedRegion
  /// Where output scalars go.
  let scalarOutput: GuardedRegion
  /// Where input structs lie: random bytes, written once.
  let structInput: GuardedRegion
  /// Where output structs go.
  let structOutput: GuardedRegion
  /// Where a batch's entries lie: room for ``FuzzBatch/maxEntries`` of
  /// 4096 bytes.
  let batchCalls: GuardedRegion
  /// Where a `UCB_IOC_CALL_ASYNC`'s own header lies, as ``header``.
  let asyncHeader: GuardedRegion
  /// Where read(2) puts events: room for ``FuzzExecutor/maxEventRoom``.
  let events: GuardedRegion

  /// Maps the regions.
  ///
  /// - Parameters:
  ///   - maxStructSize: The driver's max_struct_size: the struct regions
  ///     hold that plus one byte at any misalignment.
  ///   - seed: The seed of the struct input's random bytes.
  /// - Throws: ``ProbeFailure`` when memory cannot be mapped.
  init(maxStructSize: Int, seed: UInt64) throws(ProbeFailure) {
    let page = GuardedRegion.pageSize
    do {
      header = try GuardedRegion(capacity: 3 * page)
      scalarInput = try GuardedRegion(capacity: page)
      scalarOutput = try GuardedRegion(capacity: page)
      structInput = try GuardedRegion(capacity: maxStructSize + 2 * page)
      structOutput = try GuardedRegion(capacity: maxStructSize + 2 * page)
      batchCalls = try GuardedRegion(capacity: FuzzBatch.maxEntries * 4096 + page)
      asyncHeader = try GuardedRegion(capacity: 3 * page)
      events = try GuardedRegion(capacity: FuzzExecutor.maxEventRoom + page)
    } catch {
      throw .failed("fuzz: cannot map its buffers: \(error)")
    }
    var random = SplitMix64(seed: seed)
    let words = structInput.start.bindMemory(
      to: UInt64.self, capacity: structInput.capacity / 8)
    for index in 0..<structInput.capacity / 8 { words[index] = random.next() }
  }

  /// Writes bytes at an address, as far as they fall in `region`'s
  /// read-write pages.
  ///
  /// - Parameters:
  ///   - bytes: The bytes.
  ///   - address: Where the first one goes.
  ///   - region: The region the address is meant to be in.
  func write(_ bytes: [UInt8], at address: UInt, in region: GuardedRegion) {
    let offsets = region.accessibleOffsets(address, count: bytes.count)
    guard !offsets.isEmpty else { return }
    let skipped = Int(UInt(bitPattern: region.start) + UInt(offsets.lowerBound) - address)
    bytes.withUnsafeBytes { source in
      (region.start + offsets.lowerBound).copyMemory(
        from: source.baseAddress! + skipped, byteCount: offsets.count)
    }
  }

  /// Reads `count` bytes at an address back, as far as they fall in
  /// `region`'s read-write pages; the bytes outside read as the ones in
  /// `expected`, so that comparing with it compares what can be read.
  ///
  /// - Parameters:
  ///   - expected: What the bytes should hold.
  ///   - address: The first byte.
  ///   - region: The region the address is meant to be in.
  /// - Returns: The bytes.
  func read(like expected: [UInt8], at address: UInt, in region: GuardedRegion) -> [UInt8] {
    var bytes = expected
    let offsets = region.accessibleOffsets(address, count: bytes.count)
    guard !offsets.isEmpty else { return bytes }
    let skipped = Int(UInt(bitPattern: region.start) + UInt(offsets.lowerBound) - address)
    bytes.withUnsafeMutableBytes { target in
      (target.baseAddress! + skipped).copyMemory(
        from: region.start + offsets.lowerBound, byteCount: offsets.count)
    }
    return bytes
  }

  /// Fills the read-write part of `count` bytes at an address with
  /// ``canary``.
  func fillCanary(at address: UInt, count: Int, in region: GuardedRegion) {
    let offsets = region.accessibleOffsets(address, count: count)
    memset(region.start + offsets.lowerBound, Int32(Self.canary), offsets.count)
  }

  /// The first offset, from `address`, of a byte in the read-write part of
  /// `count` bytes there that no longer holds ``canary``; nil when all do.
  func firstChangedCanary(at address: UInt, count: Int, in region: GuardedRegion) -> Int? {
    let offsets = region.accessibleOffsets(address, count: count)
    let bytes = UnsafeRawBufferPointer(
      start: region.start + offsets.lowerBound, count: offsets.count)
    let pattern = UInt64(Self.canary) &* 0x0101_0101_0101_0101
    var index = 0
    while index + 8 <= bytes.count,
      bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) == pattern
    {
      index += 8
    }
    guard let changed = bytes[index...].firstIndex(where: { $0 != Self.canary }) else {
      return nil
    }
    return Int(UInt(bitPattern: region.start) + UInt(offsets.lowerBound) - address) + changed
  }
}
