// The only place UCBridge makes system calls, as swift-system's
// Internals/Syscalls.swift: every open(2), ioctl(2) and close(2) of a
// device goes through these, and an interrupted call is retried here.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
#error("UCBridge talks to a Linux character device")
#endif
import CUCBridge
import SystemPackage

internal func system_open(_ path: UnsafePointer<CChar>, _ flags: CInt) -> CInt {
  open(path, flags)
}

internal func system_ioctl(
  _ fd: CInt, _ request: CUnsignedLong, _ argument: UnsafeMutableRawPointer?
) -> CInt {
  ucb_sys_ioctl(fd, request, argument)
}

internal func system_close(_ fd: CInt) -> CInt {
  close(fd)
}

/// Runs `f` until it does not fail with `EINTR` (when asked to), turning
/// the C convention of -1 plus `errno` into a `Result`.
internal func valueOrErrno<I: FixedWidthInteger>(
  retryOnInterrupt: Bool, _ f: () -> I
) -> Result<I, Errno> {
  while true {
    let value = f()
    if value != -1 { return .success(value) }
    let error = Errno(rawValue: errno)
    if !(retryOnInterrupt && error == .interrupted) { return .failure(error) }
  }
}

internal func nothingOrErrno<I: FixedWidthInteger>(
  retryOnInterrupt: Bool, _ f: () -> I
) -> Result<Void, Errno> {
  valueOrErrno(retryOnInterrupt: retryOnInterrupt, f).map { _ in () }
}

/// Opens a ucbridge device for reading and writing, close-on-exec.
internal func openDevice(_ path: FilePath) -> Result<FileDescriptor, Errno> {
  path.withPlatformString { cPath in
    valueOrErrno(retryOnInterrupt: true) {
      system_open(cPath, O_RDWR | O_CLOEXEC)
    }.map(FileDescriptor.init(rawValue:))
  }
}

/// Closes a device descriptor.  Never retried: Linux releases the
/// descriptor even when close(2) reports EINTR, and a second close could
/// hit a descriptor another thread has opened since.
internal func closeDevice(_ fd: FileDescriptor) -> Result<Void, Errno> {
  nothingOrErrno(retryOnInterrupt: false) { system_close(fd.rawValue) }
}

/// One ioctl(2) on a device descriptor.
internal func ioctlDevice(
  _ fd: FileDescriptor, _ request: CUnsignedLong,
  _ argument: UnsafeMutableRawPointer?
) -> Result<Void, Errno> {
  nothingOrErrno(retryOnInterrupt: true) {
    system_ioctl(fd.rawValue, request, argument)
  }
}
