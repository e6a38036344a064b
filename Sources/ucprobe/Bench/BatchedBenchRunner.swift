import CUCBridge
@_spi(RawIoctl) import UCBridge

/// Times one shape of call made `batch` at a time: one `UCB_IOC_CALL_BATCH`
/// ioctl carrying `batch` copies of the same call, again and again, through
/// the connection's raw ioctl, so that the timed loop allocates nothing
/// (UCBridge's `Connection.batch` copies every input into the batch and
/// returns arrays of outcomes: allocations per call, which a bench of the
/// driver should not time).
///
/// Each ioctl's entries are rebuilt from a template before it is sent, as
/// the driver writes each entry's result and output counts back into it.
/// Latencies are per call: each ioctl's time divided by `batch`, recorded
/// once per ioctl.
struct BatchedBenchRunner {
  /// The connection calls go to.
  let connection: Connection
  /// The call to time.
  let call: MethodCall
  /// Calls per ioctl, 1 to `UCB_BATCH_MAX_CALLS`.
  let batch: Int

  /// Makes one batch to check every call in it succeeds, then batches
  /// untimed until `warmup` calls were made, then times batches until
  /// `limit`.
  ///
  /// - Parameters:
  ///   - warmup: Untimed calls before the timed ones, rounded up to whole
  ///     batches.
  ///   - limit: When to stop, counted in calls (whole batches).
  ///   - progress: Where to show progress, as `label: 42% (1234 calls)`.
  ///   - label: What the progress line calls this run.
  /// - Returns: The measurement, or the first failure: the ioctl's errno,
  ///   or the result of the first call in a batch that did not succeed.
  func run(
    warmup: Int, limit: BenchRunner.Limit, progress: inout ProgressLine, label: String
  ) -> Result<BenchRunner.Measurement, UCBridgeError> {
    var scalarRoom = [UInt64](repeating: 0, count: max(call.scalarOutputRoom, 1))
    var structRoom = [UInt8](repeating: 0, count: max(call.structOutputRoom, 1))
    var entries = [ucb_call](repeating: ucb_call(), count: batch)
    return call.scalarInput.withUnsafeBufferPointer { scalarInput in
      call.structInput.withUnsafeBytes { structInput in
        scalarRoom.withUnsafeMutableBufferPointer { scalarOutput in
          structRoom.withUnsafeMutableBytes { structOutput in
            entries.withUnsafeMutableBufferPointer { room in
              let entries = room
              var template = ucb_call()
              template.size = UInt32(MemoryLayout<ucb_call>.size)
              template.selector = call.selector
              template.scalar_in_count = UInt32(truncatingIfNeeded: call.scalarInput.count)
              template.struct_in_size = UInt32(truncatingIfNeeded: call.structInput.count)
              template.scalar_out_count = UInt32(truncatingIfNeeded: call.scalarOutputRoom)
              template.struct_out_size = UInt32(truncatingIfNeeded: call.structOutputRoom)
              template.scalar_in = UInt64(UInt(bitPattern: scalarInput.baseAddress))
              template.struct_in = UInt64(UInt(bitPattern: structInput.baseAddress))
              template.scalar_out = UInt64(UInt(bitPattern: scalarOutput.baseAddress))
              template.struct_out = UInt64(UInt(bitPattern: structOutput.baseAddress))
              return Result { () throws(UCBridgeError) in
                let makeBatch = { () throws(UCBridgeError) -> OutputCounts in
                  try sendBatch(entries, template: template)
                }
                let written = try makeBatch()
                var warm = batch
                while warm < warmup {
                  _ = try makeBatch()
                  warm += batch
                }
                return try timedLoop(
                  limit: limit, progress: &progress, label: label, written: written,
                  makeBatch: makeBatch)
              }
            }
          }
        }
      }
    }
  }

  /// One ioctl of `entries.count` copies of `template`; what the last one
  /// wrote.
  @inline(__always)
  private func sendBatch(
    _ entries: UnsafeMutableBufferPointer<ucb_call>, template: ucb_call
  ) throws(UCBridgeError) -> OutputCounts {
    for i in entries.indices { entries[i] = template }
    var header = ucb_batch()
    header.size = UInt32(MemoryLayout<ucb_batch>.size)
    header.flags = UInt32(UCB_BATCH_STOP_ON_ERROR)
    header.count = UInt32(entries.count)
    header.call_size = UInt32(MemoryLayout<ucb_call>.size)
    header.calls = UInt64(UInt(bitPattern: entries.baseAddress))
    try withUnsafeMutablePointer(to: &header) { (pointer) throws(UCBridgeError) in
      try connection.rawIoctl(ucb_ioc_call_batch, UnsafeMutableRawPointer(pointer))
    }
    // With STOP_ON_ERROR, the last entry that ran is the one that failed.
    let ran = Int(header.completed)
    if ran < entries.count || entries[entries.count - 1].result != UCB_IORETURN_SUCCESS {
      let failed = entries[max(0, min(ran, entries.count) - 1)].result
      throw .ioReturn(IOReturn(rawValue: failed == UCB_IORETURN_SUCCESS ? UCB_IORETURN_ERROR : failed))
    }
    let last = entries[entries.count - 1]
    return OutputCounts(
      scalarCount: Int(last.scalar_out_count), structSize: Int(last.struct_out_size))
  }

  private func timedLoop(
    limit: BenchRunner.Limit, progress: inout ProgressLine, label: String,
    written: OutputCounts, makeBatch: () throws(UCBridgeError) -> OutputCounts
  ) throws(UCBridgeError) -> BenchRunner.Measurement {
    var latencies = LatencyHistogram()
    var calls = 0
    var batches = 0
    let start = MonotonicClock.now()
    var end = start
    while true {
      let before = MonotonicClock.now()
      _ = try makeBatch()
      end = MonotonicClock.now()
      latencies.record((end &- before) / UInt64(batch))
      calls += batch
      batches += 1
      let done = limit.done(calls: calls, elapsedNanoseconds: end &- start)
      if done >= 1 { break }
      if batches & 0x3f == 0 {
        progress.update("\(label): \(Int(done * 100))% (\(calls) calls)", now: end)
      }
    }
    return BenchRunner.Measurement(
      calls: calls, elapsedNanoseconds: end &- start, latencies: latencies, written: written)
  }
}
