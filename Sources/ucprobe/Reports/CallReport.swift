import SystemPackage
import UCBridge

/// What `ucprobe call` sent and got back.
///
/// JSON keys: `device`, `selector`, `method` (absent for a selector past
/// the table), `scalar_input`, `struct_input_size`, `scalar_output_room`,
/// `struct_output_room` (what the call carried); then `result` (an
/// ``IOReturnReport``, present when the driver dispatched the call) or
/// `errno` (an ``ErrnoReport``, present when the ioctl failed);
/// `scalar_output` and `struct_output_size` (what the method wrote, empty
/// and 0 unless it succeeded); and `struct_output_hex` (the output bytes as
/// lowercase hexadecimal digits) or, with `--out-file`,
/// `struct_output_file` (where they were written).  An accepted `--async`
/// call adds `id` (its number on the connection), `completion` (a
/// ``CompletionReport``) and, when ucprobe cancelled it, `cancelled`
/// (`"timeout"` or `"interrupt"`).
struct CallReport: Encodable {
  /// A dispatched call's IOReturn.
  ///
  /// JSON keys: `code` (the 32-bit value), `name` (`kIOReturnSuccess`),
  /// `description` (`kIOReturnSuccess (0x00000000): OK`).
  struct IOReturnReport: Encodable {
    var code: UInt32
    var name: String
    var description: String

    init(_ result: IOReturn) {
      code = result.rawValue
      name = result.name
      description = result.description
    }
  }

  /// An async call's completion.
  ///
  /// JSON keys: `result` (an ``IOReturnReport``), `arguments` (the
  /// completion's 64-bit arguments) and `reference` (the reference words,
  /// as the call carried them).
  struct CompletionReport: Encodable {
    var result: IOReturnReport
    var arguments: [UInt64]
    var reference: [UInt64]

    init(_ completion: AsyncCompletion) {
      result = IOReturnReport(completion.result)
      arguments = completion.arguments
      reference = completion.reference
    }
  }

  /// Why ucprobe cancelled an async call.
  enum Cancellation: String, Encodable {
    /// `--timeout` passed first.
    case timeout
    /// Ctrl-C.
    case interrupt
  }

  /// A failed ioctl's error number.
  ///
  /// JSON keys: `code` (the number), `name` (`EFAULT`), `description`
  /// (`EFAULT (errno 14): Bad address`).
  struct ErrnoReport: Encodable {
    var code: Int32
    var name: String
    var description: String
  }

  var device: String
  var selector: UInt32
  var method: String?
  var scalarInput: [UInt64]
  var structInputSize: Int
  var scalarOutputRoom: Int
  var structOutputRoom: Int
  var result: IOReturnReport?
  var errno: ErrnoReport?
  var scalarOutput: [UInt64] = []
  var structOutputSize = 0
  var structOutputHex: String?
  var structOutputFile: String?
  var id: UInt64?
  var completion: CompletionReport?
  var cancelled: Cancellation?

  enum CodingKeys: String, CodingKey {
    case device, selector, method, result, errno, id, completion, cancelled
    case scalarInput = "scalar_input"
    case structInputSize = "struct_input_size"
    case scalarOutputRoom = "scalar_output_room"
    case structOutputRoom = "struct_output_room"
    case scalarOutput = "scalar_output"
    case structOutputSize = "struct_output_size"
    case structOutputHex = "struct_output_hex"
    case structOutputFile = "struct_output_file"
  }
}

extension CallReport.ErrnoReport {
  init(_ error: Errno) {
    code = error.rawValue
    name = error.name
    description = error.explanation
  }
}
