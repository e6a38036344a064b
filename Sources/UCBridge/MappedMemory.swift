import CUCBridge
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One memory type a driver shares with its clients, from
/// `UCB_IOC_MEMORY_INFO`: what IOKit's `clientMemoryForType` hands out.
public struct MemoryInfo: Hashable, Sendable {
  /// Memory type flags (`UCB_MEMORY_*`).
  public struct Flags: OptionSet, Hashable, Sendable {
    /// The raw `UCB_MEMORY_*` bits.
    public let rawValue: UInt32

    /// Creates flags from raw bits.
    ///
    /// - Parameter rawValue: `UCB_MEMORY_*` bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The client may only read the memory; the driver writes it
    /// (`UCB_MEMORY_READ_ONLY`).
    public static var readOnly: Flags { Flags(rawValue: UCB_MEMORY_READ_ONLY) }
    /// One memory for every client of the driver; otherwise each
    /// connection has its own (`UCB_MEMORY_SHARED`).
    public static var shared: Flags { Flags(rawValue: UCB_MEMORY_SHARED) }
  }

  /// The memory type, from 0.
  public var type: UInt32
  /// The type's name, such as `"buffer"`.
  public var name: String
  /// The type's flags.
  public var flags: Flags
  /// Its size in bytes, a whole number of pages: the longest mapping.
  public var length: Int
  /// The mmap(2) offset that maps it, `UCB_MEMORY_OFFSET(type)`.
  public var offset: UInt64

  /// Whether a client may only read it.
  public var isReadOnly: Bool { flags.contains(.readOnly) }
  /// Whether all clients of the driver share one memory of the type.
  public var isShared: Bool { flags.contains(.shared) }

  internal init(_ info: ucb_memory_info) {
    type = info.type
    name = withUnsafeBytes(of: info.name) { bytes in
      String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }
    flags = Flags(rawValue: info.memory_flags)
    length = Int(truncatingIfNeeded: info.length)
    offset = info.offset
  }
}

/// A driver's memory mapped into this process: `IOConnectMapMemory64`'s
/// mapping, owned by one Swift value.
///
/// `MappedMemory` is `~Copyable`: exactly one value owns the mapping,
/// and it is unmapped (munmap(2)) when that value goes away, or at
/// ``unmap()``.  The mapping does not keep the ``Connection`` open and
/// outlives its ``Connection/close()``, as any mmap(2) does; it is not
/// inherited by a child process (the driver maps with `VM_DONTCOPY`).
///
/// The bytes are shared with the driver and, for a ``MemoryInfo/isShared``
/// type, with other clients: they can change at any time.  Read them as
/// racing data (copy what you validate); the driver does the same with
/// what you write, reading it only through a snapshot.
///
/// A read-only mapping (of a ``MemoryInfo/isReadOnly`` type, or mapped
/// with `readOnly: true`) has no mutable access:
/// ``withUnsafeMutableBytes(_:)`` and ``withMutableSpan(_:)`` stop the program
/// with a precondition failure, as a write would fault (SIGSEGV) anyway;
/// check ``isReadOnly`` first when in doubt.
///
/// ```swift
/// var buffer = try connection.map(type: 0)
/// buffer.withUnsafeMutableBytes { $0.copyBytes(from: payload) }
/// let sum = try connection.call(.sharedChecksum(offset: 0, length: payload.count))
/// ```
public struct MappedMemory: ~Copyable, @unchecked Sendable {
  // @unchecked Sendable: the value alone owns the mapping; sending it
  // moves the ownership.
  private let address: UnsafeMutableRawPointer
  /// The mapping's length in bytes.
  public let count: Int
  /// The memory type it maps.
  public let type: UInt32
  /// Whether it is mapped without `PROT_WRITE`.
  public let isReadOnly: Bool

  internal init(address: UnsafeMutableRawPointer, count: Int, type: UInt32, isReadOnly: Bool) {
    self.address = address
    self.count = count
    self.type = type
    self.isReadOnly = isReadOnly
  }

