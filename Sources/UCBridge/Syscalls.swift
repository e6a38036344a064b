// The only place UCBridge makes system calls, as swift-system's
// Internals/Syscalls.swift: every open(2), ioctl(2), read(2), mmap(2),
// munmap(2) and close(2) of a device, the event reader's poll(2) and its
// wake-up eventfd(2), and every read of sysfs (the directory of services and their
// attribute files), goes through these; an interrupted call is retried
// here.

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

@inlinable
internal func system_ioctl(
  _ fd: CInt, _ request: CUnsignedLong, _ argument: UnsafeMutableRawPointer?
) -> CInt {
  ucb_sys_ioctl(fd, request, argument)
}

internal func system_mmap(
  _ length: Int, _ protection: CInt, _ flags: CInt, _ fd: CInt, _ offset: off_t
) -> UnsafeMutableRawPointer? {
  mmap(nil, length, protection, flags, fd, offset)
}

internal func system_munmap(_ address: UnsafeMutableRawPointer, _ length: Int) -> CInt {
  munmap(address, length)
}

internal func system_close(_ fd: CInt) -> CInt {
  close(fd)
}

internal func system_read(
  _ fd: CInt, _ buffer: UnsafeMutableRawPointer?, _ count: Int
) -> Int {
  read(fd, buffer, count)
}

internal func system_write(
  _ fd: CInt, _ buffer: UnsafeRawPointer?, _ count: Int
) -> Int {
  write(fd, buffer, count)
}

internal func system_poll(
  _ descriptors: UnsafeMutablePointer<pollfd>, _ count: Int, _ timeout: CInt
) -> CInt {
  poll(descriptors, nfds_t(count), timeout)
}

internal func system_eventfd(_ count: CUnsignedInt, _ flags: CInt) -> CInt {
  ucb_sys_eventfd(count, flags)
}

internal func system_access(_ path: UnsafePointer<CChar>, _ mode: CInt) -> CInt {
  access(path, mode)
}

internal func system_opendir(_ path: UnsafePointer<CChar>) -> OpaquePointer? {
  opendir(path)
}

internal func system_readdir(_ directory: OpaquePointer) -> UnsafeMutablePointer<dirent>? {
  readdir(directory)
}

internal func system_closedir(_ directory: OpaquePointer) -> CInt {
  closedir(directory)
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

/// Opens a ucbridge device for reading and writing, close-on-exec and
/// non-blocking: ioctl(2) and mmap(2) ignore `O_NONBLOCK`, and events are
/// waited for with poll(2), never in read(2).
internal func openDevice(_ path: FilePath) -> Result<FileDescriptor, Errno> {
  path.withPlatformString { cPath in
    valueOrErrno(retryOnInterrupt: true) {
      system_open(cPath, O_RDWR | O_CLOEXEC | O_NONBLOCK)
    }.map(FileDescriptor.init(rawValue:))
  }
}

/// read(2) of a device's events: whole `struct ucb_event` records, or
/// `EAGAIN` when none waits.
internal func readDevice(
  _ fd: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer
) -> Result<Int, Errno> {
  valueOrErrno(retryOnInterrupt: true) {
    system_read(fd.rawValue, buffer.baseAddress, buffer.count)
  }
}

/// Closes a device descriptor.  Never retried: Linux releases the
/// descriptor even when close(2) reports EINTR, and a second close could
/// hit a descriptor another thread has opened since.
internal func closeDevice(_ fd: FileDescriptor) -> Result<Void, Errno> {
  nothingOrErrno(retryOnInterrupt: false) { system_close(fd.rawValue) }
}

/// One ioctl(2) on a device descriptor.
///
/// Inlined into the raw call: a success costs the system call and one
/// test; reading `errno` and retrying an interrupted call are out of line.
@inlinable @inline(always)
internal func ioctlDevice(
  _ fd: FileDescriptor, _ request: CUnsignedLong,
  _ argument: UnsafeMutableRawPointer?
) -> Result<Void, Errno> {
  if _fastPath(system_ioctl(fd.rawValue, request, argument) != -1) { return .success(()) }
  return ioctlDeviceFailed(fd, request, argument)
}

/// What ``ioctlDevice(_:_:_:)`` returns once the ioctl has failed: the
/// error, after retrying while it is `EINTR`.
@usableFromInline @inline(never)
internal func ioctlDeviceFailed(
  _ fd: FileDescriptor, _ request: CUnsignedLong,
  _ argument: UnsafeMutableRawPointer?
) -> Result<Void, Errno> {
  let error = Errno(rawValue: errno)
  guard error == .interrupted else { return .failure(error) }
  return nothingOrErrno(retryOnInterrupt: true) {
    system_ioctl(fd.rawValue, request, argument)
  }
}

/// mmap(2) of a device descriptor at an offset the driver gives meaning
/// (`UCB_MEMORY_OFFSET(type)`).  An offset past `off_t` fails with
/// `EINVAL`, as no driver offset can be there.
internal func mmapDevice(
  _ fd: FileDescriptor, length: Int, protection: CInt, flags: CInt, offset: UInt64
) -> Result<UnsafeMutableRawPointer, Errno> {
  guard let offset = off_t(exactly: offset) else { return .failure(.invalidArgument) }
  while true {
    let address = system_mmap(length, protection, flags, fd.rawValue, offset)
    if let address, address != UnsafeMutableRawPointer(bitPattern: -1) {
      return .success(address)
    }
    let error = Errno(rawValue: errno)
    if error != .interrupted { return .failure(error) }
  }
}

/// munmap(2) of a mapping made by ``mmapDevice(_:length:protection:flags:offset:)``
/// or a transport.
internal func unmapMemory(_ address: UnsafeMutableRawPointer, length: Int) -> Result<Void, Errno> {
  nothingOrErrno(retryOnInterrupt: false) { system_munmap(address, length) }
}

/// Reads a small file whole, as a sysfs attribute is read: at most
/// `limit` bytes, or `EFBIG` when it holds more.
internal func readSmallFile(_ path: FilePath, limit: Int) -> Result<[UInt8], Errno> {
  path.withPlatformString { cPath in
    valueOrErrno(retryOnInterrupt: true) {
      system_open(cPath, O_RDONLY | O_CLOEXEC)
    }
  }.flatMap { fd in
    defer { _ = system_close(fd) }
    // One byte of room past the limit tells a longer file apart.
    var bytes = [UInt8](repeating: 0, count: limit + 1)
    var filled = 0
    while filled < bytes.count {
      let result = bytes.withUnsafeMutableBytes { buffer in
        valueOrErrno(retryOnInterrupt: true) {
          system_read(fd, buffer.baseAddress! + filled, buffer.count - filled)
        }
      }
      switch result {
      case .success(0): return .success(Array(bytes[..<filled]))
      case .success(let count): filled += count
      case .failure(let error): return .failure(error)
      }
    }
    return .failure(.fileTooLarge)
  }
}

/// The names in a directory but `.` and `..`, in no particular order.
///
/// The corresponding C calls are `opendir()`, `readdir()` and `closedir()`.
internal func directoryNames(_ path: FilePath) -> Result<[String], Errno> {
  let opened: Result<OpaquePointer, Errno> = path.withPlatformString { cPath in
    if let directory = system_opendir(cPath) { return .success(directory) }
    return .failure(Errno(rawValue: errno))
  }
  return opened.flatMap { directory in
    defer { _ = system_closedir(directory) }
    var names: [String] = []
    while true {
      // readdir() returns NULL at the end and on an error; only an error
      // sets errno.
      errno = 0
      guard let entry = system_readdir(directory) else {
        return errno == 0 ? .success(names) : .failure(Errno(rawValue: errno))
      }
      let name = withUnsafePointer(to: &entry.pointee.d_name) {
        $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) {
          String(cString: $0)
        }
      }
      if name != "." && name != ".." { names.append(name) }
    }
  }
}

