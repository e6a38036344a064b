import UCBridgeTestSupport

/// Where a case puts one of a call's buffers (or its header): in ordinary
/// memory, or at an address the driver must refuse with `EFAULT`.
enum Placement: Hashable, Sendable {
  /// At the start of read-write pages of its own, followed by slack bytes
  /// that the driver must never write.
  case normal
  /// One byte past the start of its own pages: valid, but not aligned.
  case misaligned
  /// In read-write pages made read-only before the call: the driver can
  /// read it but not write it.
  case readOnly
  /// At address 0, with its count as the case says.
  case null
  /// At a fixed address where this process has no memory.
  case address(UInt64)
  /// At the first byte of a `PROT_NONE` guard page.
  case guardPage
  /// Ending this many bytes into a guard page: the first bytes are
  /// readable, the rest are not.
  case straddling(Int)

  /// An address in the kernel's half of the address space.
  static var kernel: Placement { .address(kernelAddress) }
  /// An address below `mmap_min_addr` (64 KiB), which no process can map.
  static var lowUnmapped: Placement { .address(0x1000) }
  /// An address no x86-64 pointer can hold (not canonical).
  static var nonCanonical: Placement { .address(0x8000_0000_0000_0000) }
}
