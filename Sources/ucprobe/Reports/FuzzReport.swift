/// `ucprobe fuzz`'s result.
///
/// JSON keys: `device`, `driver`, `seed`, `first_index` and `calls` (the
/// cases run: `first_index` to `first_index + calls - 1`),
/// `elapsed_seconds`, `calls_per_second`, `watchdog_seconds`, `outcomes`
/// (for each request that was made, `call`, `driver_info`, `method_info`,
/// `open`, `call_batch`, `memory_info` or `unknown_ioctl`, an object counting its outcomes by IOReturn name,
/// errno name or `ok`), `live_buffers` (the driver's, after the run),
/// `finding_count`, `findings` (the first 50 ``FuzzFinding``s) and
/// `passed` (no findings and no live buffers).
struct FuzzReport: Encodable {
  var device: String
  var driver: String
  var seed: UInt64
  var firstIndex: Int
  var calls: Int
  var elapsedSeconds: Double
  var callsPerSecond: Double
  var watchdogSeconds: Double
  var outcomes: [String: [String: Int]]
  var liveBuffers: UInt64
  var findingCount: Int
  var findings: [FuzzFinding]
  var passed: Bool

  enum CodingKeys: String, CodingKey {
    case device, driver, seed, calls, outcomes, findings, passed
    case firstIndex = "first_index"
    case elapsedSeconds = "elapsed_seconds"
    case callsPerSecond = "calls_per_second"
    case watchdogSeconds = "watchdog_seconds"
    case liveBuffers = "live_buffers"
    case findingCount = "finding_count"
  }

  /// The requests in the order their outcomes are shown, with their C
  /// names.
  private static let requests = [
    ("call", "UCB_IOC_CALL"), ("driver_info", "UCB_IOC_DRIVER_INFO"),
    ("method_info", "UCB_IOC_METHOD_INFO"), ("open", "UCB_IOC_OPEN"),
    ("call_batch", "UCB_IOC_CALL_BATCH"), ("memory_info", "UCB_IOC_MEMORY_INFO"),
    ("unknown_ioctl", "unknown ioctls"),
  ]

  /// The outcome counts as a table: each request's total, then its
  /// outcomes, most frequent first.
  var outcomeLines: [String] {
    var table = TextTable([("OUTCOME", .left), ("CALLS", .right)])
    for (key, name) in Self.requests {
      guard let counts = outcomes[key] else { continue }
      table.append([name, String(counts.values.reduce(0, +))])
      for (outcome, count) in counts.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) {
        table.append(["  " + outcome, String(count)])
      }
    }
    return table.lines
  }
}
