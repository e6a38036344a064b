/// How ucprobe writes sizes, latencies and rates for people; JSON output
/// carries plain numbers instead.
enum Units {
  /// A byte count in the compact form ucprobe also reads (`ByteCount`):
  /// `"1M"`, `"64K"`, `"4095"`.  Exact: a suffix only for exact multiples.
  ///
  /// - Parameter bytes: The count.
  /// - Returns: Its compact form.
  static func compactBytes(_ bytes: Int) -> String {
    for (shift, suffix) in [(30, "G"), (20, "M"), (10, "K")]
    where bytes >= 1 << shift && bytes % (1 << shift) == 0 {
      return "\(bytes >> shift)\(suffix)"
    }
    return String(bytes)
  }

  /// A byte count with its binary-prefixed size when it has one:
  /// `"1048576 bytes (1 MiB)"`, `"24 bytes"`.
  ///
  /// - Parameter bytes: The count.
  /// - Returns: The description.
  static func bytes(_ bytes: Int) -> String {
    for (shift, unit) in [(30, "GiB"), (20, "MiB"), (10, "KiB")]
    where bytes >= 1 << shift && bytes % (1 << shift) == 0 {
      return "\(bytes) bytes (\(bytes >> shift) \(unit))"
    }
    return bytes == 1 ? "1 byte" : "\(bytes) bytes"
  }

  /// A duration in nanoseconds, in the largest unit that keeps it at least
  /// 1, to three significant digits: `"812 ns"`, `"1.21 µs"`, `"15.3 ms"`.
  ///
  /// - Parameter nanoseconds: The duration.
  /// - Returns: Its description.
  static func duration(nanoseconds: Double) -> String {
    let scales: [(Double, String)] = [(1e9, "s"), (1e6, "ms"), (1e3, "µs")]
    for (scale, unit) in scales where nanoseconds >= scale {
      return "\(threeDigits(nanoseconds / scale)) \(unit)"
    }
    return "\(cFormat("%.0f", nanoseconds)) ns"
  }

  /// A rate, such as calls per second, to three significant digits with
  /// a metric suffix: `"950"`, `"81.2K"`, `"1.23M"`.
  ///
  /// - Parameter value: The rate.
  /// - Returns: Its description.
  static func rate(_ value: Double) -> String {
    for (scale, suffix) in [(1e9, "G"), (1e6, "M"), (1e3, "K")] where value >= scale {
      return threeDigits(value / scale) + suffix
    }
    return cFormat("%.0f", value)
  }

  /// Seconds to three significant digits, as `"1.00 s"`.
  ///
  /// - Parameter seconds: The duration.
  /// - Returns: Its description.
  static func seconds(_ seconds: Double) -> String {
    duration(nanoseconds: seconds * 1e9)
  }

  /// A count of things: `"1 call"`, `"2000 calls"`.
  ///
  /// - Parameters:
  ///   - count: How many.
  ///   - noun: The thing, singular; its plural adds an s.
  /// - Returns: The count and the noun.
  static func count(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
  }

  private static func threeDigits(_ value: Double) -> String {
    switch value {
    case ..<10: return cFormat("%.2f", value)
    case ..<100: return cFormat("%.1f", value)
    default: return cFormat("%.0f", value)
    }
  }
}