  deinit {
    _ = unmapMemory(address, length: count)
  }

  /// Unmaps the memory now, reporting munmap(2)'s error.
  ///
  /// - Throws: ``UCBridgeError/errno(_:)`` when munmap(2) fails (it does
  ///   not for a mapping this value owns).
  ///
  /// The corresponding C call is `munmap(address, count)`.
  public consuming func unmap() throws(UCBridgeError) {
    let address = self.address
    let count = self.count
    discard self
    try unmapMemory(address, length: count).mapError(UCBridgeError.errno).get()
  }

  /// The mapping's first byte, for code that must hand an address on
  /// (such as the IOKit shim's `IOConnectMapMemory64`).  The address is
  /// valid while this value lives.
  public var baseAddress: UnsafeRawPointer { UnsafeRawPointer(address) }

  /// Calls `body` with the mapped bytes.
  ///
  /// - Parameter body: Reads the bytes; the buffer must not escape.
  /// - Returns: What `body` returns.
  public func withUnsafeBytes<Result, E: Error>(
    _ body: (UnsafeRawBufferPointer) throws(E) -> Result
  ) throws(E) -> Result {
    try body(UnsafeRawBufferPointer(start: address, count: count))
  }

  /// Calls `body` with the mapped bytes to read and write.
  ///
  /// - Precondition: The mapping is not ``isReadOnly``.
  /// - Parameter body: Reads and writes the bytes; the buffer must not
  ///   escape.
  /// - Returns: What `body` returns.
  public mutating func withUnsafeMutableBytes<Result, E: Error>(
    _ body: (UnsafeMutableRawBufferPointer) throws(E) -> Result
  ) throws(E) -> Result {
    precondition(!isReadOnly, "MappedMemory: a read-only mapping cannot be written")
    return try body(UnsafeMutableRawBufferPointer(start: address, count: count))
  }

  // RawSpan and MutableRawSpan come through closures: a `span` property
  // returning one needs a lifetime dependence on `self` (`@_lifetime`),
  // which Swift 6.3 accepts only with the experimental feature Lifetimes.

  /// Calls `body` with the mapped bytes as a `RawSpan`, bounds-checked
  /// and unable to escape.
  ///
  /// - Parameter body: Reads the bytes.
  /// - Returns: What `body` returns.
  public func withSpan<Result: ~Copyable, E: Error>(
    _ body: (RawSpan) throws(E) -> Result
  ) throws(E) -> Result {
    try body(UnsafeRawBufferPointer(start: address, count: count).bytes)
  }

  /// Calls `body` with the mapped bytes as a `MutableRawSpan`.
  ///
  /// - Precondition: The mapping is not ``isReadOnly``.
  /// - Parameter body: Reads and writes the bytes.
  /// - Returns: What `body` returns.
  public mutating func withMutableSpan<Result: ~Copyable, E: Error>(
    _ body: (inout MutableRawSpan) throws(E) -> Result
  ) throws(E) -> Result {
    precondition(!isReadOnly, "MappedMemory: a read-only mapping cannot be written")
    var span = UnsafeMutableRawBufferPointer(start: address, count: count).mutableBytes
    return try body(&span)
  }
}

extension Connection {
  /// Describes one memory type of the driver.
  ///
  /// - Parameter type: The memory type, from 0.
  /// - Returns: The type's description.
  /// - Throws: ``UCBridgeError/errno(_:)``: `.noSuchFileOrDirectory`
  ///   (`ENOENT`) for a type the driver does not have.
  ///
  /// The corresponding C call is `ioctl(fd, UCB_IOC_MEMORY_INFO, &info)`.
  public func memoryInfo(type: UInt32) throws(UCBridgeError) -> MemoryInfo {
    var info = ucb_memory_info()
    info.size = UInt32(MemoryLayout<ucb_memory_info>.size)
    info.type = type
    return try ioctl(ucb_ioc_memory_info, &info)
      .map { MemoryInfo(info) }
      .mapError(UCBridgeError.errno)
      .get()
  }

