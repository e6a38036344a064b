#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Memory for fuzz buffers: read-write pages followed by one guard page
/// that nothing may touch (`PROT_NONE`).  A copy that runs off the end of
/// a buffer placed here faults in the guard page, which the driver reports
/// as `EFAULT`, instead of reaching other memory of this process.
final class GuardedRegion {
  /// The size of a page.
  static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

  /// The first read-write byte.
  let start: UnsafeMutableRawPointer
  /// Read-write bytes, a whole number of pages.
  let capacity: Int

  /// Maps a region.
  ///
  /// - Parameter capacity: Read-write bytes wanted; rounded up to pages.
  /// - Throws: ``ProbeFailure`` when mmap(2) or mprotect(2) fails.
  init(capacity: Int) throws(ProbeFailure) {
    let page = Self.pageSize
    self.capacity = (max(capacity, 1) + page - 1) / page * page
    guard let mapping = mmap(
      nil, self.capacity + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
      mapping != MAP_FAILED
    else {
      throw .failed("fuzz: cannot map \(Units.bytes(self.capacity)) of buffers: errno \(errno)")
    }
    start = mapping
    guard mprotect(mapping + self.capacity, page, PROT_NONE) == 0 else {
      munmap(mapping, self.capacity + page)
      throw .failed("fuzz: cannot protect a guard page: errno \(errno)")
    }
  }

  deinit {
    munmap(start, capacity + Self.pageSize)
  }

  /// The first byte of the guard page.
  var guardPage: UnsafeMutableRawPointer { start + capacity }

  /// The part of `count` bytes at `address` that lies in the read-write
  /// pages, as offsets from ``start``; empty when none does.
  ///
  /// - Parameters:
  ///   - address: The first byte.
  ///   - count: How many bytes.
  /// - Returns: The accessible offsets.
  func accessibleOffsets(_ address: UInt, count: Int) -> Range<Int> {
    let base = UInt(bitPattern: start)
    let limit = base + UInt(capacity)
    let (end, overflow) = address.addingReportingOverflow(UInt(count))
    let lower = max(address, base)
    let upper = overflow ? limit : min(end, limit)
    guard lower < upper else { return 0..<0 }
    return Int(lower - base)..<Int(upper - base)
  }

  /// Whether all `count` bytes at `address` are read-write bytes of the
  /// region.
  func contains(_ address: UInt, count: Int) -> Bool {
    count == 0 || accessibleOffsets(address, count: count).count == count
  }
}
