import CUCBridge
import UCBridge

/// One entry of a driver's method table, as `ucprobe list` prints it.
///
/// JSON keys: `selector`, `name`, `admin` (only a caller with
/// CAP_SYS_ADMIN may call it), `flags` (the raw `UCB_METHOD_FLAG_*` bits),
/// `scalar_input`, `struct_input`, `scalar_output`, `struct_output` (each
/// a ``Check``), `calls` and `errors` (the counters this caller may read).
struct MethodReport: Encodable {
  /// One of the four checks of the entry.
  ///
  /// JSON keys: `variable` (false: a call passes exactly `max`; true: a
  /// call passes 0 to `max`, where a struct's `max` is the current one,
  /// bounded by the driver's max_struct_size) and `max`.
  struct Check: Encodable {
    var variable: Bool
    var max: Int

    init(_ check: MethodChecks.ScalarCount, maxScalars: Int) {
      switch check {
      case .exactly(let count): (variable, max) = (false, count)
      case .variable: (variable, max) = (true, maxScalars)
      }
    }

    init(_ check: MethodChecks.StructSize) {
      switch check {
      case .exactly(let size): (variable, max) = (false, size)
      case .variable(let size): (variable, max) = (true, size)
      }
    }

    /// `"2"` for a fixed check, `"var≤1M"` for a variable one.
    var text: String {
      variable ? "var≤\(Units.compactBytes(max))" : String(max)
    }
  }

  var selector: UInt32
  var name: String
  var admin: Bool
  var flags: UInt32
  var scalarInput: Check
  var structInput: Check
  var scalarOutput: Check
  var structOutput: Check
  var calls: UInt64
  var errors: UInt64

  enum CodingKeys: String, CodingKey {
    case selector, name, admin, flags, calls, errors
    case scalarInput = "scalar_input"
    case structInput = "struct_input"
    case scalarOutput = "scalar_output"
    case structOutput = "struct_output"
  }

  /// The report of a table entry.
  ///
  /// - Parameters:
  ///   - info: The entry.
  ///   - maxScalars: The driver's `max_scalars`, a variable count's bound.
  init(_ info: MethodInfo, maxScalars: Int) {
    selector = info.selector
    name = info.name
    admin = info.requiresAdmin
    flags = info.flags.rawValue
    scalarInput = Check(info.checks.scalarInputCount, maxScalars: maxScalars)
    structInput = Check(info.checks.structInputSize)
    scalarOutput = Check(info.checks.scalarOutputCount, maxScalars: maxScalars)
    structOutput = Check(info.checks.structOutputSize)
    calls = info.calls
    errors = info.errors
  }

  /// The flags as words: `"admin"`, `"async"`, and any bits this ucprobe
  /// does not know in hexadecimal.
  var flagsText: String {
    let named = [(UCB_METHOD_FLAG_ADMIN, "admin"), (UCB_METHOD_FLAG_ASYNC, "async")]
    let unknown = named.reduce(flags) { $0 & ~$1.0 }
    return (named.filter { flags & $0.0 != 0 }.map(\.1)
      + (unknown != 0 ? ["0x" + String(unknown, radix: 16)] : []))
      .joined(separator: ",")
  }
}

/// `ucprobe list`'s result: the driver and its method table.
///
/// JSON keys: `driver` (a ``DriverReport``) and `methods` (the
/// ``MethodReport``s in selector order).
struct ListReport: Encodable {
  var driver: DriverReport
  var methods: [MethodReport]

  /// The report as `ucprobe list` prints it: a title, then the table.
  var textLines: [String] {
    var table = TextTable([
      ("SEL", .right), ("NAME", .left),
      ("SCALARS IN", .right), ("STRUCT IN", .right),
      ("SCALARS OUT", .right), ("STRUCT OUT", .right),
      ("FLAGS", .left), ("CALLS", .right), ("ERRORS", .right),
    ])
    for method in methods {
      table.append([
        String(method.selector), method.name,
        method.scalarInput.text, method.structInput.text,
        method.scalarOutput.text, method.structOutput.text,
        method.flagsText, String(method.calls), String(method.errors),
      ])
    }
    let title = "\(driver.title): \(methods.count) methods, max_struct_size "
      + Units.compactBytes(driver.maxStructSize)
    return [title, ""] + table.lines
  }
}
