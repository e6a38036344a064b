import UCBridge

/// Times one shape of call: the same method with the same inputs and
/// room, again and again, through the raw buffer-taking call, so that the
/// timed loop allocates nothing.
struct BenchRunner {
  /// When a timed run stops.
  enum Limit {
    /// After this many calls.
    case iterations(Int)
    /// Once this many nanoseconds have passed.
    case duration(nanoseconds: UInt64)

    /// How much of the run is done, 1 or more when it is over.
    func done(calls: Int, elapsedNanoseconds: UInt64) -> Double {
      switch self {
      case .iterations(let count): return Double(calls) / Double(count)
      case .duration(let nanoseconds): return Double(elapsedNanoseconds) / Double(nanoseconds)
      }
    }
  }

  /// What a timed run measured.
  struct Measurement {
    /// Calls timed.
    var calls: Int
    /// Nanoseconds from the first timed call to the end of the last.
    var elapsedNanoseconds: UInt64
    /// Each call's latency.
    var latencies: LatencyHistogram
    /// What each call wrote (the same every time).
    var written: OutputCounts
  }

  /// The connection calls go to.
  let connection: Connection
  /// The call to time.
  let call: MethodCall

  /// Makes the call once to check it succeeds, then `warmup` more times
  /// untimed, then times calls one by one until `limit`.
  ///
  /// - Parameters:
  ///   - warmup: Untimed calls before the timed ones.
  ///   - limit: When to stop.
  ///   - progress: Where to show progress, as `label: 42% (1234 calls)`.
  ///   - label: What the progress line calls this run.
  /// - Returns: The measurement, or the first call's failure.
  func run(
    warmup: Int, limit: Limit, progress: inout ProgressLine, label: String
  ) -> Result<Measurement, UCBridgeError> {
    var scalarRoom = [UInt64](repeating: 0, count: call.scalarOutputRoom)
    var structRoom = [UInt8](repeating: 0, count: call.structOutputRoom)
    return call.scalarInput.withUnsafeBufferPointer { scalarInput in
      call.structInput.withUnsafeBytes { structInput in
        scalarRoom.withUnsafeMutableBufferPointer { scalarRoom in
          structRoom.withUnsafeMutableBytes { structOutput in
            Result { () throws(UCBridgeError) in
              let scalarOutput = scalarRoom
              let makeCall = { () throws(UCBridgeError) -> OutputCounts in
                try connection.callMethod(
                  call.selector, scalarInput: scalarInput, structInput: structInput,
                  scalarOutput: scalarOutput, structOutput: structOutput)
              }
              let written = try makeCall()
              for _ in 0..<warmup { _ = try makeCall() }
              return try timedLoop(
                limit: limit, progress: &progress, label: label, written: written,
                makeCall: makeCall)
            }
          }
        }
      }
    }
  }

  private func timedLoop(
    limit: Limit, progress: inout ProgressLine, label: String, written: OutputCounts,
    makeCall: () throws(UCBridgeError) -> OutputCounts
  ) throws(UCBridgeError) -> Measurement {
    var latencies = LatencyHistogram()
    var calls = 0
    let start = MonotonicClock.now()
    var end = start
    while true {
      let before = MonotonicClock.now()
      _ = try makeCall()
      end = MonotonicClock.now()
      latencies.record(end &- before)
      calls += 1
      let done = limit.done(calls: calls, elapsedNanoseconds: end &- start)
      if done >= 1 { break }
      if calls & 0xff == 0 {
        progress.update("\(label): \(Int(done * 100))% (\(calls) calls)", now: end)
      }
    }
    return Measurement(
      calls: calls, elapsedNanoseconds: end &- start, latencies: latencies, written: written)
  }
}
