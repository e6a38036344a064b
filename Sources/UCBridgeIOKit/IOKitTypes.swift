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

/// IOKit's `kIOReturnSuccess`: OK.
public var kIOReturnSuccess: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_SUCCESS) }

/// IOKit's `kIOReturnError`: general error.
public var kIOReturnError: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_ERROR) }

/// IOKit's `kIOReturnNoMemory`: can't allocate memory.
public var kIOReturnNoMemory: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_NO_MEMORY) }

/// IOKit's `kIOReturnNoResources`: resource shortage.
public var kIOReturnNoResources: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_NO_RESOURCES) }

/// IOKit's `kIOReturnIPCError`: error during IPC.
public var kIOReturnIPCError: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_IPC_ERROR) }

/// IOKit's `kIOReturnNoDevice`: no such device.
public var kIOReturnNoDevice: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_NO_DEVICE) }

/// IOKit's `kIOReturnNotPrivileged`: privilege violation.
public var kIOReturnNotPrivileged: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_NOT_PRIVILEGED) }

/// IOKit's `kIOReturnBadArgument`: invalid argument.
public var kIOReturnBadArgument: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_BAD_ARGUMENT) }

/// IOKit's `kIOReturnLockedRead`: device read locked.
public var kIOReturnLockedRead: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_LOCKED_READ) }

/// IOKit's `kIOReturnLockedWrite`: device write locked.
public var kIOReturnLockedWrite: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_LOCKED_WRITE) }

/// IOKit's `kIOReturnExclusiveAccess`: exclusive access and device already open.
public var kIOReturnExclusiveAccess: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_EXCLUSIVE_ACCESS) }

/// IOKit's `kIOReturnBadMessageID`: sent/received messages had different msg_id.
public var kIOReturnBadMessageID: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_BAD_MESSAGE_ID) }

/// IOKit's `kIOReturnUnsupported`: unsupported function.
public var kIOReturnUnsupported: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_UNSUPPORTED) }

/// IOKit's `kIOReturnVMError`: misc. VM failure.
public var kIOReturnVMError: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_VM_ERROR) }

/// IOKit's `kIOReturnInternalError`: internal error.
public var kIOReturnInternalError: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_INTERNAL_ERROR) }

/// IOKit's `kIOReturnIOError`: general I/O error.
public var kIOReturnIOError: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_IO_ERROR) }

/// IOKit's `kIOReturnCannotLock`: can't acquire lock.
public var kIOReturnCannotLock: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_CANNOT_LOCK) }

/// IOKit's `kIOReturnNotOpen`: device not open.
public var kIOReturnNotOpen: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_NOT_OPEN) }

/// IOKit's `kIOReturnNotReadable`: read not supported.
public var kIOReturnNotReadable: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_NOT_READABLE) }

/// IOKit's `kIOReturnNotWritable`: write not supported.
public var kIOReturnNotWritable: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_NOT_WRITABLE) }

/// IOKit's `kIOReturnNotAligned`: alignment error.
public var kIOReturnNotAligned: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_NOT_ALIGNED) }

/// IOKit's `kIOReturnBadMedia`: media error.
public var kIOReturnBadMedia: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_BAD_MEDIA) }

/// IOKit's `kIOReturnStillOpen`: device(s) still open.
public var kIOReturnStillOpen: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_STILL_OPEN) }

/// IOKit's `kIOReturnRLDError`: rld failure.
public var kIOReturnRLDError: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_RLD_ERROR) }

/// IOKit's `kIOReturnDMAError`: DMA failure.
public var kIOReturnDMAError: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_DMA_ERROR) }

/// IOKit's `kIOReturnBusy`: device busy.
public var kIOReturnBusy: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_BUSY) }

/// IOKit's `kIOReturnTimeout`: I/O timeout.
public var kIOReturnTimeout: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_TIMEOUT) }

/// IOKit's `kIOReturnOffline`: device offline.
public var kIOReturnOffline: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_OFFLINE) }

/// IOKit's `kIOReturnNotReady`: not ready.
public var kIOReturnNotReady: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_NOT_READY) }

/// IOKit's `kIOReturnNotAttached`: device not attached.
public var kIOReturnNotAttached: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_NOT_ATTACHED) }

/// IOKit's `kIOReturnNoChannels`: no DMA channels left.
public var kIOReturnNoChannels: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_NO_CHANNELS) }

/// IOKit's `kIOReturnNoSpace`: no space for data.
public var kIOReturnNoSpace: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_NO_SPACE) }

/// IOKit's `kIOReturnPortExists`: port already exists.
public var kIOReturnPortExists: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_PORT_EXISTS) }

/// IOKit's `kIOReturnCannotWire`: can't wire down physical memory.
public var kIOReturnCannotWire: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_CANNOT_WIRE) }

/// IOKit's `kIOReturnNoInterrupt`: no interrupt attached.
public var kIOReturnNoInterrupt: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_NO_INTERRUPT) }

/// IOKit's `kIOReturnNoFrames`: no DMA frames enqueued.
public var kIOReturnNoFrames: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_NO_FRAMES) }

/// IOKit's `kIOReturnMessageTooLarge`: oversized message received on interrupt port.
public var kIOReturnMessageTooLarge: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_MESSAGE_TOO_LARGE) }

/// IOKit's `kIOReturnNotPermitted`: not permitted.
public var kIOReturnNotPermitted: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_NOT_PERMITTED) }

/// IOKit's `kIOReturnNoPower`: no power to device.
public var kIOReturnNoPower: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_NO_POWER) }

/// IOKit's `kIOReturnNoMedia`: media not present.
public var kIOReturnNoMedia: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_NO_MEDIA) }

/// IOKit's `kIOReturnUnformattedMedia`: media not formatted.
public var kIOReturnUnformattedMedia: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_UNFORMATTED_MEDIA) }

/// IOKit's `kIOReturnUnsupportedMode`: no such mode.
public var kIOReturnUnsupportedMode: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_UNSUPPORTED_MODE) }

/// IOKit's `kIOReturnUnderrun`: data underrun.
public var kIOReturnUnderrun: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_UNDERRUN) }

/// IOKit's `kIOReturnOverrun`: data overrun.
public var kIOReturnOverrun: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_OVERRUN) }

/// IOKit's `kIOReturnDeviceError`: the device is not working properly.
public var kIOReturnDeviceError: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_DEVICE_ERROR) }

/// IOKit's `kIOReturnNoCompletion`: a completion routine is required.
public var kIOReturnNoCompletion: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_NO_COMPLETION) }

/// IOKit's `kIOReturnAborted`: operation aborted.
public var kIOReturnAborted: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_ABORTED) }

/// IOKit's `kIOReturnNoBandwidth`: bus bandwidth would be exceeded.
public var kIOReturnNoBandwidth: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_NO_BANDWIDTH) }

/// IOKit's `kIOReturnNotResponding`: device not responding.
public var kIOReturnNotResponding: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_NOT_RESPONDING) }

/// IOKit's `kIOReturnIsoTooOld`: isochronous I/O request for distant past.
public var kIOReturnIsoTooOld: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_ISO_TOO_OLD) }

/// IOKit's `kIOReturnIsoTooNew`: isochronous I/O request for distant future.
public var kIOReturnIsoTooNew: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_ISO_TOO_NEW) }

/// IOKit's `kIOReturnNotFound`: data was not found.
public var kIOReturnNotFound: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_NOT_FOUND) }

/// IOKit's `kIOReturnInvalid`: should never be seen.
public var kIOReturnInvalid: kern_return_t { kern_return_t(bitPattern: UCB_IORETURN_INVALID) }
