import ArgumentParser
import CUCBridge
import SystemPackage
import UCBridge

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

        JSON OUTPUT
        An object: device, selector, method (absent past the table), \
        scalar_input, struct_input_size, scalar_output_room, \
        struct_output_room; result ({code, name, description}, present when \
        the call was dispatched) or errno ({code, name, description}, \
        present when the ioctl failed); scalar_output, struct_output_size, \
        and struct_output_hex (lowercase hex digits) or struct_output_file.

        EXAMPLES
          ucprobe call noop
          ucprobe call add -s 40 -s 0x2
          ucprobe call echo --hex "de ad be ef"
          ucprobe call checksum --file /etc/os-release
          ucprobe call pathInfo --string /etc/hostname --nul
          ucprobe call generate -s 4096 --out-file pattern.bin
          printf 'hello' | ucprobe call 2 --stdin --json
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

    @OptionGroup(title: "Device")
    var device: DeviceOptions

    @OptionGroup
    var output: OutputOptions

    func validate() throws {
      if let outSize, outSize.value > Self.maxStructRoom {
        throw ValidationError("--out-size is at most 64M: no ucbridge driver writes more")
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
      let outcome = call.make(on: target.connection)

      var report = CallReport(
        device: target.name, selector: method.selector, method: method.info?.name,
        scalarInput: call.scalarInput, structInputSize: call.structInput.count,
        scalarOutputRoom: call.scalarOutputRoom, structOutputRoom: call.structOutputRoom)
      switch outcome {
      case .success(let written):
        report.result = CallReport.IOReturnReport(.success)
        report.scalarOutput = written.scalars
        report.structOutputSize = written.structBytes.count
        if let outFile {
          try FileBytes.write(written.structBytes, to: FilePath(outFile))
          report.structOutputFile = outFile
        } else {
          report.structOutputHex = HexDump.digits(of: written.structBytes)
        }
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
            + CallHints.hints(for: error, of: call, to: method, methodCount: driver.methodCount),
          exitCode: .failure)
      }
    }

    private func printText(method: TargetMethod, written: MethodOutput) {
      print("\(method.label): \(IOReturn.success)")
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
