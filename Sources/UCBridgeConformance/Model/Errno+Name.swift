import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension Errno {
  /// The C name of the error number, such as `"EFAULT"`; `"errno:N"` for
  /// one this table does not know (one word, as transcripts need).
  var name: String {
    errnoNames[rawValue] ?? "errno:\(rawValue)"
  }
}

/// The names of the error numbers a ucbridge ioctl, open(2) or the
/// privilege drop can give.
private let errnoNames: [CInt: String] = [
  EPERM: "EPERM", ENOENT: "ENOENT", EIO: "EIO", E2BIG: "E2BIG", EBADF: "EBADF",
  EAGAIN: "EAGAIN", ENOMEM: "ENOMEM", EACCES: "EACCES", EFAULT: "EFAULT", EBUSY: "EBUSY",
  ENODEV: "ENODEV", EINVAL: "EINVAL", ENOTTY: "ENOTTY", ENOSPC: "ENOSPC",
  ENAMETOOLONG: "ENAMETOOLONG", ELOOP: "ELOOP", EOPNOTSUPP: "EOPNOTSUPP",
]
