import ArgumentParser
import CUCBridge
import UCBridge

/// A method as the command line names it: by selector (`2`, `0x2`) or by
/// name (`echo`).  Names are looked up in the driver's own method table,
/// so any ucbridge driver's methods can be named.
enum MethodReference: Hashable, Sendable, ExpressibleByArgument, CustomStringConvertible {
  /// The method at this index of the table.
  case selector(UInt32)
  /// The method of this name.
  case name(String)

  init?(argument: String) {
    if NumberSyntax.looksNumeric(argument) {
      guard let value = NumberSyntax.unsigned(argument),
        let selector = UInt32(exactly: value)
      else { return nil }
      self = .selector(selector)
    } else if !argument.isEmpty {
      self = .name(argument)
    } else {
      return nil
    }
  }

  var description: String {
    switch self {
    case .selector(let selector): return String(selector)
    case .name(let name): return name
    }
  }

  /// Finds the method in the driver's table.
  ///
  /// A name matches exactly, or else without regard to case when only one
  /// method matches that way.  A selector need not be in the table: a call
  /// to it is how to see the driver answer `kIOReturnUnsupported`.
  ///
  /// - Parameters:
  ///   - table: The driver's method table.
  ///   - driver: The driver's name, for the message.
  /// - Returns: The method.
  /// - Throws: ``ProbeFailure/usage(_:)`` for a name no method has,
  ///   listing the names there are.
  func resolve(in table: [MethodInfo], driver: String) throws(ProbeFailure) -> TargetMethod {
    switch self {
    case .selector(let selector):
      return TargetMethod(
        selector: selector, info: table.first { $0.selector == selector })
    case .name(let name):
      let folded = table.filter { $0.name.lowercased() == name.lowercased() }
      guard let info = table.first(where: { $0.name == name })
        ?? (folded.count == 1 ? folded.first : nil)
      else {
        throw .usage(
          "no method named '\(name)' in \(driver)",
          "hint: its methods are \(table.map(\.name).joined(separator: ", ")); see 'ucprobe list'")
      }
      return TargetMethod(selector: info.selector, info: info)
    }
  }
}

/// A method a command calls: its selector and, when the driver's table
/// has that selector, its entry.
struct TargetMethod {
  /// The selector the call carries.
  var selector: UInt32
  /// The table entry; nil for a selector past the table.
  var info: MethodInfo?

  /// Whether the table says the method is async
  /// (`UCB_METHOD_FLAG_ASYNC`): called only with `call --async`.
  var isAsync: Bool {
    info?.flags.contains(.async) ?? false
  }

  /// `"echo (selector 2)"`, or `"selector 12"` past the table.
  var label: String {
    info.map { "\($0.name) (selector \(selector))" } ?? "selector \(selector)"
  }

  /// The room for output scalars a call offers unless told otherwise: the
  /// entry's fixed count, `UCB_MAX_SCALARS` for a variable count, none
  /// past the table.
  var defaultScalarOutputRoom: Int {
    switch info?.checks.scalarOutputCount {
    case .exactly(let count)?: return count
    case .variable?: return Int(UCB_MAX_SCALARS)
    case nil: return 0
    }
  }

  /// The room for the output struct a call offers unless told otherwise:
  /// the entry's fixed size, or its current maximum for a variable size,
  /// so that any output fits; none past the table.
  var defaultStructOutputRoom: Int {
    switch info?.checks.structOutputSize {
    case .exactly(let size)?, .variable(let size)?: return size
    case nil: return 0
    }
  }
}
