import UCBridgeTestSupport

/// A placement as case names and summaries give it.
struct NamedPlacement: Sendable {
  /// The name's word for it, such as `kernel`.
  let label: String
  /// What it is, for summaries.
  let summary: String
  /// The placement.
  let placement: Placement

  static let null = NamedPlacement(label: "null", summary: "at address 0", placement: .null)
  static let lowUnmapped = NamedPlacement(
    label: "low_unmapped", summary: "at 0x1000, below mmap_min_addr", placement: .lowUnmapped)
  static let kernel = NamedPlacement(
    label: "kernel", summary: "at kernel address 0x\(String(kernelAddress, radix: 16))",
    placement: .kernel)
  static let nonCanonical = NamedPlacement(
    label: "noncanonical", summary: "at non-canonical 0x8000000000000000", placement: .nonCanonical)
  static let guardPage = NamedPlacement(
    label: "guard_page", summary: "at the start of a PROT_NONE page",
    placement: .guardPage(offset: 0))
  static let misaligned = NamedPlacement(
    label: "misaligned", summary: "one byte off alignment, valid", placement: .misaligned(1))
  static let readOnly = NamedPlacement(
    label: "read_only", summary: "in read-only memory", placement: .readOnly)

  /// Ending `overrun` bytes into a PROT_NONE page.
  static func straddling(_ overrun: Int) -> NamedPlacement {
    NamedPlacement(
      label: "straddling", summary: "with its last \(overrun) bytes in a PROT_NONE page",
      placement: .overrunningGuard(by: overrun))
  }

  /// Addresses where the driver can read nothing at all.
  static let unreadable: [NamedPlacement] = [lowUnmapped, kernel, nonCanonical, guardPage]
}
