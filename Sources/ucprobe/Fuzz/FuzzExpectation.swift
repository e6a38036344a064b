import CUCBridge
import SystemPackage
import UCBridge

/// What the ABI allows a fuzz case's ioctl to do, worked out from the case
/// alone (ucbridge.h and the README's call semantics):
///
/// - a header that cannot be read fails with `EFAULT`; a `size` below the
///   first published structure with `EINVAL`, above 4096 or with a
///   non-zero tail with `E2BIG`; non-zero `flags` or more than
///   `UCB_MAX_SCALARS` scalars with `EINVAL`; a method-info selector past
///   the table with `ENOENT`; an unknown ioctl number with `ENOTTY`; a
///   user-client type chosen after the connection opened (by an earlier
///   choice or call) with `EBUSY`, which the run cannot rule out.  A
///   case with several of these may fail with any of their errnos, but it
///   must fail.
/// - a well-formed call to a selector past the table is dispatched with
///   `kIOReturnUnsupported`; one that breaks its method's checks with
///   `kIOReturnBadArgument` (or `kIOReturnNotPrivileged` for an admin
///   method); one that passes them copies its inputs, so an unreadable
///   input fails with `EFAULT`; beyond that the method decides, and the
///   ioctl may fail only with `ENOMEM` or, for unwritable output room,
///   `EFAULT`.
struct FuzzExpectation {
  /// The errnos allowed; empty when the ioctl must succeed.
  var errnos: Set<Errno>
  /// Whether the ioctl may return 0.
  var mayReturnZero: Bool
  /// For a dispatched call, the results allowed; nil for any.
  var results: Set<IOReturn>?

  /// The errnos the ABI documents for a request; any other is a finding
  /// whatever the case.
  static func documentedErrnos(for request: FuzzCase.Request) -> Set<Errno> {
    var errnos: Set<Errno> = [
      .invalidArgument, .argListTooLong, .badAddress, .noMemory, .inappropriateIOCTLForDevice,
    ]
    if request == .methodInfo { errnos.insert(.noSuchFileOrDirectory) }
    if request == .open { errnos.insert(.resourceBusy) }
    return errnos
  }

  /// The expectation of a case.
  ///
  /// - Parameters:
  ///   - fuzzCase: The case.
  ///   - memory: Which of its bytes can be read and written.
  ///   - methods: The driver's method table.
  /// - Returns: What the ABI allows.
  static func of(
    _ fuzzCase: FuzzCase, memory: FuzzMemory, methods: [MethodInfo]
  ) -> FuzzExpectation {
    if case .unknown = fuzzCase.request {
      return FuzzExpectation(errnos: [.inappropriateIOCTLForDevice], mayReturnZero: false)
    }
    let malformed = headerErrnos(fuzzCase, memory: memory, methodCount: methods.count)
    if !malformed.isEmpty {
      return FuzzExpectation(errnos: malformed, mayReturnZero: false)
    }
    switch fuzzCase.request {
    case .call:
      break
    case .open:
      // The reference driver accepts any type, once.
      return FuzzExpectation(errnos: [.resourceBusy], mayReturnZero: true)
    default:
      return FuzzExpectation(errnos: [], mayReturnZero: true)
    }
    return dispatch(fuzzCase, memory: memory, methods: methods)
  }

  private init(errnos: Set<Errno>, mayReturnZero: Bool, results: Set<IOReturn>? = nil) {
    self.errnos = errnos
    self.mayReturnZero = mayReturnZero
    self.results = results
  }

  /// The errnos the header alone calls for.
  private static func headerErrnos(
    _ fuzzCase: FuzzCase, memory: FuzzMemory, methodCount: Int
  ) -> Set<Errno> {
    guard memory.headerSizeReadable else { return [.badAddress] }
    if fuzzCase.size < fuzzCase.request.structSize { return [.invalidArgument] }
    if fuzzCase.size > 4096 { return [.argListTooLong] }
    var errnos: Set<Errno> = []
    if !memory.headerReadable { errnos.insert(.badAddress) }
    if fuzzCase.hasNonZeroTail { errnos.insert(.argListTooLong) }
    if fuzzCase.flags != 0 { errnos.insert(.invalidArgument) }
    let maxScalars = UInt32(UCB_MAX_SCALARS)
    switch fuzzCase.request {
    case .call where fuzzCase.scalarInput.count > maxScalars
      || fuzzCase.scalarOutput.count > maxScalars:
      errnos.insert(.invalidArgument)
    case .methodInfo where fuzzCase.selector >= methodCount:
      errnos.insert(.noSuchFileOrDirectory)
    default:
      break
    }
    return errnos
  }

  /// What a call with a well-formed header may come to.
  private static func dispatch(
    _ fuzzCase: FuzzCase, memory: FuzzMemory, methods: [MethodInfo]
  ) -> FuzzExpectation {
    guard let method = methods.first(where: { $0.selector == fuzzCase.selector }) else {
      return FuzzExpectation(errnos: [], mayReturnZero: true, results: [.unsupported])
    }
    let refused: Set<IOReturn> = method.requiresAdmin ? [.badArgument, .notPrivileged] : [.badArgument]
    do {
      try method.checks.validate(
        scalarInputCount: Int(fuzzCase.scalarInput.count),
        structInputSize: Int(fuzzCase.structInput.count),
        scalarOutputRoom: Int(fuzzCase.scalarOutput.count),
        structOutputRoom: Int(fuzzCase.structOutput.count), method: method.name)
    } catch {
      return FuzzExpectation(errnos: [], mayReturnZero: true, results: refused)
    }
    guard memory.inputsReadable else {
      return FuzzExpectation(
        errnos: [.badAddress, .noMemory], mayReturnZero: method.requiresAdmin,
        results: [.notPrivileged])
    }
    return FuzzExpectation(
      errnos: memory.outputsWritable ? [.noMemory] : [.noMemory, .badAddress],
      mayReturnZero: true)
  }
}

/// Which bytes of a laid-out fuzz case can be read and written.
struct FuzzMemory {
  /// The header's `size` field.
  var headerSizeReadable: Bool
  /// The header's first `size` bytes (when `size` is at most 4096).
  var headerReadable: Bool
  /// The input scalars and the input struct, as far as the counts go.
  var inputsReadable: Bool
  /// The output rooms, as far as the counts go.
  var outputsWritable: Bool
}
