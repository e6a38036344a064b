import SystemPackage
import UCBridge

/// How a fuzz case's ioctl ended.
enum FuzzOutcome: Hashable {
  /// `UCB_IOC_CALL` returned 0: the driver dispatched the call with this
  /// result.
  case dispatched(IOReturn)
  /// Another ioctl returned 0.
  case succeeded
  /// The ioctl failed with this errno.
  case failed(Errno)

  /// The name outcomes are counted under: an IOReturn's or an errno's
  /// name, or `ok`.
  var name: String {
    switch self {
    case .dispatched(let result): return result.name
    case .succeeded: return "ok"
    case .failed(let error): return error.name
    }
  }
}
