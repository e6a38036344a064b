/// Latencies in a log-linear histogram, as HdrHistogram keeps them: exact
/// below 128 ns, then 64 buckets for each power of two, so that a value
/// read back is within 1% of one recorded.  Its memory is fixed however
/// long a run is, and recording allocates nothing.
struct LatencyHistogram {
  /// Buckets per power of two above the exact range.
  private static let bucketsPerOctave = 64
  /// Values below this are counted exactly, one bucket each.
  private static let exactLimit = 2 * bucketsPerOctave
  private static let bucketCount = (64 - 7) * bucketsPerOctave + exactLimit

  private var counts = [UInt64](repeating: 0, count: LatencyHistogram.bucketCount)
  /// How many latencies were recorded.
  private(set) var count: UInt64 = 0
  /// The smallest latency recorded, in nanoseconds.
  private(set) var min: UInt64 = .max
  /// The largest latency recorded, in nanoseconds.
  private(set) var max: UInt64 = 0
  private var total: Double = 0

  /// Records one latency.
  ///
  /// - Parameter nanoseconds: The latency.
  @inline(__always)
  mutating func record(_ nanoseconds: UInt64) {
    counts[Self.bucket(of: nanoseconds)] &+= 1
    count &+= 1
    total += Double(nanoseconds)
    min = Swift.min(min, nanoseconds)
    max = Swift.max(max, nanoseconds)
  }

  /// The mean latency in nanoseconds; 0 before any is recorded.
  var mean: Double { count == 0 ? 0 : total / Double(count) }

  /// The latency below or at which `percent` of those recorded fall: the
  /// middle of its bucket, kept within the smallest and largest recorded;
  /// the largest itself at 100%.
  ///
  /// - Parameter percent: The percentile, 0 to 100.
  /// - Returns: The latency in nanoseconds; 0 before any is recorded.
  func percentile(_ percent: Double) -> UInt64 {
    guard count > 0 else { return 0 }
    let rank = Swift.max(1, UInt64((percent / 100 * Double(count)).rounded(.up)))
    guard rank < count else { return max }
    var seen: UInt64 = 0
    for (bucket, bucketCount) in counts.enumerated() where bucketCount > 0 {
      seen += bucketCount
      if seen >= rank {
        let (lower, width) = Self.range(of: bucket)
        return Swift.min(Swift.max(lower + (width - 1) / 2, min), max)
      }
    }
    return max
  }

  /// The bucket of a value: the value itself below ``exactLimit``; above,
  /// its top seven bits, after the power of two it lies in.
  private static func bucket(of value: UInt64) -> Int {
    let shift = Swift.max(0, (64 - value.leadingZeroBitCount) - 7)
    return shift * bucketsPerOctave + Int(truncatingIfNeeded: value >> UInt64(shift))
  }

  /// The smallest value of a bucket and how many values it holds.
  private static func range(of bucket: Int) -> (lower: UInt64, width: UInt64) {
    guard bucket >= exactLimit else { return (UInt64(bucket), 1) }
    let shift = bucket / bucketsPerOctave - 1
    return (UInt64(bucket - shift * bucketsPerOctave) << UInt64(shift), 1 << UInt64(shift))
  }
}
