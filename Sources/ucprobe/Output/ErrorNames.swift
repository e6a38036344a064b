import SystemPackage
import UCBridge
import UCBridgeTestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension Errno {
  /// The C name of the error number, such as `"EFAULT"`; `"errno N"` for
  /// one this table does not know.
  var name: String {
    cName ?? "errno \(rawValue)"
  }

  /// The name, the number and the C library's message, as in
  /// `EFAULT (errno 14): Bad address`.
  var explanation: String {
    "\(name) (errno \(rawValue)): \(self)"
  }
}

extension UCBridgeError {
  /// The failure as ucprobe reports it: an IOReturn as
  /// `kIOReturnBadArgument (0xe00002c2): invalid argument`, an errno as
  /// `EFAULT (errno 14): Bad address`.
  var explanation: String {
    switch self {
    case .ioReturn(let result): return result.description
    case .errno(let error): return error.explanation
    case .badArgument, .serviceNotFound, .serviceUnreadable: return description
    }
  }
}
