import ArgumentParser
import SystemPackage

/// Where a call's struct input comes from: hexadecimal bytes, a string, a
/// file or standard input; at most one of them.
struct StructInputOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Struct input as hexadecimal bytes, such as \"de ad be ef\" or deadbeef.",
      valueName: "bytes"),
    transform: HexBytes.parse)
  var hex: HexBytes?

  @Option(help: ArgumentHelp("Struct input as the UTF-8 bytes of a string.", valueName: "text"))
  var string: String?

  @Option(help: ArgumentHelp("Struct input read from a file.", valueName: "path"), completion: .file())
  var file: String?

  @Flag(help: "Struct input read from standard input.")
  var stdin = false

  @Flag(help: "Append a NUL byte to the struct input, as C strings end.")
  var nul = false

  private var sourceCount: Int {
    [hex != nil, string != nil, file != nil, stdin].filter { $0 }.count
  }

  func validate() throws {
    if sourceCount > 1 {
      throw ValidationError("--hex, --string, --file and --stdin each give the whole struct input; use one")
    }
    if nul, sourceCount == 0 {
      throw ValidationError("--nul appends to the input of --string, --hex, --file or --stdin")
    }
  }

  /// The struct input: the given source's bytes, then a NUL with `--nul`;
  /// none without a source.
  ///
  /// - Returns: The bytes.
  /// - Throws: ``ProbeFailure`` when the file or standard input cannot be
  ///   read.
  func bytes() throws(ProbeFailure) -> [UInt8] {
    var bytes: [UInt8]
    if let hex {
      bytes = hex.bytes
    } else if let string {
      bytes = Array(string.utf8)
    } else if let file {
      bytes = try FileBytes.read(FilePath(file))
    } else if stdin {
      bytes = try FileBytes.readStandardInput()
    } else {
      bytes = []
    }
    if nul { bytes.append(0) }
    return bytes
  }
}
