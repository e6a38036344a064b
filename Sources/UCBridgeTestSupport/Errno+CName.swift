import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension Errno {
  /// The C name of the error number, such as `"EFAULT"`; nil for one this
  /// table does not know.
  package var cName: String? {
    errnoNames[rawValue]
  }
}

/// The names of the error numbers a ucbridge device, open(2), ioctl(2),
/// the privilege drop or a file read can give.
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
