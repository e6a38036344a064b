import ArgumentParser
import CUCBridge
import Dispatch
import SystemPackage
import UCBridge

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension UCProbe {
  /// `ucprobe call`: one method call, as IOConnectCallMethod makes it.
  struct Call: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Call one method and show its result, output scalars and output struct.",
      discussion: """
        Makes one UCB_IOC_CALL, IOConnectCallMethod's argument list in one \
        struct: the selector, the input scalars, the struct input, and room \
        for output scalars and the output struct. The method is named by \
        selector or by its name in the driver's table ('ucprobe list'). \
        Output room defaults to what the method's table entry fixes, or for \
        a variable check to the most it takes (16 scalars, the struct's \
        current maximum), so any output fits; --out-scalars and --out-size \
        offer other room, for instance to see a fixed check refuse it. \
        Counts past the ABI's limits are sent as given, to see the driver \
        answer EINVAL.

        On success ucprobe prints the result, the output scalars in decimal \
        and hexadecimal and the output struct as a hex dump (or writes it \
        to --out-file). On any other result it prints the IOReturn's name \
        and code on standard error, with a hint when the table explains it, \
        and exits with status 1; so does a failed ioctl, with its errno.

        ASYNC CALLS
        An async method (FLAGS async in 'ucprobe list') is called with \
        --async: one UCB_IOC_CALL_ASYNC, IOConnectCallAsyncMethod's call. \
        ucprobe prints the call's id and synchronous outputs when the \
        driver accepts it, waits for its completion and prints its result \
        and arguments; a result other than kIOReturnSuccess exits with \
        status 1. Ctrl-C, or --timeout SECONDS passing first, cancels the \
        call (UCB_IOC_CANCEL) and ucprobe prints the completion that \
        follows, usually kIOReturnAborted; a second Ctrl-C ends ucprobe at \
        once. --reference gives the words the completion carries back.

        JSON OUTPUT
        An object: device, selector, method (absent past the table), \
        scalar_input, struct_input_size, scalar_output_room, \
        struct_output_room; result ({code, name, description}, present when \
        the call was dispatched) or errno ({code, name, description}, \
        present when the ioctl failed); scalar_output, struct_output_size, \
        and struct_output_hex (lowercase hex digits) or struct_output_file. \
        With --async, when the call was accepted, also id (the call's \
        number on its connection), completion ({result, arguments, \
        reference}) and cancelled ("timeout" or "interrupt", present when \
        ucprobe cancelled the call).

        EXAMPLES
          ucprobe call noop
          ucprobe call add -s 40 -s 0x2
          ucprobe call echo --hex "de ad be ef"
          ucprobe call checksum --file /etc/os-release
          ucprobe call pathInfo --string /etc/hostname --nul
          ucprobe call generate -s 4096 --out-file pattern.bin
          printf 'hello' | ucprobe call 2 --stdin --json
          ucprobe --mock call --async delayed -s 1000 -s 42
          ucprobe --mock call --async asyncChecksum --string 123456789 --json
          ucprobe --mock call --async delayed -s 10000000 -s 1 --timeout 0.5
        """)

    @OptionGroup
    var methodCall: MethodCallOptions

    @OptionGroup(title: "Struct Input")
    var input: StructInputOptions

    @Option(
      help: ArgumentHelp(
        "Room for the output struct (default: the method's fixed size, or its maximum when variable).",
        valueName: "bytes"),
      transform: ByteCount.parse)
    var outSize: ByteCount?

    @Option(
      help: ArgumentHelp(
        "Write the output struct's raw bytes to this file instead of printing a hex dump.",
        valueName: "path"),
      completion: .file())
    var outFile: String?

    @Flag(
      name: .customLong("async"),
      help: "Call an async method: submit it, wait for its completion and print it.")
    var isAsync = false

    @Option(
      help: ArgumentHelp(
        "With --async: cancel the call when it has not completed after this many seconds.",
        valueName: "seconds"))
    var timeout: Double?

    @Option(
      name: .customLong("reference"),
      help: ArgumentHelp(
        "With --async: a reference word the completion carries back, decimal or 0x hex; repeat for more (up to \(UCB_ASYNC_REFERENCE_WORDS)).",
        valueName: "word"),
      transform: ScalarArgument.parse)
    var reference: [ScalarArgument] = []

    @OptionGroup(title: "Device")
    var device: DeviceOptions

    @OptionGroup
    var output: OutputOptions

    func validate() throws {
      if let outSize, outSize.value > Self.maxStructRoom {
        throw ValidationError("--out-size is at most 64M: no ucbridge driver writes more")
      }
      if !isAsync, timeout != nil || !reference.isEmpty {
        throw ValidationError("--timeout and --reference apply to --async calls only")
      }
      if let timeout, !(timeout > 0) {
        throw ValidationError("--timeout is a number of seconds greater than 0")
      }
      if reference.count > Int(UCB_ASYNC_REFERENCE_WORDS) {
        throw ValidationError(
          "an async call carries at most \(UCB_ASYNC_REFERENCE_WORDS) reference words")
      }
    }

    /// Most output struct room ucprobe offers: `UCB_STRUCT_SIZE_LIMIT`, the
    /// most any ucbridge driver writes.
    static let maxStructRoom = Int(UCB_STRUCT_SIZE_LIMIT)

    func run() throws {
      let target = try device.open()
      let driver = try target.driverInfo()
      let method = try methodCall.method.resolve(in: try target.methods(), driver: driver.name)
      let call = MethodCall(
        selector: method.selector,
        scalarInput: methodCall.scalarInput,
        structInput: try input.bytes(),
        scalarOutputRoom: methodCall.scalarOutputRoom(for: method),
        structOutputRoom: outSize?.value ?? method.defaultStructOutputRoom)
      if isAsync {
        return try runAsync(call, to: method, on: target, methodCount: driver.methodCount)
      }
      let outcome = call.make(on: target.connection)

      var report = CallReport(
        device: target.name, selector: method.selector, method: method.info?.name,
        scalarInput: call.scalarInput, structInputSize: call.structInput.count,
        scalarOutputRoom: call.scalarOutputRoom, structOutputRoom: call.structOutputRoom)
      switch outcome {
      case .success(let written):
        try record(written, in: &report)
      case .failure(.ioReturn(let result)):
        report.result = CallReport.IOReturnReport(result)
      case .failure(.errno(let error)):
        report.errno = CallReport.ErrnoReport(error)
      case .failure(.badArgument), .failure(.serviceNotFound), .failure(.serviceUnreadable):
        break
      }

      if output.json {
        try JSONOutput.print(report)
      } else if case .success(let written) = outcome {
        printText(method: method, written: written)
      }
      if case .failure(let error) = outcome {
        throw ProbeFailure(
          messages: [error.explanation]
            + CallHints.hints(
              for: error, of: call, to: method, async: false, methodCount: driver.methodCount),
          exitCode: .failure)
      }
    }

    /// What `call --async` waits for.
    private enum AsyncEvent: Sendable {
      case completion(AsyncCompletion)
      case interrupt
    }

    /// Submits the call, waits for its completion, cancelling it on
    /// Ctrl-C or at the timeout, and reports both.
    private func runAsync(
      _ call: MethodCall, to method: TargetMethod, on target: ProbeTarget, methodCount: Int
    ) throws {
      let events = Mailbox<AsyncEvent>()
      let submitted = call.submit(on: target.connection, reference: reference.map(\.value)) {
        events.post(.completion($0))
      }
      var report = CallReport(
        device: target.name, selector: method.selector, method: method.info?.name,
        scalarInput: call.scalarInput, structInputSize: call.structInput.count,
        scalarOutputRoom: call.scalarOutputRoom, structOutputRoom: call.structOutputRoom)
      let id: UInt64
      let written: MethodOutput
      switch submitted {
      case .success(let accepted):
        (id, written) = accepted
        report.id = id
        try record(written, in: &report)
      case .failure(let error):
        switch error {
        case .ioReturn(let result): report.result = CallReport.IOReturnReport(result)
        case .errno(let error): report.errno = CallReport.ErrnoReport(error)
        case .badArgument, .serviceNotFound, .serviceUnreadable: break
        }
        if output.json { try JSONOutput.print(report) }
        throw ProbeFailure(
          messages: [error.explanation]
            + CallHints.hints(for: error, of: call, to: method, async: true, methodCount: methodCount),
          exitCode: .failure)
      }
      // Seen before the acceptance is shown, so that a Ctrl-C at the sight
      // of it cancels the call.
      let interruption = Interruption { events.post(.interrupt) }
      defer { interruption.end() }
      if !output.json {
        print("\(method.label): accepted as call \(id)")
        printOutputs(written)
        // Shown before the wait, also when standard output is a pipe.
        fflush(nil)
      }
      let deadline = timeout.map { DispatchTime.now() + $0 } ?? .distantFuture
      var completion: AsyncCompletion?
      while completion == nil {
        switch events.next(before: report.cancelled == nil ? deadline : .distantFuture) {
        case .completion(let completed)?:
          completion = completed
        case .interrupt?:
          report.cancelled = report.cancelled ?? .interrupt
          try? target.connection.cancelAsyncCall(id)
        case nil:
          report.cancelled = .timeout
          // ENOENT: it completed meanwhile, and its completion is waiting.
          try? target.connection.cancelAsyncCall(id)
        }
      }
      let completed = completion!
      report.completion = CallReport.CompletionReport(completed)

      if output.json {
        try JSONOutput.print(report)
      } else {
        print("completion of call \(id): \(completed.result)")
        print("arguments: \(completed.arguments.count)")
        CallOutputText.scalarLines(completed.arguments).forEach { print($0) }
        if completed.reference.contains(where: { $0 != 0 }) {
          print("reference: " + completed.reference.map { "0x" + String($0, radix: 16) }
            .joined(separator: " "))
        }
      }
      guard completed.result == .success else {
        let why: String? = switch report.cancelled {
        case .timeout?: "hint: ucprobe cancelled the call when --timeout passed"
        case .interrupt?: "hint: ucprobe cancelled the call on Ctrl-C"
        case nil: nil
        }
        throw ProbeFailure(
          messages: ["call \(id) completed with \(completed.result)"] + (why.map { [$0] } ?? []),
          exitCode: .failure)
      }
    }

    /// Puts a successful call's outputs in the report, writing the output
    /// struct to `--out-file` when given.
    private func record(_ written: MethodOutput, in report: inout CallReport) throws {
      report.result = CallReport.IOReturnReport(.success)
      report.scalarOutput = written.scalars
      report.structOutputSize = written.structBytes.count
      if let outFile {
        try FileBytes.write(written.structBytes, to: FilePath(outFile))
        report.structOutputFile = outFile
      } else {
        report.structOutputHex = HexDump.digits(of: written.structBytes)
      }
    }

    private func printText(method: TargetMethod, written: MethodOutput) {
      print("\(method.label): \(IOReturn.success)")
      printOutputs(written)
    }

    /// The output scalars and the output struct, as hex dump or file.
    private func printOutputs(_ written: MethodOutput) {
      print("scalar output: \(written.scalars.count)")
      CallOutputText.scalarLines(written.scalars).forEach { print($0) }
      let size = written.structBytes.count
      if let outFile {
        print("struct output: \(Units.bytes(size)), written to \(outFile)")
      } else {
        print("struct output: \(Units.bytes(size))")
        HexDump.lines(of: written.structBytes).forEach { print($0) }
      }
    }
  }
}
