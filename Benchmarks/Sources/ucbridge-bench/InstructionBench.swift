import BenchModel
import CBench
import Dispatch
import UCBridge
import UCBridgeIOKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The fixed costs, in a VM booted with `scripts/vm/run --icount`: one
/// vCPU whose clock advances one nanosecond per guest instruction executed,
/// so that every "nanosecond" below is one instruction, user and kernel,
/// and a round gives the same figure as the last.
///
/// Every variant runs the same fixed number of calls per batch, small
/// enough that most batches see no timer interrupt (the tick's own
/// instructions land in whichever batch it interrupts: such a round reads
/// a little higher, and the median leaves it out).
struct InstructionBench {
  var smoke: Bool
  /// What this boot is, such as "6.1, -cpu qemu64": the report's label.
  var configuration: String
  var results: BenchResults

  /// The batch sizes measured; every one divides `callsPerBatch`.
  static let batchSizes: [UInt32] = [1, 8, 64, 256]
  /// Calls per timed batch, of every variant: about 0.4 M instructions
  /// for a noop, a tenth of a timer tick (HZ=250) at one instruction per
  /// nanosecond.
  static let callsPerBatch = 256

  init(smoke: Bool, configuration: String) {
    self.smoke = smoke
    self.configuration = configuration
    results = BenchResults(kind: "icount", smoke: smoke)
  }

  mutating func run() throws {
    let start = ucbb_now_ns()
    results.environment = machineEnvironment()
    results.environment["configuration"] = configuration
    try callOverhead()
    try cliffs()
    // Guest nanoseconds, which here are instructions.
    results.seconds = Double(ucbb_now_ns() - start) / 1e9
  }

  mutating func callOverhead() throws {
    let bench = DeviceBench(smoke: smoke)
    let fd = try bench.openDevice()
    let null = try bench.openDevice("/dev/null")
    let connection = try Connection.open()
    var handle: io_connect_t = IO_OBJECT_NULL
    guard IOServiceOpen("/dev/ucbridge/reference", mach_task_self_, 0, &handle) == kIOReturnSuccess
    else { throw BenchFailure("IOServiceOpen failed") }
    let room = UnsafeMutableRawPointer.allocate(
      byteCount: Int(Self.batchSizes.max()!) * 128, alignment: 64)
    defer {
      close(fd)
      close(null)
      try? connection.close()
      _ = IOServiceClose(handle)
      room.deallocate()
    }
    var variants = [
      Variant(id: "bare-ucbridge", label: "bare ioctl, unknown number, /dev/ucbridge/reference (ENOTTY)") {
        try checked("bare ioctl", ucbb_bare_ioctl(fd, ucbb_ioc_unknown, UInt64($0)))
      },
      Variant(id: "bare-null", label: "bare ioctl, /dev/null (ENOTTY)") {
        try checked("bare ioctl /dev/null", ucbb_bare_ioctl(null, ucbb_ioc_unknown, UInt64($0)))
      },
      Variant(id: "c-unknown", label: "C: UCB_IOC_CALL, unknown selector") {
        try checked("C unknown selector", ucbb_call_unknown_selector(fd, UInt64($0)))
      },
      Variant(id: "c-noop", label: "C: noop through the bridge") {
        try checked("C noop", ucbb_call_noop(fd, UInt64($0)))
      },
    ] + SwiftNoopLayer.allCases.map { layer in
      Variant(id: layer.rawValue, label: layer.label) {
        try layer.run($0, connection: connection, handle: handle)
      }
    }
    let batch = ucbb_batch_supported(fd)
    if batch == 0 {
      results.checks["UCB_IOC_CALL_BATCH"] = "implemented"
      for count in Self.batchSizes {
        variants.append(Variant(
          id: "c-batch-\(count)", label: "C: noop in a batch of \(count) (UCB_IOC_CALL_BATCH)"
        ) {
          try checked("C batch of \(count)", ucbb_call_noop_batch(fd, room, count, UInt64($0)))
        })
      }
      variants += swiftBatchVariants(connection: connection)
    } else {
      // A module from before batched calls: measure the rest.
      results.checks["UCB_IOC_CALL_BATCH"] = "not implemented by the module measured (it answered \(errnoName(-batch)))"
      progress("UCB_IOC_CALL_BATCH: \(errnoName(-batch)); no batch rows")
    }
    let async = ucbb_async_supported(fd)
    if async == 0 {
      results.checks["UCB_IOC_CALL_ASYNC"] = "implemented"
      variants += [
        Variant(id: "c-async-now", label: "C: async delayed(0) and read(2) of its completion (completed before the submission returns)") {
          try checked("C async delayed", ucbb_async_round_trip(fd, ReferenceSelector.delayed, UInt64($0)))
        },
        Variant(id: "c-async-worker", label: "C: async asyncChecksum of nothing and read(2) of its completion (completed by a kernel worker)") {
          try checked("C async asyncChecksum", ucbb_async_round_trip(fd, ReferenceSelector.asyncChecksum, UInt64($0)))
        },
        Variant(id: "swift-async-now", label: "Swift submitAsyncMethod of delayed(0), waiting for its completion handler (run by the connection's event reader)") { n in
          try Self.swiftAsyncRoundTrips(n)
        },
      ]
    } else {
      results.checks["UCB_IOC_CALL_ASYNC"] = "not implemented by the module measured (it answered \(errnoName(-async)))"
      progress("UCB_IOC_CALL_ASYNC: \(errnoName(-async)); no async rows")
    }
    let budget = Budget(rounds: smoke ? 3 : 21, batchNanoseconds: 0)
    results.comparisons.append(try interleave(
      id: "overhead", title: "noop call overhead, in guest instructions", budget: budget,
      iterations: Self.callsPerBatch, variants: variants))
  }

