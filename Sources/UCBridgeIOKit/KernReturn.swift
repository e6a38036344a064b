import SystemPackage
import UCBridge

/// The `kern_return_t` IOKit code gets for a `UCBridgeError`.
///
/// An IOReturn passes through unchanged, and a call refused in Swift is
/// `kIOReturnBadArgument`.  Error numbers map to the IOKit code closest in
/// meaning:
///
/// | errno | kern_return_t |
/// |---|---|
/// | `EFAULT`, `EINVAL`, `E2BIG` | `kIOReturnBadArgument` |
/// | `ENOMEM` | `kIOReturnNoMemory` |
/// | `ENOTTY` (not a ucbridge device) | `kIOReturnUnsupported` |
/// | `EBADF` (closed connection) | `kIOReturnNotOpen` |
/// | `ENOENT` | `kIOReturnNotFound` |
/// | `ENODEV`, `ENXIO` | `kIOReturnNoDevice` |
/// | `EPERM`, `EACCES` | `kIOReturnNotPrivileged` |
/// | `EBUSY` | `kIOReturnExclusiveAccess` |
/// | `EMFILE`, `ENFILE` | `kIOReturnNoResources` |
/// | any other | `kIOReturnError` |
///
/// Finding services: no registered driver of a name is `kIOReturnNotFound`,
/// and a driver whose sysfs description cannot be read `kIOReturnError`.
@usableFromInline
func kernReturn(_ error: UCBridgeError) -> kern_return_t {
  switch error {
  case .ioReturn(let result): return kern_return_t(bitPattern: result.rawValue)
  case .badArgument: return kIOReturnBadArgument
  case .errno(let errno): return kernReturn(errno)
  case .serviceNotFound: return kIOReturnNotFound
  case .serviceUnreadable: return kIOReturnError
  }
}

private func kernReturn(_ errno: Errno) -> kern_return_t {
  switch errno {
  case .badAddress, .invalidArgument, .argListTooLong: return kIOReturnBadArgument
  case .noMemory: return kIOReturnNoMemory
  case .inappropriateIOCTLForDevice: return kIOReturnUnsupported
  case .badFileDescriptor: return kIOReturnNotOpen
  case .noSuchFileOrDirectory: return kIOReturnNotFound
  case .operationNotSupportedByDevice, .noSuchAddressOrDevice: return kIOReturnNoDevice
  case .notPermitted, .permissionDenied: return kIOReturnNotPrivileged
  case .resourceBusy: return kIOReturnExclusiveAccess
  case .tooManyOpenFiles, .tooManyOpenFilesInSystem: return kIOReturnNoResources
  default: return kIOReturnError
  }
}
