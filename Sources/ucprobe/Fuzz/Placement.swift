import UCBridgeTestSupport

/// Where a fuzz case puts a buffer or header: inside a ``GuardedRegion``,
/// against or across its guard page, or at an address that is no memory of
/// this process at all.
enum Placement: Hashable, Sendable, CustomStringConvertible {
  /// At the region's start, page-aligned.
  case aligned
  /// This many bytes (1 to 7) past the region's start.
  case misaligned(Int)
  /// Ending exactly where the guard page begins: readable to the last
  /// byte, and a read past it faults.
  case againstGuard
  /// Starting in the region and running this many bytes short of its end
  /// into the guard page.
  case straddlingGuard(inside: Int)
  /// The null pointer.
  case null
  /// Inside the guard page, where nothing may be read or written.
  case guardPage
  /// A kernel address, which user pointers may never name.
  case kernel

  /// An address in the kernel's half of the address space.
  static let kernelAddress = UInt(UCBridgeTestSupport.kernelAddress)

  var description: String {
    switch self {
    case .aligned: return "aligned"
    case .misaligned(let offset): return "misaligned+\(offset)"
    case .againstGuard: return "against the guard page"
    case .straddlingGuard(let inside): return "straddling the guard page (\(inside) bytes in)"
    case .null: return "NULL"
    case .guardPage: return "in the guard page"
    case .kernel: return "kernel address 0x\(String(Self.kernelAddress, radix: 16))"
    }
  }

  /// The address of `count` bytes placed this way in `region`.
  ///
  /// - Parameters:
  ///   - region: The region the placement is relative to.
  ///   - count: How many bytes the buffer spans.
  /// - Returns: The address of its first byte.
  func address(in region: GuardedRegion, count: Int) -> UInt {
    let start = UInt(bitPattern: region.start)
    let guardPage = UInt(bitPattern: region.guardPage)
    switch self {
    case .aligned: return start
    case .misaligned(let offset): return start + UInt(offset)
    case .againstGuard: return count <= region.capacity ? guardPage - UInt(count) : start
    case .straddlingGuard(let inside): return guardPage - UInt(min(inside, region.capacity))
    case .null: return 0
    case .guardPage: return guardPage + 8
    case .kernel: return Self.kernelAddress
    }
  }
}