  /// `sink` around the sizes where the kernel's buffers change (the stack
  /// buffer's end, a page, two pages), as DeviceBench.cliffs() does in wall
  /// time: here every size's instructions per call, exactly.  The copy
  /// itself counts too (`rep movsb` is one instruction per byte under
  /// TCG), so the count rises by about a byte's worth per byte; a step is
  /// what comes on top.
  mutating func cliffs() throws {
    let fd = try DeviceBench(smoke: smoke).openDevice()
    let source = UnsafeMutableRawPointer.allocate(byteCount: 16 * 1024, alignment: 4096)
    defer {
      close(fd)
      source.deallocate()
    }
    memset(source, 0x5a, 16 * 1024)
    let budget = Budget(rounds: smoke ? 2 : 9, batchNanoseconds: 0)
    for center in [256, 4096, 8192] {
      let (_, variants) = sinkSweep(fd: fd, source: source, center: center, smoke: smoke)
      results.comparisons.append(try interleave(
        id: "cliff/\(center)", title: "sink around \(center) bytes, in guest instructions",
        bytes: center, budget: budget, iterations: 32, variants: variants))
    }
  }

  /// `n` async round trips through UCBridge's callback layer: each submits
  /// delayed(0), which completes before the submission returns, and waits
  /// until the connection's event reader thread has read the completion
  /// and run the handler: what a Swift caller of an async method pays,
  /// thread switches included.
  ///
  /// The connection is its own, closed after the loop with its reader
  /// thread waited for: every other variant's system calls then run in a
  /// single-threaded process, as they do in C, where the kernel takes no
  /// reference on the file (fdget()'s fast path, about 40 instructions).
  static func swiftAsyncRoundTrips(_ n: Int) throws -> UInt64 {
    let connection = try Connection.open()
    let done = DispatchSemaphore(value: 0)
    let scalars: [UInt64] = [0, 1]
    let noScalarsOut = UnsafeMutableBufferPointer<UInt64>(start: nil, count: 0)
    let noBytesOut = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    let elapsed = try scalars.withUnsafeBufferPointer { input in
      func roundTrip() throws {
        _ = try connection.submitAsyncMethod(
          ReferenceSelector.delayed, scalarInput: input,
          structInput: UnsafeRawBufferPointer(start: nil, count: 0),
          scalarOutput: noScalarsOut, structOutput: noBytesOut
        ) { _ in done.signal() }
        done.wait()
      }
      try roundTrip()  // starts the reader, untimed
      return try timed {
        for _ in 0..<n { try roundTrip() }
      }
    }
    try connection.close()
    // The reader ends at once; a bound all the same, should another
    // thread be about.
    var yields = 0
    while threadCount() > 1 && yields < 10_000 {
      sched_yield()
      yields += 1
    }
    return elapsed
  }

  /// Threads of this process: the 20th field of /proc/self/stat.
  static func threadCount() -> Int {
    guard let stat = readTextFile("/proc/self/stat"), let end = stat.lastIndex(of: ")")
    else { return 0 }
    let fields = stat[stat.index(after: end)...].split(separator: " ")
    return fields.count > 17 ? Int(fields[17]) ?? 0 : 0
  }

  /// Batches of 64 typed noops through UCBridge's batch API: built and sent
  /// by `connection.batch { … }` every time, as an app writes it, and a
  /// `Batch` built once and sent again with `callBatch(_:)`.
  func swiftBatchVariants(connection: Connection) -> [Variant] {
    let count = 64
    // As the C batch loop checks its entries: every call ran and has a
    // result of success (reading `outcomes` would make 64 outputs).
    func check(_ results: BatchResults) throws {
      guard results.firstUnsuccessful == nil
      else { throw BenchFailure("Swift batch: \(results.completed) of \(count) ran") }
    }
    var prebuilt = Batch()
    for _ in 0..<count { _ = prebuilt.call(.noop) }
    let sent = prebuilt
    return [
      Variant(id: "swift-batch-\(count)", label: "Swift connection.batch { \(count) × call(.noop) }") { n in
        try timed {
          for _ in 0..<(n / count) {
            try check(try connection.batch { batch in
              for _ in 0..<count { _ = batch.call(.noop) }
            })
          }
        }
      },
      Variant(id: "swift-callbatch-\(count)", label: "Swift callBatch(_:) of a Batch of \(count) call(.noop) built once") { n in
        try timed {
          for _ in 0..<(n / count) { try check(try connection.callBatch(sent)) }
        }
      },
    ]
  }
}