  /// Describes every memory type of the driver, from type 0 up to the
  /// first the driver does not have; empty for a driver with none.
  ///
  /// - Returns: The memory types, in type order.
  /// - Throws: ``UCBridgeError/errno(_:)`` when an ioctl fails other than
  ///   with `ENOENT`.
  public func memoryTypes() throws(UCBridgeError) -> [MemoryInfo] {
    var types: [MemoryInfo] = []
    for type in 0..<UInt32(UCB_MEMORY_TYPE_MAX) {
      do {
        types.append(try memoryInfo(type: type))
      } catch .errno(.noSuchFileOrDirectory) {
        break
      }
    }
    return types
  }

  /// Maps a memory type of the driver into this process: IOKit's
  /// `IOConnectMapMemory64`.
  ///
  /// - Parameters:
  ///   - type: The memory type, from 0.
  ///   - readOnly: Map without `PROT_WRITE`.  Nil maps a read-only type
  ///     read-only and any other read-write (which asks the driver for
  ///     ``memoryInfo(type:)`` first); true or false map so without
  ///     asking, and false for a read-only type fails with `EACCES`.
  ///   - length: How many bytes from the type's start, at most its
  ///     ``MemoryInfo/length``; nil for all of them (which asks the
  ///     driver for ``memoryInfo(type:)`` first).
  /// - Returns: The mapping, unmapped when the value goes away.
  /// - Throws: ``UCBridgeError/errno(_:)`` with mmap(2)'s error:
  ///   `.invalidArgument` for an unknown type or a length past the
  ///   type's (or 0), `.permissionDenied` for writing a read-only type,
  ///   `.operationNotSupportedByDevice` (`ENODEV`) once the driver is
  ///   unregistered, `.noMemory`; or `.noSuchFileOrDirectory` from the
  ///   description of an unknown type; `.badFileDescriptor` once the
  ///   connection is closed.
  ///
  /// The corresponding C call is
  /// `mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, UCB_MEMORY_OFFSET(type))`
  /// (without `PROT_WRITE` when read-only).
  public func map(
    type: UInt32, readOnly: Bool? = nil, length: Int? = nil
  ) throws(UCBridgeError) -> MappedMemory {
    var info: MemoryInfo?
    if readOnly == nil || length == nil { info = try memoryInfo(type: type) }
    let isReadOnly = readOnly ?? info!.isReadOnly
    let count = length ?? info!.length
    guard count >= 0 else { throw .badArgument("map: a length of \(count)") }
    let protection = isReadOnly ? PROT_READ : PROT_READ | PROT_WRITE
    let address = try mmap(
      length: count, protection: protection, flags: MAP_SHARED,
      offset: ucb_memory_offset(type)
    ).mapError(UCBridgeError.errno).get()
    return MappedMemory(address: address, count: count, type: type, isReadOnly: isReadOnly)
  }

  /// mmap(2) on the connection with any arguments, checking nothing: for
  /// probes that map what ``map(type:readOnly:length:)`` refuses (an
  /// offset inside a type, `MAP_PRIVATE`).  The caller unmaps the result
  /// with munmap(2).
  ///
  /// - Parameters:
  ///   - length: The length, as mmap(2)'s.
  ///   - protection: `PROT_*` bits.
  ///   - flags: `MAP_*` bits; the driver refuses all but `MAP_SHARED`
  ///     mappings.
  ///   - offset: The offset, such as `UCB_MEMORY_OFFSET(type)`.
  /// - Returns: The mapping's address.
  /// - Throws: ``UCBridgeError/errno(_:)`` with mmap(2)'s error.
  ///
  /// The corresponding C call is `mmap(NULL, length, protection, flags, fd, offset)`.
  @_spi(RawIoctl)
  public func rawMmap(
    length: Int, protection: CInt, flags: CInt, offset: UInt64
  ) throws(UCBridgeError) -> UnsafeMutableRawPointer {
    try mmap(length: length, protection: protection, flags: flags, offset: offset)
      .mapError(UCBridgeError.errno).get()
  }
}
