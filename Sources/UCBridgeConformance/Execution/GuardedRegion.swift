#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Read-write pages followed by one guard page that nothing may touch
/// (`PROT_NONE`), so that a buffer can be placed to end exactly at the
/// guard or run into it.
final class GuardedRegion {
  /// The size of a page.
  static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

  /// The first read-write byte.
  let start: UnsafeMutableRawPointer
  /// Read-write bytes, a whole number of pages (at least one).
  let capacity: Int

  /// Maps a region.
  ///
  /// - Parameter capacity: Read-write bytes wanted; rounded up to pages.
  /// - Throws: ``ConformanceError`` when mmap(2) or mprotect(2) fails.
  init(capacity: Int) throws(ConformanceError) {
    let page = Self.pageSize
    self.capacity = (max(capacity, 1) + page - 1) / page * page
    guard
      let mapping = mmap(
        nil, self.capacity + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
      mapping != MAP_FAILED
    else {
      throw ConformanceError("cannot map \(self.capacity) bytes: errno \(errno)")
    }
    start = mapping
    guard mprotect(mapping + self.capacity, page, PROT_NONE) == 0 else {
      munmap(mapping, self.capacity + page)
      throw ConformanceError("cannot protect a guard page: errno \(errno)")
    }
  }

  deinit {
    munmap(start, capacity + Self.pageSize)
  }

  /// The first byte of the guard page.
  var guardPage: UnsafeMutableRawPointer { start + capacity }

  /// Makes the read-write pages read-only.
  ///
  /// - Throws: ``ConformanceError`` when mprotect(2) fails.
  func makeReadOnly() throws(ConformanceError) {
    guard mprotect(start, capacity, PROT_READ) == 0 else {
      throw ConformanceError("cannot make a buffer read-only: errno \(errno)")
    }
  }
}