/// Whether anything exists at a path.
///
/// The corresponding C call is `access(path, F_OK)`.
internal func pathExists(_ path: FilePath) -> Bool {
  path.withPlatformString { system_access($0, F_OK) == 0 }
}

/// A new eventfd, non-blocking and close-on-exec, with a counter of 0: a
/// descriptor poll(2) reports readable once ``signalEventCounter(_:)`` has
/// written it and until ``resetEventCounter(_:)`` reads it.
internal func makeEventCounter() -> Result<FileDescriptor, Errno> {
  valueOrErrno(retryOnInterrupt: false) {
    system_eventfd(0, CInt(EFD_CLOEXEC | EFD_NONBLOCK))
  }.map(FileDescriptor.init(rawValue:))
}

/// Adds 1 to an eventfd's counter, making it readable.  Cannot fail on a
/// counter that only ever holds a few: `EAGAIN` would need 2⁶⁴ - 2.
internal func signalEventCounter(_ fd: FileDescriptor) {
  var one: UInt64 = 1
  _ = valueOrErrno(retryOnInterrupt: true) {
    system_write(fd.rawValue, &one, MemoryLayout<UInt64>.size)
  }
}

/// Reads an eventfd's counter back to 0; `EAGAIN` when it already is.
internal func resetEventCounter(_ fd: FileDescriptor) {
  var value: UInt64 = 0
  _ = valueOrErrno(retryOnInterrupt: true) {
    system_read(fd.rawValue, &value, MemoryLayout<UInt64>.size)
  }
}

/// poll(2) of two descriptors for input, without a timeout; an
/// interrupted wait is retried.
///
/// - Returns: Whether each is readable or hung up (or in error).
internal func pollForInput(
  _ first: FileDescriptor, _ second: FileDescriptor
) -> Result<(first: Bool, second: Bool), Errno> {
  var descriptors = (
    pollfd(fd: first.rawValue, events: Int16(POLLIN), revents: 0),
    pollfd(fd: second.rawValue, events: Int16(POLLIN), revents: 0))
  return withUnsafeMutableBytes(of: &descriptors) { bytes in
    let entries = bytes.bindMemory(to: pollfd.self)
    return valueOrErrno(retryOnInterrupt: true) {
      system_poll(entries.baseAddress!, entries.count, -1)
    }.map { _ in (entries[0].revents != 0, entries[1].revents != 0) }
  }
}

/// Closes an eventfd of ``makeEventCounter()``, never retried, as
/// ``closeDevice(_:)``.
internal func closeEventCounter(_ fd: FileDescriptor) {
  _ = system_close(fd.rawValue)
}
