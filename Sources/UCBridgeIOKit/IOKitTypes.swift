import CUCBridge

// IOKit's types and constants, as Swift code ported from macOS spells them,
// with the values of the ucbridge ABI.

/// IOKit's `kern_return_t`: an `IOReturn` code as a signed 32-bit value.
public typealias kern_return_t = Int32

/// IOKit's `mach_port_t`, as the main port `IOServiceGetMatchingService`
/// and `IOServiceGetMatchingServices` take: accepted and ignored.
public typealias mach_port_t = UInt32

/// IOKit's `io_object_t`: a handle for an object the IOKit-shaped calls
/// handed out (a connection, a service or an iterator), released with
/// `IOObjectRelease(_:)`.  Handles of every kind share one space, so a
/// handle never names two objects; 0 (`IO_OBJECT_NULL`) is never a handle.
public typealias io_object_t = UInt32

/// IOKit's `io_connect_t`: a handle for a connection opened with
/// `IOServiceOpen(_:_:_:_:)`.  0 is never a valid handle.
public typealias io_connect_t = io_object_t

/// IOKit's `io_service_t`: a handle for a ucbridge driver found by
/// `IOServiceGetMatchingService(_:_:)` or an iterator.
public typealias io_service_t = io_object_t

/// IOKit's `io_registry_entry_t`: a service, as `IORegistryEntryGetName`
/// takes it.
public typealias io_registry_entry_t = io_object_t

/// IOKit's `io_iterator_t`: a handle for the services
/// `IOServiceGetMatchingServices(_:_:_:)` matched.
public typealias io_iterator_t = io_object_t

/// IOKit's `boolean_t`.
public typealias boolean_t = Int32

/// IOKit's `task_port_t`, accepted and ignored by
/// `IOServiceOpen(_:_:_:_:)`.
public typealias task_port_t = UInt32

/// The calling task, for ported `IOServiceOpen(service, mach_task_self_,
/// type, &connect)` calls.
public var mach_task_self_: task_port_t { 0 }

/// IOKit's `kIOMainPortDefault`: the main port matching calls take, 0 as
/// in IOKit.  There is one registry, so any value does.
public var kIOMainPortDefault: mach_port_t { 0 }

/// IOKit's `kIOMasterPortDefault`, the name `kIOMainPortDefault` had
/// before macOS 12.
@available(*, deprecated, renamed: "kIOMainPortDefault")
public var kIOMasterPortDefault: mach_port_t { 0 }

/// IOKit's `IO_OBJECT_NULL`: no object.
public var IO_OBJECT_NULL: io_object_t { 0 }

/// IOKit's `kIOUCVariableStructureSize`: the ABI's `UCB_VARIABLE_SIZE`.
public var kIOUCVariableStructureSize: UInt32 { UCB_VARIABLE_SIZE }
