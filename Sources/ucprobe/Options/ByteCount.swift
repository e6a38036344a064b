/// A byte count from the command line: a number in ``NumberSyntax``,
/// optionally followed by `K`, `M` or `G` (binary multiples: `4K` is 4096;
/// `KiB`, `MiB` and `GiB` read the same), at most 4294967295, as the ABI's
/// sizes are 32-bit.
struct ByteCount: Hashable, Sendable {
  /// The count in bytes.
  var value: Int

  /// Reads a byte count.
  ///
  /// - Parameter text: The count as written, such as `65536`, `64K` or
  ///   `0x10000`.
  /// - Returns: The count.
  /// - Throws: ``InvalidValue`` when it is not a count or is above
  ///   4294967295 bytes.
  static func parse(_ text: String) throws(InvalidValue) -> ByteCount {
    var number = Substring(text)
    var shift = 0
    for (suffixes, suffixShift) in [(["KiB", "K", "k"], 10), (["MiB", "M"], 20), (["GiB", "G"], 30)] {
      if let suffix = suffixes.first(where: { number.hasSuffix($0) }) {
        number = number.dropLast(suffix.count)
        shift = suffixShift
        break
      }
    }
    guard let count = NumberSyntax.unsigned(number),
      count <= UInt64(UInt32.max) >> shift
    else {
      throw InvalidValue(
        description: "a byte count is 0 to 4294967295, as 4096, 0x1000, 64K, 1M or 1G")
    }
    return ByteCount(value: Int(count) << shift)
  }
}

/// Byte counts separated by commas, as `--sizes 0,4096,64K,1M` takes.
struct ByteCountList: Hashable, Sendable {
  /// The counts, in the order given.
  var values: [Int]

  /// Reads a list of byte counts.
  ///
  /// - Parameter text: The counts, comma-separated.
  /// - Returns: The list.
  /// - Throws: ``InvalidValue`` naming the first count that is not one.
  static func parse(_ text: String) throws(InvalidValue) -> ByteCountList {
    var values: [Int] = []
    for item in text.split(separator: ",", omittingEmptySubsequences: false) {
      let item = String(item.filter { !$0.isWhitespace })
      do {
        values.append(try ByteCount.parse(item).value)
      } catch {
        throw InvalidValue(description: "'\(item)': \(error)")
      }
    }
    return ByteCountList(values: values)
  }
}
