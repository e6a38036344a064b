import SystemPackage
import UCBridge

/// How one ioctl of a verification tool ended: what ucprobe's fuzzer
/// counts and the conformance corpus writes in its transcript.
package enum IoctlOutcome: Hashable, Sendable {
  /// `UCB_IOC_CALL` returned 0: the driver dispatched the call, and this is
  /// the IOReturn it left in the header's `result`.
  case dispatched(IOReturn)
  /// Another ioctl (an introspection one), or a case made of several
  /// calls, completed without error.
  case succeeded
  /// The ioctl failed with this errno.
  case failed(Errno)

  /// The outcome's name, one word: an IOReturn's IOKit name such as
  /// `kIOReturnBadArgument`, an errno's C name such as `EFAULT` (or
  /// `errno:N` for one without a name here), or `ok`.
  package var name: String {
    switch self {
    case .dispatched(let result): return result.name
    case .succeeded: return "ok"
    case .failed(let error): return error.cName ?? "errno:\(error.rawValue)"
    }
  }
}
