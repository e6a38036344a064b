/// `ucprobe bench`'s result: one timed run per struct size.
///
/// JSON keys: `device`, `driver` (its name), `selector`, `method` (absent
/// past the table), `scalar_input`, `scalar_output_room`, `warmup_calls`,
/// `duration_seconds` (per size; absent with `--iterations`),
/// `iterations` (per size; absent with `--duration`), `batch` (calls per
/// `UCB_IOC_CALL_BATCH` ioctl; absent without `--batch`), and `runs`, one
/// ``Run`` per size in the order given.
struct BenchReport: Encodable {
  /// One size's timed run.
  ///
  /// JSON keys: `struct_input_size`, `struct_output_room`,
  /// `struct_output_size` (what each call wrote), `calls`,
  /// `elapsed_seconds`, `calls_per_second`, `bytes_per_second` (struct
  /// bytes in and out per second), and `latency_ns`, a ``Latency``.
  struct Run: Encodable {
    var structInputSize: Int
    var structOutputRoom: Int
    var structOutputSize: Int
    var calls: Int
    var elapsedSeconds: Double
    var callsPerSecond: Double
    var bytesPerSecond: Double
    var latencyNanoseconds: Latency

    enum CodingKeys: String, CodingKey {
      case calls
      case structInputSize = "struct_input_size"
      case structOutputRoom = "struct_output_room"
      case structOutputSize = "struct_output_size"
      case elapsedSeconds = "elapsed_seconds"
      case callsPerSecond = "calls_per_second"
      case bytesPerSecond = "bytes_per_second"
      case latencyNanoseconds = "latency_ns"
    }
  }

  /// The latency of single calls, in nanoseconds.
  ///
  /// JSON keys: `min`, `mean`, `p50`, `p90`, `p99`, `p99_9`, `max`.
  /// Percentiles are within 1% of a measured latency.
  struct Latency: Encodable {
    var min: UInt64
    var mean: Double
    var p50: UInt64
    var p90: UInt64
    var p99: UInt64
    var p99_9: UInt64
    var max: UInt64

    init(_ histogram: LatencyHistogram) {
      min = histogram.min
      mean = histogram.mean
      p50 = histogram.percentile(50)
      p90 = histogram.percentile(90)
      p99 = histogram.percentile(99)
      p99_9 = histogram.percentile(99.9)
      max = histogram.max
    }
  }

  var device: String
  var driver: String
  var selector: UInt32
  var method: String?
  var scalarInput: [UInt64]
  var scalarOutputRoom: Int
  var warmupCalls: Int
  var durationSeconds: Double?
  var iterations: Int?
  var batch: Int?
  var runs: [Run] = []

  enum CodingKeys: String, CodingKey {
    case device, driver, selector, method, iterations, batch, runs
    case scalarInput = "scalar_input"
    case scalarOutputRoom = "scalar_output_room"
    case warmupCalls = "warmup_calls"
    case durationSeconds = "duration_seconds"
  }

  /// The report as `ucprobe bench` prints it: the table of runs.
  var tableLines: [String] {
    var table = TextTable([
      ("STRUCT IN", .right), ("OUT ROOM", .right), ("CALLS", .right), ("CALLS/S", .right),
      ("MiB/S", .right), ("MIN", .right), ("P50", .right), ("P90", .right), ("P99", .right),
      ("P99.9", .right), ("MAX", .right),
    ])
    for run in runs {
      let latency = run.latencyNanoseconds
      table.append(
        [
          Units.compactBytes(run.structInputSize), Units.compactBytes(run.structOutputRoom),
          String(run.calls), Units.rate(run.callsPerSecond),
          run.bytesPerSecond > 0 ? cFormat("%.1f", run.bytesPerSecond / 1_048_576) : "-",
        ]
          + [latency.min, latency.p50, latency.p90, latency.p99, latency.p99_9, latency.max].map {
            Units.duration(nanoseconds: Double($0))
          })
    }
    return table.lines
  }
}

extension BenchReport.Run {
  /// The report of one size's measurement.
  ///
  /// - Parameters:
  ///   - call: The call timed.
  ///   - measurement: What was measured.
  init(_ call: MethodCall, _ measurement: BenchRunner.Measurement) {
    let seconds = Double(measurement.elapsedNanoseconds) / 1e9
    let rate = seconds > 0 ? Double(measurement.calls) / seconds : 0
    structInputSize = call.structInput.count
    structOutputRoom = call.structOutputRoom
    structOutputSize = measurement.written.structSize
    calls = measurement.calls
    elapsedSeconds = seconds
    callsPerSecond = rate
    bytesPerSecond = rate * Double(structInputSize + structOutputSize)
    latencyNanoseconds = BenchReport.Latency(measurement.latencies)
  }
}
