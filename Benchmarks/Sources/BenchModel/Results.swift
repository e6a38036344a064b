// What a benchmark run writes and the report reads: per-round samples, so
// that every ratio is taken between variants measured in the same round.

/// One run of `ucbridge-bench`: in the VM against /dev/ucbridge/reference, or on the
/// host against the mock.
public struct BenchResults: Codable, Sendable {
  /// "device" or "mock".
  public var kind: String
  /// Tiny iteration counts: the run proves the benchmarks work, nothing
  /// more.
  public var smoke: Bool
  /// Where it ran: kernel, CPU, clock source, crc32c driver, ...
  public var environment: [String: String]
  /// Variants measured side by side, round by round.
  public var comparisons: [Comparison]
  /// Heap allocations per call.
  public var allocations: [AllocationCount]
  /// Facts checked along the way, such as both CRCs agreeing.
  public var checks: [String: String]
  /// Wall-clock seconds the run took.
  public var seconds: Double

  public init(kind: String, smoke: Bool) {
    self.kind = kind
    self.smoke = smoke
    environment = [:]
    comparisons = []
    allocations = []
    checks = [:]
    seconds = 0
  }

  public func comparison(_ id: String) -> Comparison? {
    comparisons.first { $0.id == id }
  }

  public func comparisons(prefix: String) -> [Comparison] {
    comparisons.filter { $0.id.hasPrefix(prefix) }
  }
}

/// Variants run in rounds, each round running every variant once for the
/// same number of iterations, in alternating order (forward, then
/// backward), so that drift hits all of them alike.
public struct Comparison: Codable, Sendable {
  public var id: String
  public var title: String
  /// The size in bytes, for a sweep.
  public var bytes: Int?
  /// Iterations of each variant per round.
  public var iterations: Int
  public var series: [Series]

  public init(id: String, title: String, bytes: Int? = nil, iterations: Int,
              series: [Series]) {
    self.id = id
    self.title = title
    self.bytes = bytes
    self.iterations = iterations
    self.series = series
  }

  public subscript(_ id: String) -> Series? {
    series.first { $0.id == id }
  }

  /// Per-round ratios of one series' time over another's.
  public func ratios(_ id: String, over base: String) -> [Double]? {
    guard let a = self[id], let b = self[base] else { return nil }
    return zip(a.samples, b.samples).map { $0 / $1 }
  }
}

/// One variant: nanoseconds per operation, one sample per round.
public struct Series: Codable, Sendable {
  public var id: String
  public var label: String
  public var samples: [Double]

  public init(id: String, label: String, samples: [Double] = []) {
    self.id = id
    self.label = label
    self.samples = samples
  }
}

/// Heap allocations counted over a number of calls.
public struct AllocationCount: Codable, Sendable {
  public var id: String
  public var label: String
  public var calls: Int
  public var allocations: Int

  public init(id: String, label: String, calls: Int, allocations: Int) {
    self.id = id
    self.label = label
    self.calls = calls
    self.allocations = allocations
  }

  public var perCall: Double { Double(allocations) / Double(max(calls, 1)) }
}

/// Median and spread of a set of samples.
public struct Summary: Sendable {
  public var median: Double
  public var p25: Double
  public var p75: Double
  public var min: Double
  public var max: Double
  public var count: Int

  public init?(_ values: [Double]) {
    let sorted = values.filter { $0.isFinite }.sorted()
    guard !sorted.isEmpty else { return nil }
    func quantile(_ q: Double) -> Double {
      let position = q * Double(sorted.count - 1)
      let low = Int(position.rounded(.down))
      let high = Swift.min(low + 1, sorted.count - 1)
      let fraction = position - Double(low)
      return sorted[low] + (sorted[high] - sorted[low]) * fraction
    }
    median = quantile(0.5)
    p25 = quantile(0.25)
    p75 = quantile(0.75)
    min = sorted.first!
    max = sorted.last!
    count = sorted.count
  }
}
