#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization
import UCBridge

/// IOKit's `mach_vm_address_t`: an address in a task, as
/// `IOConnectMapMemory64` hands it out.
public typealias mach_vm_address_t = UInt64

/// IOKit's `mach_vm_size_t`: a size in a task.
public typealias mach_vm_size_t = UInt64

/// IOKit's `IOOptionBits`.
public typealias IOOptionBits = UInt32

/// IOKit's `kIOMapAnywhere`: map at an address the system chooses.  The
/// shim maps nowhere else: options without it are `kIOReturnUnsupported`.
public var kIOMapAnywhere: IOOptionBits { 0x0000_0001 }

/// IOKit's `kIOMapReadOnly`: map without write access.
public var kIOMapReadOnly: IOOptionBits { 0x0000_1000 }

/// IOKit's `kIOMapDefaultCache`: the default cache mode, the only one a
/// ucbridge mapping has.
public var kIOMapDefaultCache: IOOptionBits { 0 }

/// IOKit's `kIOMapCacheMask`: the cache-mode bits, accepted and ignored.
public var kIOMapCacheMask: IOOptionBits { 0x0000_0700 }

/// One live mapping the shim handed out: the region owns the mmap(2).
private final class LiveMapping: Sendable {
  let memory: MappedMemory
  init(_ memory: consuming MappedMemory) { self.memory = memory }
}

/// Every mapping `IOConnectMapMemory64` made, by connection handle, memory
/// type and address.  Kept apart from the handle table: a mapping
/// outlives ``IOServiceClose(_:)``, as any mmap(2) outlives close(2), and
/// can still be unmapped.
private let liveMappings = Mutex<[io_connect_t: [UInt32: [mach_vm_address_t: LiveMapping]]]>([:])

/// Maps a memory type of a driver into the calling process, as IOKit's
/// `IOConnectMapMemory64` does:
///
/// ```swift
/// var address: mach_vm_address_t = 0
/// var size: mach_vm_size_t = 0
/// kr = IOConnectMapMemory64(conn, 0, mach_task_self_, &address, &size, kIOMapAnywhere)
/// let buffer = UnsafeMutableRawPointer(bitPattern: UInt(address))!
/// // ...
/// kr = IOConnectUnmapMemory64(conn, 0, mach_task_self_, address)
/// ```
///
/// The whole type is mapped (its size is the driver's, as IOKit's
/// `clientMemoryForType` decides it), shared with the driver, at an address
/// the system chooses.  A type the driver declares read-only is mapped
/// read-only whatever the options say, as IOKit does: its
/// `mapClientMemory64` keeps the driver's own `kIOMapReadOnly` and takes
/// from the caller only the bits of `kIOMapUserOptionsMask`; so writing
/// read-only memory is never refused here, the mapping just has no write
/// access, and a write faults (SIGSEGV).  `kIOMapReadOnly` in `options`
/// maps any type read-only too.
///
/// - Parameters:
///   - connect: The connection's handle.
///   - memoryType: The memory type, from 0.
///   - intoTask: Ignored; pass `mach_task_self_`.
///   - atAddress: Receives the mapping's address.
///   - ofSize: Receives the mapping's size in bytes.
///   - options: `kIOMapAnywhere`, with `kIOMapReadOnly` or a cache mode
///     (ignored).
/// - Returns: `kIOReturnSuccess`; `kIOReturnNotOpen` for a handle that is
///   not an open connection; `kIOReturnBadArgument` for a nil pointer or
///   a type the driver does not have (IOKit's answer when
///   `mapClientMemory64` makes no map); `kIOReturnUnsupported` without
///   `kIOMapAnywhere` (the shim maps at no fixed address);
///   `kIOReturnNoDevice` once the driver is unregistered;
///   `kIOReturnNoMemory`.
///
/// The corresponding IOKit call is `IOConnectMapMemory64`; the C calls are
/// `ioctl(fd, UCB_IOC_MEMORY_INFO, &info)` and
/// `mmap(NULL, info.length, prot, MAP_SHARED, fd, UCB_MEMORY_OFFSET(type))`.
public func IOConnectMapMemory64(
  _ connect: io_connect_t, _ memoryType: UInt32, _ intoTask: task_port_t,
  _ atAddress: UnsafeMutablePointer<mach_vm_address_t>?,
  _ ofSize: UnsafeMutablePointer<mach_vm_size_t>?,
  _ options: IOOptionBits
) -> kern_return_t {
  guard let connection = openConnection(connect) else { return kIOReturnNotOpen }
  guard let atAddress, let ofSize else { return kIOReturnBadArgument }
  guard options & kIOMapAnywhere != 0 else { return kIOReturnUnsupported }
  do {
    let info = try connection.memoryInfo(type: memoryType)
    let readOnly = info.isReadOnly || options & kIOMapReadOnly != 0
    let memory = try connection.map(type: memoryType, readOnly: readOnly, length: info.length)
    let address = mach_vm_address_t(UInt(bitPattern: memory.baseAddress))
    let size = mach_vm_size_t(memory.count)
    let mapping = LiveMapping(memory)
    liveMappings.withLock { $0[connect, default: [:]][memoryType, default: [:]][address] = mapping }
    atAddress.pointee = address
    ofSize.pointee = size
    return kIOReturnSuccess
  } catch .errno(.noSuchFileOrDirectory) {
    return kIOReturnBadArgument
  } catch {
    return kernReturn(error)
  }
}

/// Unmaps memory mapped with ``IOConnectMapMemory64(_:_:_:_:_:_:)``, as
/// IOKit's `IOConnectUnmapMemory64` does.
///
/// The mapping is found by connection, type and address, so only an
/// address `IOConnectMapMemory64` returned for that connection and type
/// is unmapped.  It still can be after ``IOServiceClose(_:)``: the
/// mapping outlived the connection.
///
/// - Parameters:
///   - connect: The connection's handle, as it was mapped with.
///   - memoryType: The memory type, as it was mapped with.
///   - fromTask: Ignored; pass `mach_task_self_`.
///   - atAddress: The address `IOConnectMapMemory64` returned.
/// - Returns: `kIOReturnSuccess`; `kIOReturnBadArgument` for an address
///   that is not a live mapping of that type on that connection (IOKit's
///   answer when it finds no such mapping); `kIOReturnNotOpen` when the
///   handle was never an open connection and has no mappings.
///
/// The corresponding IOKit call is `IOConnectUnmapMemory64`; the C call is
/// `munmap(address, size)`.
@discardableResult
public func IOConnectUnmapMemory64(
  _ connect: io_connect_t, _ memoryType: UInt32, _ fromTask: task_port_t,
  _ atAddress: mach_vm_address_t
) -> kern_return_t {
  let (known, mapping) = liveMappings.withLock { table -> (Bool, LiveMapping?) in
    guard var types = table[connect] else { return (false, nil) }
    guard let mapping = types[memoryType]?.removeValue(forKey: atAddress) else { return (true, nil) }
    if types[memoryType]!.isEmpty { types[memoryType] = nil }
    table[connect] = types.isEmpty ? nil : types
    return (true, mapping)
  }
  guard mapping != nil else {
    return known || openConnection(connect) != nil ? kIOReturnBadArgument : kIOReturnNotOpen
  }
  // The last reference: MappedMemory's deinit unmaps it here.
  return kIOReturnSuccess
}
