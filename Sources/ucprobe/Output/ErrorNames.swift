import SystemPackage
import UCBridge

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension Errno {
  /// The C name of the error number, such as `"EFAULT"`; `"errno N"` for
  /// one this table does not know.
  var name: String {
    errnoNames[rawValue] ?? "errno \(rawValue)"
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

/// The names of the error numbers a ucbridge device, open(2), ioctl(2)
/// or a file read can give.
private let errnoNames: [CInt: String] = [
  EPERM: "EPERM", ENOENT: "ENOENT", ESRCH: "ESRCH", EINTR: "EINTR",
  EIO: "EIO", ENXIO: "ENXIO", E2BIG: "E2BIG", ENOEXEC: "ENOEXEC",
  EBADF: "EBADF", ECHILD: "ECHILD", EAGAIN: "EAGAIN", ENOMEM: "ENOMEM",
  EACCES: "EACCES", EFAULT: "EFAULT", ENOTBLK: "ENOTBLK", EBUSY: "EBUSY",
  EEXIST: "EEXIST", EXDEV: "EXDEV", ENODEV: "ENODEV", ENOTDIR: "ENOTDIR",
  EISDIR: "EISDIR", EINVAL: "EINVAL", ENFILE: "ENFILE", EMFILE: "EMFILE",
  ENOTTY: "ENOTTY", ETXTBSY: "ETXTBSY", EFBIG: "EFBIG", ENOSPC: "ENOSPC",
  ESPIPE: "ESPIPE", EROFS: "EROFS", EMLINK: "EMLINK", EPIPE: "EPIPE",
  EDOM: "EDOM", ERANGE: "ERANGE", EDEADLK: "EDEADLK",
  ENAMETOOLONG: "ENAMETOOLONG", ENOLCK: "ENOLCK", ENOSYS: "ENOSYS",
  ENOTEMPTY: "ENOTEMPTY", ELOOP: "ELOOP", ENOMSG: "ENOMSG",
  ENODATA: "ENODATA", ETIME: "ETIME", EPROTO: "EPROTO",
  EBADMSG: "EBADMSG", EOVERFLOW: "EOVERFLOW", EILSEQ: "EILSEQ",
  EMSGSIZE: "EMSGSIZE", EOPNOTSUPP: "EOPNOTSUPP", ENOBUFS: "ENOBUFS",
  ETIMEDOUT: "ETIMEDOUT", ECANCELED: "ECANCELED", ENOMEDIUM: "ENOMEDIUM",
  EOWNERDEAD: "EOWNERDEAD", ENOTRECOVERABLE: "ENOTRECOVERABLE",
]
