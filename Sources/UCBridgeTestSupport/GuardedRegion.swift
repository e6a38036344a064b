#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage
import UCBridge

/// Read-write pages followed by one guard page that nothing may touch
/// (`PROT_NONE`), for testing how a driver treats bad buffers: a buffer
/// placed to end at ``guardPage``, or to run into it, makes the driver's
/// copy fault there (`EFAULT`) instead of reaching other memory of the
/// process.
///
/// ```swift
/// let region = try GuardedRegion(capacity: 4096)
/// let runsOff = UnsafeRawBufferPointer(start: region.guardPage - 100, count: 200)
/// // try connection.call(.echo, runsOff) throws .errno(.badAddress)
/// ```
package final class GuardedRegion: @unchecked Sendable {
  /// The size of a page.
  package static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

  /// The first read-write byte.
  package let start: UnsafeMutableRawPointer
  /// Read-write bytes, a whole number of pages (at least one).
  package let capacity: Int

  /// Maps a region.
  ///
  /// - Parameter capacity: Read-write bytes wanted; rounded up to pages.
  /// - Throws: ``UCBridge/UCBridgeError/errno(_:)`` when mmap(2) or
  ///   mprotect(2) fails.
  package init(capacity: Int) throws(UCBridgeError) {
    let page = Self.pageSize
    self.capacity = (max(capacity, 1) + page - 1) / page * page
    guard
      let mapping = mmap(
        nil, self.capacity + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
      mapping != MAP_FAILED
    else {
      throw .errno(Errno(rawValue: errno))
    }
    start = mapping
    guard mprotect(mapping + self.capacity, page, PROT_NONE) == 0 else {
      let error = Errno(rawValue: errno)
      munmap(mapping, self.capacity + page)
      throw .errno(error)
    }
  }

  deinit {
    munmap(start, capacity + Self.pageSize)
  }

  /// The first byte of the guard page.
  package var guardPage: UnsafeMutableRawPointer { start + capacity }

  /// Makes the read-write pages read-only, for writes that must fault.
  ///
  /// - Throws: ``UCBridge/UCBridgeError/errno(_:)`` when mprotect(2) fails.
  package func makeReadOnly() throws(UCBridgeError) {
    guard mprotect(start, capacity, PROT_READ) == 0 else {
      throw .errno(Errno(rawValue: errno))
    }
  }

  /// The part of `count` bytes at `address` that lies in the read-write
  /// pages, as offsets from ``start``; empty when none does.
  ///
  /// - Parameters:
  ///   - address: The first byte.
  ///   - count: How many bytes.
  /// - Returns: The accessible offsets.
  package func accessibleOffsets(_ address: UInt, count: Int) -> Range<Int> {
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
  package func contains(_ address: UInt, count: Int) -> Bool {
    count == 0 || accessibleOffsets(address, count: count).count == count
  }
}
