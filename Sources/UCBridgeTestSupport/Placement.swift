/// Where a test puts one of a call's buffers, or its header: in the
/// read-write pages of a ``GuardedRegion``, against or into its guard page,
/// or at an address that is no memory of this process at all.
///
/// ucprobe's fuzzer places buffers in regions it maps once and reuses;
/// the conformance corpus maps a region for each buffer.  Both turn a
/// placement into an address with ``address(in:count:)``.
package enum Placement: Hashable, Sendable, CustomStringConvertible {
  /// At the region's start, page-aligned.
  case aligned
  /// This many bytes past the region's start: valid, but not aligned.
  case misaligned(Int)
  /// At the region's start, in pages made read-only before the call: the
  /// driver can read the buffer but not write it.
  ///
  /// The address is that of ``aligned``; whoever fills the buffer makes
  /// the region read-only afterwards (``GuardedRegion/makeReadOnly()``).
  case readOnly
  /// Ending exactly where the guard page begins: readable to the last
  /// byte, and a read past it faults.
  case againstGuard
  /// Starting this many bytes before the guard page and running into it,
  /// whatever the buffer's size.
  case straddlingGuard(inside: Int)
  /// Ending this many bytes into the guard page: all bytes but those are
  /// readable.
  case overrunningGuard(by: Int)
  /// This many bytes into the guard page, where nothing may be read or
  /// written.
  case guardPage(offset: Int)
  /// The null pointer.
  case null
  /// A fixed address where this process has no memory.
  case address(UInt64)

  /// An address in the kernel's half of the address space, which user
  /// pointers may never name.
  package static var kernel: Placement { .address(kernelAddress) }
  /// An address below `mmap_min_addr` (64 KiB), which no process can map.
  package static var lowUnmapped: Placement { .address(0x1000) }
  /// An address no x86-64 pointer can hold (not canonical).
  package static var nonCanonical: Placement { .address(0x8000_0000_0000_0000) }

  package var description: String {
    switch self {
    case .aligned: return "aligned"
    case .misaligned(let offset): return "misaligned+\(offset)"
    case .readOnly: return "read-only"
    case .againstGuard: return "against the guard page"
    case .straddlingGuard(let inside): return "straddling the guard page (\(inside) bytes in)"
    case .overrunningGuard(let overrun): return "running \(overrun) bytes into the guard page"
    case .guardPage: return "in the guard page"
    case .null: return "NULL"
    case .address(let address):
      let hex = "0x\(String(address, radix: 16))"
      return address == kernelAddress ? "kernel address \(hex)" : "address \(hex)"
    }
  }

  /// The address of `count` bytes placed this way in `region`.
  ///
  /// A region too small for the placement gets the nearest address it
  /// can hold: ``againstGuard`` falls back to the region's start, and
  /// ``straddlingGuard(inside:)`` and ``overrunningGuard(by:)`` start no
  /// earlier than it.
  ///
  /// - Parameters:
  ///   - region: The region the placement is relative to; unused for
  ///     ``null`` and ``address(_:)``.
  ///   - count: How many bytes the buffer spans.
  /// - Returns: The address of its first byte.
  package func address(in region: GuardedRegion, count: Int) -> UInt {
    let start = UInt(bitPattern: region.start)
    let guardPage = UInt(bitPattern: region.guardPage)
    switch self {
    case .aligned, .readOnly: return start
    case .misaligned(let offset): return start + UInt(offset)
    case .againstGuard: return count <= region.capacity ? guardPage - UInt(count) : start
    case .straddlingGuard(let inside): return guardPage - UInt(min(inside, region.capacity))
    case .overrunningGuard(let overrun):
      return guardPage - UInt(min(count - min(overrun, count), region.capacity))
    case .guardPage(let offset): return guardPage + UInt(offset)
    case .null: return 0
    case .address(let address): return UInt(address)
    }
  }
}
