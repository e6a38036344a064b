import CUCBridge

/// The fields of an introspection structure, so that a case can say which
/// ones a driver filled in wrongly rather than only that bytes differ.
struct StructFields: Sendable {
  /// Each field's name and bytes, in order.
  let fields: [(name: String, bytes: Range<Int>)]

  /// `struct ucb_driver_info`.
  static let driverInfo = StructFields(
    size: MemoryLayout<ucb_driver_info>.size,
    [
      ("size", MemoryLayout<ucb_driver_info>.offset(of: \.size)!),
      ("flags", MemoryLayout<ucb_driver_info>.offset(of: \.flags)!),
      ("abi_version", MemoryLayout<ucb_driver_info>.offset(of: \.abi_version)!),
      ("driver_version", MemoryLayout<ucb_driver_info>.offset(of: \.driver_version)!),
      ("method_count", MemoryLayout<ucb_driver_info>.offset(of: \.method_count)!),
      ("max_scalars", MemoryLayout<ucb_driver_info>.offset(of: \.max_scalars)!),
      ("max_struct_size", MemoryLayout<ucb_driver_info>.offset(of: \.max_struct_size)!),
      ("struct_size_limit", MemoryLayout<ucb_driver_info>.offset(of: \.struct_size_limit)!),
      ("live_buffers", MemoryLayout<ucb_driver_info>.offset(of: \.live_buffers)!),
      ("name", MemoryLayout<ucb_driver_info>.offset(of: \.name)!),
    ])

  /// `struct ucb_open`.
  static let open = StructFields(
    size: MemoryLayout<ucb_open>.size,
    [
      ("size", MemoryLayout<ucb_open>.offset(of: \.size)!),
      ("flags", MemoryLayout<ucb_open>.offset(of: \.flags)!),
      ("type", MemoryLayout<ucb_open>.offset(of: \.type)!),
      ("result", MemoryLayout<ucb_open>.offset(of: \.result)!),
    ])

  /// `struct ucb_method_info`.
  static let methodInfo = StructFields(
    size: MemoryLayout<ucb_method_info>.size,
    [
      ("size", MemoryLayout<ucb_method_info>.offset(of: \.size)!),
      ("flags", MemoryLayout<ucb_method_info>.offset(of: \.flags)!),
      ("selector", MemoryLayout<ucb_method_info>.offset(of: \.selector)!),
      ("method_flags", MemoryLayout<ucb_method_info>.offset(of: \.method_flags)!),
      ("scalar_in_count", MemoryLayout<ucb_method_info>.offset(of: \.scalar_in_count)!),
      ("struct_in_size", MemoryLayout<ucb_method_info>.offset(of: \.struct_in_size)!),
      ("scalar_out_count", MemoryLayout<ucb_method_info>.offset(of: \.scalar_out_count)!),
      ("struct_out_size", MemoryLayout<ucb_method_info>.offset(of: \.struct_out_size)!),
      ("struct_in_max", MemoryLayout<ucb_method_info>.offset(of: \.struct_in_max)!),
      ("struct_out_max", MemoryLayout<ucb_method_info>.offset(of: \.struct_out_max)!),
      ("calls", MemoryLayout<ucb_method_info>.offset(of: \.calls)!),
      ("errors", MemoryLayout<ucb_method_info>.offset(of: \.errors)!),
      ("name", MemoryLayout<ucb_method_info>.offset(of: \.name)!),
    ])

  /// `struct ucb_memory_info`.
  static let memoryInfo = StructFields(
    size: MemoryLayout<ucb_memory_info>.size,
    [
      ("size", MemoryLayout<ucb_memory_info>.offset(of: \.size)!),
      ("flags", MemoryLayout<ucb_memory_info>.offset(of: \.flags)!),
      ("type", MemoryLayout<ucb_memory_info>.offset(of: \.type)!),
      ("memory_flags", MemoryLayout<ucb_memory_info>.offset(of: \.memory_flags)!),
      ("length", MemoryLayout<ucb_memory_info>.offset(of: \.length)!),
      ("offset", MemoryLayout<ucb_memory_info>.offset(of: \.offset)!),
      ("name", MemoryLayout<ucb_memory_info>.offset(of: \.name)!),
    ])

  /// Fields from their names and offsets, each running to the next.
  private init(size: Int, _ starts: [(String, Int)]) {
    fields = starts.indices.map { index in
      let end = index + 1 < starts.count ? starts[index + 1].1 : size
      return (starts[index].0, starts[index].1..<end)
    }
  }

  /// The fields whose bytes differ, each as `name value, expected value`.
  ///
  /// - Parameters:
  ///   - actual: The structure as written.
  ///   - expected: The structure as it should be.
  /// - Returns: One line per differing field; one line for structures of
  ///   different sizes.
  func differences(_ actual: [UInt8], expected: [UInt8]) -> [String] {
    guard actual.count == expected.count else {
      return ["\(actual.count) bytes written, expected \(expected.count)"]
    }
    return fields.compactMap { field in
      let range = field.bytes.clamped(to: 0..<actual.count)
      guard actual[range] != expected[range] else { return nil }
      return "\(field.name) \(Self.value(actual[range])), expected \(Self.value(expected[range]))"
    }
  }

  /// A field's bytes as a little-endian number, or as text for a name.
  private static func value(_ bytes: ArraySlice<UInt8>) -> String {
    guard bytes.count <= 8 else {
      return "\"" + String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self) + "\""
    }
    let number = bytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    return "0x" + String(number, radix: 16)
  }
}
