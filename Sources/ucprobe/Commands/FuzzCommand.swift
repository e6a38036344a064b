import ArgumentParser
import UCBridge

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension UCProbe {
  /// `ucprobe fuzz`: random calls, malformed ones included, checked
  /// against the ABI.
  struct Fuzz: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Make random calls, malformed ones included, and check every answer against the ABI.",
      discussion: """
        Makes --iterations ioctls drawn from a seed: first a well-formed \
        call to every method, then well-formed calls, calls with fields \
        changed (selectors valid, at the edge and huge; scalar counts 0 to \
        17 and beyond; struct sizes 0, 1, around 4K and 8K, up to \
        max_struct_size + 1 and the ABI's limit; non-zero flags; header \
        sizes short, exact, long with a zero or non-zero tail, and above \
        4096), buffers NULL, in a guard page, at a kernel address, \
        misaligned or straddling into a guard page, introspection ioctls \
        (driver, method and memory info, open) with fields changed, batches (UCB_IOC_CALL_BATCH) of up to 64 such \
        calls with their flags, count, call_size, reserved, header and \
        entries' place or an entry's size changed, async calls \
        (UCB_IOC_CALL_ASYNC, an async method's well-formed call and any \
        of the above sent async, its own header's size, flags, place and \
        call pointer changed), UCB_IOC_CANCEL of the last accepted call or \
        any id, read(2) of events with room for none, part of one or \
        several records, anywhere, and ioctl numbers of ucbridge's type \
        that name no ioctl.

        Each answer is checked: an errno must be one the ABI documents \
        (EINVAL, E2BIG, EFAULT, ENOMEM, ENOTTY, and ENOENT for method \
        and memory info and cancel; EAGAIN and ENODEV for read) and the \
        one the case calls for; a malformed call must never \
        be dispatched; a selector past the table must give \
        kIOReturnUnsupported and a call breaking its method's checks, or \
        a sync method called async and the reverse, \
        kIOReturnBadArgument; every accepted async call must complete \
        exactly once (events are read every few calls, and at the end \
        pending calls are cancelled and waited for); on failure nothing may be written back, and \
        on success nothing past the reported counts (output room is \
        filled with canary bytes first); a successful introspection ioctl \
        must repeat what the driver described at the start (its info, \
        method table and memory types). A call that does not return \
        within --watchdog seconds is a hang. A batch is checked against \
        the same rules for each entry it reaches, and its own: where it \
        stops, with which errno, and completed; only completed and the \
        results and counts of the entries that ran are written. After \
        the run the driver's \
        live_buffers must be 0.

        The seed is printed first; --seed replays a run and --replay one \
        of its calls. The exit status is 1 when anything was found.

        JSON OUTPUT
        An object: device, driver, seed, first_index, calls, \
        elapsed_seconds, calls_per_second, watchdog_seconds, outcomes \
        ({"call": {...}, "driver_info": {...}, "method_info": {...}, \
        "call_batch": {...}, "memory_info": {...}, "unknown_ioctl": {...}}, each counting \
        outcomes by IOReturn name, \
        errno name or "ok"), live_buffers, finding_count, findings (the \
        first 50: {index, call, outcome, problems}) and passed.

        EXAMPLES
          ucprobe fuzz
          ucprobe fuzz --iterations 100000 --seed 42
          ucprobe fuzz --seed 42 --replay 1234
          ucprobe fuzz --mock --iterations 2000 --json
        """)

    @Option(help: ArgumentHelp("Calls to make.", valueName: "count"))
    var iterations = 10000

    @Option(
      help: ArgumentHelp(
        "The run's seed, decimal or 0x hex (default: a random one, printed first).",
        valueName: "seed"),
      transform: ScalarArgument.parse)
    var seed: ScalarArgument?

    @Option(
      help: ArgumentHelp(
        "Make only the call of this index in --seed's run, and show it.", valueName: "index"))
    var replay: Int?

    @Option(
      help: ArgumentHelp(
        "Seconds a call may take before it counts as a hang.", valueName: "seconds"))
    var watchdog = 10.0

    @Flag(help: "Draw the progress line even when standard error is not a terminal.")
    var progress = false

    @OptionGroup(title: "Device")
    var device: DeviceOptions

    @OptionGroup
    var output: OutputOptions

    func validate() throws {
      if iterations < 1 {
        throw ValidationError("--iterations is at least 1")
      }
      if let replay {
        guard seed != nil else {
          throw ValidationError("--replay needs the --seed of the run it comes from")
        }
        guard replay >= 0 else { throw ValidationError("--replay is an index, 0 or more") }
      }
      if !(watchdog > 0 && watchdog.isFinite) {
        throw ValidationError("--watchdog is a number of seconds above 0")
      }
    }

    func run() throws {
      let target = try device.open()
      let driver = try target.driverInfo()
      let methods = try target.methods()
      let memoryTypes = try target.memoryTypes()
      guard !methods.isEmpty else {
        throw ProbeFailure.failed("fuzz: \(driver.name) has no methods to call")
      }
      let seed = self.seed?.value ?? UInt64.random(in: 0...UInt64.max)
      let indices = replay.map { $0..<($0 + 1) } ?? 0..<iterations
      let reopeningOptions = target.reopeningOptions
      let replayCommand: @Sendable (Int) -> String = { index in
        (["ucprobe", "fuzz"] + reopeningOptions
          + ["--seed", String(seed), "--replay", String(index)]).joined(separator: " ")
      }
      if !output.json {
        print(
          "fuzz: seed \(seed), \(Units.count(indices.count, "call")) to "
            + "\(DriverReport(driver, device: target.name).title), watchdog \(Units.seconds(watchdog))")
        fflush(nil)
      }

      let generator = FuzzGenerator(
        methods: methods, maxStructSize: driver.maxStructSize, memoryTypes: memoryTypes)
      let runner = FuzzRunner(
        seed: seed, generator: generator,
        executor: FuzzExecutor(
          connection: target.connection,
          arena: try FuzzArena(maxStructSize: driver.maxStructSize, seed: seed),
          methods: methods, driver: driver, memoryTypes: memoryTypes),
        watchdog: Watchdog(limitNanoseconds: UInt64(watchdog * 1e9)) { fuzzCase, elapsed in
          StandardError.report([
            "fuzz: hang: \(fuzzCase)",
            "fuzz: it has not returned after \(Units.duration(nanoseconds: Double(elapsed)))",
            "fuzz: seed \(seed); replay it with: \(replayCommand(fuzzCase.index))",
          ])
          fflush(nil)
          _exit(ExitCode.failure.rawValue)
        })

      var progressLine = ProgressLine(forced: progress)
      let (tally, seconds) = try runner.watchdog.watch {
        let start = MonotonicClock.now()
        let tally = runner.run(indices, progress: &progressLine)
        return (tally, Double(MonotonicClock.now() - start) / 1e9)
      }
      let liveBuffers = try target.driverInfo().liveBuffers

      let report = FuzzReport(
        device: target.name, driver: driver.name, seed: seed, firstIndex: indices.lowerBound,
        calls: tally.calls, elapsedSeconds: seconds,
        callsPerSecond: seconds > 0 ? Double(tally.calls) / seconds : 0,
        watchdogSeconds: watchdog, outcomes: tally.outcomes, liveBuffers: liveBuffers,
        findingCount: tally.findingCount, findings: tally.findings,
        passed: tally.findingCount == 0 && liveBuffers == 0)
      if output.json {
        try JSONOutput.print(report)
      } else {
        printText(report, replayed: replay.map { generator.makeCase(seed: seed, index: $0) })
      }
      guard report.passed else {
        var messages: [String] = []
        if report.findingCount > 0 {
          messages.append("fuzz: \(Units.count(report.findingCount, "finding")) with seed \(seed)")
        }
        if liveBuffers != 0 {
          messages.append(
            "fuzz: live_buffers is \(liveBuffers) after the run with seed \(seed), not 0: "
              + "the driver leaks kernel buffers")
        }
        if let first = report.findings.first {
          messages.append("fuzz: replay the first (call \(first.index)) with: \(replayCommand(first.index))")
        }
        throw ProbeFailure(messages: messages, exitCode: .failure)
      }
    }

    /// Most findings printed as text; JSON carries more.
    private static let printedFindings = 10

    private func printText(_ report: FuzzReport, replayed: FuzzCase?) {
      if let replayed {
        print(replayed.description)
      }
      print()
      report.outcomeLines.forEach { print($0) }
      print()
      for finding in report.findings.prefix(Self.printedFindings) {
        print("finding: \(finding.call)")
        print("  outcome: \(finding.outcome)")
        finding.problems.forEach { print("  problem: \($0)") }
      }
      if report.findingCount > Self.printedFindings {
        print("... and \(report.findingCount - Self.printedFindings) more findings (--json lists \(FuzzRunner.keptFindings))")
      }
      print("live_buffers after the run: \(report.liveBuffers)")
      print(
        "\(report.passed ? "passed" : "FAILED"): \(Units.count(report.calls, "call")) in "
          + "\(Units.seconds(report.elapsedSeconds)) (\(Units.rate(report.callsPerSecond)) calls/s), "
          + Units.count(report.findingCount, "finding"))
    }
  }
}
