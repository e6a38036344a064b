import ArgumentParser
import CUCBridge
import UCBridge

extension UCProbe {
  /// `ucprobe bench`: calls per second and latency percentiles.
  struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Measure a method's calls per second and latency percentiles over struct sizes.",
      discussion: """
        Calls the method again and again with the same inputs, one size at \
        a time: for each size, one checked call (it must succeed), \
        --warmup untimed calls, then calls timed one by one with \
        CLOCK_MONOTONIC for --duration seconds or --iterations calls. The \
        timed loop uses the raw buffer-taking call and allocates nothing.

        A size sets the struct input when the method's struct input is \
        variable, and the output room when its struct output is variable \
        (unless --out-size is given); a fixed check keeps its size. By \
        default the sizes are 0, 4K and 64K, those within the method's \
        maximum, or the method's fixed input size. Percentiles come from a \
        log-linear histogram, within 1% of a measured latency.

        With --batch N, the calls go N at a time in one UCB_IOC_CALL_BATCH \
        ioctl (N copies of the same call, stopping at the first that fails); \
        each latency is then one ioctl's time divided by N, recorded once \
        per ioctl, and --iterations and --warmup count calls in whole \
        batches.

        A progress line is drawn on standard error when it is a terminal, \
        or always with --progress.

        JSON OUTPUT
        An object: device, driver, selector, method, scalar_input, \
        scalar_output_room, warmup_calls, duration_seconds or iterations \
        (per size), batch (calls per ioctl, with --batch only), and runs, one per size: struct_input_size, \
        struct_output_room, struct_output_size, calls, elapsed_seconds, \
        calls_per_second, bytes_per_second, latency_ns {min, mean, p50, \
        p90, p99, p99_9, max}.

        EXAMPLES
          ucprobe bench noop
          ucprobe bench echo --sizes 0,4096,65536,1M
          ucprobe bench sink --sizes 1M --duration 5
          ucprobe bench add -s 1 -s 2 --iterations 100000 --json
          ucprobe bench noop --batch 64
        """)

    @OptionGroup
    var methodCall: MethodCallOptions

    @Option(
      help: ArgumentHelp(
        "Struct sizes to measure, comma-separated, such as 0,4096,64K,1M.", valueName: "sizes"),
      transform: ByteCountList.parse)
    var sizes: ByteCountList?

    @Option(
      help: ArgumentHelp(
        "Room for the output struct at every size (default: the size for a variable output).",
        valueName: "bytes"),
      transform: ByteCount.parse)
    var outSize: ByteCount?

    @Option(help: ArgumentHelp("Seconds to time each size (default: 1).", valueName: "seconds"))
    var duration: Double?

    @Option(help: ArgumentHelp("Calls to time at each size, instead of --duration.", valueName: "count"))
    var iterations: Int?

    @Option(help: ArgumentHelp("Untimed calls before each size's timed ones.", valueName: "count"))
    var warmup = 100

    @Option(
      help: ArgumentHelp(
        "Make the calls N at a time, in one UCB_IOC_CALL_BATCH ioctl each (1 to 1024).",
        valueName: "N"))
    var batch: Int?

    @Flag(help: "Draw the progress line even when standard error is not a terminal.")
    var progress = false

    @OptionGroup(title: "Device")
    var device: DeviceOptions

    @OptionGroup
    var output: OutputOptions

    func validate() throws {
      if duration != nil, iterations != nil {
        throw ValidationError("--duration and --iterations both say when to stop; use one")
      }
      if let duration, !(duration > 0 && duration.isFinite) {
        throw ValidationError("--duration is a number of seconds above 0")
      }
      if let iterations, iterations < 1 {
        throw ValidationError("--iterations is at least 1")
      }
      if let batch, !(1...Int(UCB_BATCH_MAX_CALLS)).contains(batch) {
        throw ValidationError("--batch is 1 to \(UCB_BATCH_MAX_CALLS) calls per ioctl")
      }
      if warmup < 0 {
        throw ValidationError("--warmup is 0 or more")
      }
      if sizes?.values.isEmpty == true {
        throw ValidationError("--sizes needs at least one size")
      }
      if let largest = ((sizes?.values ?? []) + [outSize?.value ?? 0]).max(),
        largest > Call.maxStructRoom
      {
        throw ValidationError("struct sizes are at most 64M: no ucbridge driver takes more")
      }
    }

    /// Why a batch failed where a single call would not have.
    private func batchHints(for error: UCBridgeError) -> [String] {
      guard batch != nil, case .errno(.inappropriateIOCTLForDevice) = error else { return [] }
      return ["hint: this ucbridge does not implement UCB_IOC_CALL_BATCH (a module or mock from before batched calls); "
        + "run without --batch"]
    }

    /// When each size's timed run stops.
    private var limit: BenchRunner.Limit {
      if let iterations { return .iterations(iterations) }
      return .duration(nanoseconds: UInt64((duration ?? 1) * 1e9))
    }

    func run() throws {
      let target = try device.open()
      let driver = try target.driverInfo()
      let method = try methodCall.method.resolve(in: try target.methods(), driver: driver.name)
      if sizes != nil, let checks = method.info?.checks,
        case .exactly(let input) = checks.structInputSize,
        case .exactly(let output) = checks.structOutputSize
      {
        throw ProbeFailure.usage(
          "--sizes sets variable struct sizes, and \(method.label) has none",
          "hint: its struct input is exactly \(Units.bytes(input)) and its output \(Units.bytes(output))")
      }
      let plan = BenchPlan(method: method, sizes: sizes?.values, outputRoom: outSize?.value)
      var report = BenchReport(
        device: target.name, driver: driver.name, selector: method.selector,
        method: method.info?.name, scalarInput: methodCall.scalarInput,
        scalarOutputRoom: methodCall.scalarOutputRoom(for: method),
        warmupCalls: warmup, durationSeconds: iterations == nil ? duration ?? 1 : nil,
        iterations: iterations, batch: batch)
      if !output.json {
        let stop = iterations.map { "\($0) calls" } ?? Units.seconds(duration ?? 1)
        print("bench \(method.label) on \(DriverReport(driver, device: target.name).title)")
        print("\(stop) per size after \(warmup) warmup calls")
        if let batch {
          print("\(batch) calls per UCB_IOC_CALL_BATCH ioctl; latencies per call (each ioctl's time ÷ \(batch))")
        }
        print()
      }

      var progressLine = ProgressLine(forced: progress)
      defer { progressLine.finish() }
      for shape in plan.shapes {
        let call = MethodCall(
          selector: method.selector, scalarInput: report.scalarInput,
          structInput: BenchPlan.pattern(count: shape.structInputSize),
          scalarOutputRoom: report.scalarOutputRoom, structOutputRoom: shape.structOutputRoom)
        let label = "bench \(method.info?.name ?? method.label) \(Units.compactBytes(shape.structInputSize))"
        let result: Result<BenchRunner.Measurement, UCBridgeError>
        if let batch {
          result = BatchedBenchRunner(connection: target.connection, call: call, batch: batch)
            .run(warmup: warmup, limit: limit, progress: &progressLine, label: label)
        } else {
          result = BenchRunner(connection: target.connection, call: call)
            .run(warmup: warmup, limit: limit, progress: &progressLine, label: label)
        }
        switch result {
        case .success(let measurement):
          report.runs.append(BenchReport.Run(call, measurement))
        case .failure(let error):
          progressLine.finish()
          throw ProbeFailure(
            messages: [
              "\(method.label) with \(Units.bytes(call.structInput.count)) in and "
                + "\(Units.bytes(call.structOutputRoom)) of output room: \(error.explanation)"
            ] + CallHints.hints(
                for: error, of: call, to: method, async: false, methodCount: driver.methodCount)
              + batchHints(for: error),
            exitCode: .failure)
        }
      }
      progressLine.finish()
      if output.json {
        try JSONOutput.print(report)
      } else {
        report.tableLines.forEach { print($0) }
      }
    }
  }
}
