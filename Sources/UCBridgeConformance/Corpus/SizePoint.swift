/// A struct size a case uses, with the label its name gives it.
struct SizePoint: Sendable {
  /// How the case name writes it: the number, or `max` and `max+1` for
  /// the driver-wide max_struct_size and one past it.
  let label: String
  /// The size in bytes.
  let bytes: Int
}

extension CorpusSection {
  /// The sizes every variable struct goes through: around pages, around
  /// IOKit's old 8 KiB crossover from copied structs to mapped
  /// descriptors, 64 KiB, and the section's max_struct_size and one past
  /// it (1 MiB in the main section).
  var boundarySizes: [SizePoint] {
    [0, 1, 4095, 4096, 4097, 8191, 8192, 8193, 65536]
      .filter { $0 < maxStructSize }
      .map { SizePoint(label: String($0), bytes: $0) }
      + [max, maxPlusOne]
  }

  /// The section's max_struct_size.
  var max: SizePoint { SizePoint(label: "max", bytes: maxStructSize) }

  /// One byte past the section's max_struct_size.
  var maxPlusOne: SizePoint { SizePoint(label: "max+1", bytes: maxStructSize + 1) }
}
