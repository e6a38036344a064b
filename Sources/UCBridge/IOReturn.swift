import CUCBridge

/// The outcome of a ucbridge method call: an IOKit `IOReturn` code.
///
/// The values are those of IOKit's `<IOKit/IOReturn.h>`, taken from the ABI
/// header's `UCB_IORETURN_*` constants.  Codes the header does not name (a
/// driver's own) are still representable through ``init(rawValue:)``.
///
/// ```swift
/// do {
///   try connection.call(.resetStats)
/// } catch .ioReturn(.notPrivileged) {
///   print("resetStats needs CAP_SYS_ADMIN")
/// }
/// ```
@frozen
public struct IOReturn: RawRepresentable, Hashable, Sendable {
  /// The raw 32-bit code, as in `struct ucb_call.result`.
  public let rawValue: UInt32

  /// Creates an `IOReturn` from a raw code.
  ///
  /// - Parameter rawValue: The code, for example `UCB_IORETURN_BAD_ARGUMENT`.
  @inlinable
  public init(rawValue: UInt32) { self.rawValue = rawValue }

  /// OK.
  ///
  /// IOKit's `kIOReturnSuccess`; the ABI's `UCB_IORETURN_SUCCESS`.
  @inlinable
  public static var success: IOReturn { IOReturn(rawValue: UCB_IORETURN_SUCCESS) }

  /// General error.
  ///
  /// IOKit's `kIOReturnError`; the ABI's `UCB_IORETURN_ERROR`.
  @inlinable
  public static var error: IOReturn { IOReturn(rawValue: UCB_IORETURN_ERROR) }

  /// Can't allocate memory.
  ///
  /// IOKit's `kIOReturnNoMemory`; the ABI's `UCB_IORETURN_NO_MEMORY`.
  @inlinable
  public static var noMemory: IOReturn { IOReturn(rawValue: UCB_IORETURN_NO_MEMORY) }

  /// Resource shortage.
  ///
  /// IOKit's `kIOReturnNoResources`; the ABI's `UCB_IORETURN_NO_RESOURCES`.
  @inlinable
  public static var noResources: IOReturn { IOReturn(rawValue: UCB_IORETURN_NO_RESOURCES) }

  /// Error during IPC.
  ///
  /// IOKit's `kIOReturnIPCError`; the ABI's `UCB_IORETURN_IPC_ERROR`.
  @inlinable
  public static var ipcError: IOReturn { IOReturn(rawValue: UCB_IORETURN_IPC_ERROR) }

  /// No such device.
  ///
  /// IOKit's `kIOReturnNoDevice`; the ABI's `UCB_IORETURN_NO_DEVICE`.
  @inlinable
  public static var noDevice: IOReturn { IOReturn(rawValue: UCB_IORETURN_NO_DEVICE) }

  /// Privilege violation.
  ///
  /// IOKit's `kIOReturnNotPrivileged`; the ABI's `UCB_IORETURN_NOT_PRIVILEGED`.
  @inlinable
  public static var notPrivileged: IOReturn { IOReturn(rawValue: UCB_IORETURN_NOT_PRIVILEGED) }

  /// Invalid argument.
  ///
  /// IOKit's `kIOReturnBadArgument`; the ABI's `UCB_IORETURN_BAD_ARGUMENT`.
  @inlinable
  public static var badArgument: IOReturn { IOReturn(rawValue: UCB_IORETURN_BAD_ARGUMENT) }

  /// Device read locked.
  ///
  /// IOKit's `kIOReturnLockedRead`; the ABI's `UCB_IORETURN_LOCKED_READ`.
  @inlinable
  public static var lockedRead: IOReturn { IOReturn(rawValue: UCB_IORETURN_LOCKED_READ) }

  /// Device write locked.
  ///
  /// IOKit's `kIOReturnLockedWrite`; the ABI's `UCB_IORETURN_LOCKED_WRITE`.
  @inlinable
  public static var lockedWrite: IOReturn { IOReturn(rawValue: UCB_IORETURN_LOCKED_WRITE) }

  /// Exclusive access and device already open.
  ///
  /// IOKit's `kIOReturnExclusiveAccess`; the ABI's `UCB_IORETURN_EXCLUSIVE_ACCESS`.
  @inlinable
  public static var exclusiveAccess: IOReturn { IOReturn(rawValue: UCB_IORETURN_EXCLUSIVE_ACCESS) }

  /// Sent/received messages had different msg_id.
  ///
  /// IOKit's `kIOReturnBadMessageID`; the ABI's `UCB_IORETURN_BAD_MESSAGE_ID`.
  @inlinable
  public static var badMessageID: IOReturn { IOReturn(rawValue: UCB_IORETURN_BAD_MESSAGE_ID) }

  /// Unsupported function.
  ///
  /// IOKit's `kIOReturnUnsupported`; the ABI's `UCB_IORETURN_UNSUPPORTED`.
  @inlinable
  public static var unsupported: IOReturn { IOReturn(rawValue: UCB_IORETURN_UNSUPPORTED) }

  /// Misc. VM failure.
  ///
  /// IOKit's `kIOReturnVMError`; the ABI's `UCB_IORETURN_VM_ERROR`.
  @inlinable
  public static var vmError: IOReturn { IOReturn(rawValue: UCB_IORETURN_VM_ERROR) }

  /// Internal error.
  ///
  /// IOKit's `kIOReturnInternalError`; the ABI's `UCB_IORETURN_INTERNAL_ERROR`.
  @inlinable
  public static var internalError: IOReturn { IOReturn(rawValue: UCB_IORETURN_INTERNAL_ERROR) }

  /// General I/O error.
  ///
  /// IOKit's `kIOReturnIOError`; the ABI's `UCB_IORETURN_IO_ERROR`.
  @inlinable
  public static var ioError: IOReturn { IOReturn(rawValue: UCB_IORETURN_IO_ERROR) }

  /// Can't acquire lock.
  ///
  /// IOKit's `kIOReturnCannotLock`; the ABI's `UCB_IORETURN_CANNOT_LOCK`.
  @inlinable
  public static var cannotLock: IOReturn { IOReturn(rawValue: UCB_IORETURN_CANNOT_LOCK) }

  /// Device not open.
  ///
  /// IOKit's `kIOReturnNotOpen`; the ABI's `UCB_IORETURN_NOT_OPEN`.
  @inlinable
  public static var notOpen: IOReturn { IOReturn(rawValue: UCB_IORETURN_NOT_OPEN) }

  /// Read not supported.
  ///
  /// IOKit's `kIOReturnNotReadable`; the ABI's `UCB_IORETURN_NOT_READABLE`.
  @inlinable
  public static var notReadable: IOReturn { IOReturn(rawValue: UCB_IORETURN_NOT_READABLE) }

  /// Write not supported.
  ///
  /// IOKit's `kIOReturnNotWritable`; the ABI's `UCB_IORETURN_NOT_WRITABLE`.
  @inlinable
  public static var notWritable: IOReturn { IOReturn(rawValue: UCB_IORETURN_NOT_WRITABLE) }

  /// Alignment error.
  ///
  /// IOKit's `kIOReturnNotAligned`; the ABI's `UCB_IORETURN_NOT_ALIGNED`.
  @inlinable
  public static var notAligned: IOReturn { IOReturn(rawValue: UCB_IORETURN_NOT_ALIGNED) }

  /// Media error.
  ///
  /// IOKit's `kIOReturnBadMedia`; the ABI's `UCB_IORETURN_BAD_MEDIA`.
  @inlinable
  public static var badMedia: IOReturn { IOReturn(rawValue: UCB_IORETURN_BAD_MEDIA) }

  /// Device(s) still open.
  ///
  /// IOKit's `kIOReturnStillOpen`; the ABI's `UCB_IORETURN_STILL_OPEN`.
  @inlinable
  public static var stillOpen: IOReturn { IOReturn(rawValue: UCB_IORETURN_STILL_OPEN) }

  /// Rld failure.
  ///
  /// IOKit's `kIOReturnRLDError`; the ABI's `UCB_IORETURN_RLD_ERROR`.
  @inlinable
  public static var rldError: IOReturn { IOReturn(rawValue: UCB_IORETURN_RLD_ERROR) }

  /// DMA failure.
  ///
  /// IOKit's `kIOReturnDMAError`; the ABI's `UCB_IORETURN_DMA_ERROR`.
  @inlinable
  public static var dmaError: IOReturn { IOReturn(rawValue: UCB_IORETURN_DMA_ERROR) }

  /// Device busy.
  ///
  /// IOKit's `kIOReturnBusy`; the ABI's `UCB_IORETURN_BUSY`.
  @inlinable
  public static var busy: IOReturn { IOReturn(rawValue: UCB_IORETURN_BUSY) }

  /// I/O timeout.
  ///
  /// IOKit's `kIOReturnTimeout`; the ABI's `UCB_IORETURN_TIMEOUT`.
  @inlinable
  public static var timeout: IOReturn { IOReturn(rawValue: UCB_IORETURN_TIMEOUT) }

  /// Device offline.
  ///
  /// IOKit's `kIOReturnOffline`; the ABI's `UCB_IORETURN_OFFLINE`.
  @inlinable
  public static var offline: IOReturn { IOReturn(rawValue: UCB_IORETURN_OFFLINE) }

  /// Not ready.
  ///
  /// IOKit's `kIOReturnNotReady`; the ABI's `UCB_IORETURN_NOT_READY`.
  @inlinable
  public static var notReady: IOReturn { IOReturn(rawValue: UCB_IORETURN_NOT_READY) }

  /// Device not attached.
  ///
  /// IOKit's `kIOReturnNotAttached`; the ABI's `UCB_IORETURN_NOT_ATTACHED`.
  @inlinable
  public static var notAttached: IOReturn { IOReturn(rawValue: UCB_IORETURN_NOT_ATTACHED) }

  /// No DMA channels left.
  ///
  /// IOKit's `kIOReturnNoChannels`; the ABI's `UCB_IORETURN_NO_CHANNELS`.
  @inlinable
  public static var noChannels: IOReturn { IOReturn(rawValue: UCB_IORETURN_NO_CHANNELS) }

  /// No space for data.
  ///
  /// IOKit's `kIOReturnNoSpace`; the ABI's `UCB_IORETURN_NO_SPACE`.
  @inlinable
  public static var noSpace: IOReturn { IOReturn(rawValue: UCB_IORETURN_NO_SPACE) }

  /// Port already exists.
  ///
  /// IOKit's `kIOReturnPortExists`; the ABI's `UCB_IORETURN_PORT_EXISTS`.
  @inlinable
  public static var portExists: IOReturn { IOReturn(rawValue: UCB_IORETURN_PORT_EXISTS) }

  /// Can't wire down physical memory.
  ///
  /// IOKit's `kIOReturnCannotWire`; the ABI's `UCB_IORETURN_CANNOT_WIRE`.
  @inlinable
  public static var cannotWire: IOReturn { IOReturn(rawValue: UCB_IORETURN_CANNOT_WIRE) }

  /// No interrupt attached.
  ///
  /// IOKit's `kIOReturnNoInterrupt`; the ABI's `UCB_IORETURN_NO_INTERRUPT`.
  @inlinable
  public static var noInterrupt: IOReturn { IOReturn(rawValue: UCB_IORETURN_NO_INTERRUPT) }

  /// No DMA frames enqueued.
  ///
  /// IOKit's `kIOReturnNoFrames`; the ABI's `UCB_IORETURN_NO_FRAMES`.
  @inlinable
  public static var noFrames: IOReturn { IOReturn(rawValue: UCB_IORETURN_NO_FRAMES) }

  /// Oversized message received on interrupt port.
  ///
  /// IOKit's `kIOReturnMessageTooLarge`; the ABI's `UCB_IORETURN_MESSAGE_TOO_LARGE`.
  @inlinable
  public static var messageTooLarge: IOReturn { IOReturn(rawValue: UCB_IORETURN_MESSAGE_TOO_LARGE) }

  /// Not permitted.
  ///
  /// IOKit's `kIOReturnNotPermitted`; the ABI's `UCB_IORETURN_NOT_PERMITTED`.
  @inlinable
  public static var notPermitted: IOReturn { IOReturn(rawValue: UCB_IORETURN_NOT_PERMITTED) }

  /// No power to device.
  ///
  /// IOKit's `kIOReturnNoPower`; the ABI's `UCB_IORETURN_NO_POWER`.
  @inlinable
  public static var noPower: IOReturn { IOReturn(rawValue: UCB_IORETURN_NO_POWER) }

  /// Media not present.
  ///
  /// IOKit's `kIOReturnNoMedia`; the ABI's `UCB_IORETURN_NO_MEDIA`.
  @inlinable
  public static var noMedia: IOReturn { IOReturn(rawValue: UCB_IORETURN_NO_MEDIA) }

  /// Media not formatted.
  ///
  /// IOKit's `kIOReturnUnformattedMedia`; the ABI's `UCB_IORETURN_UNFORMATTED_MEDIA`.
  @inlinable
  public static var unformattedMedia: IOReturn { IOReturn(rawValue: UCB_IORETURN_UNFORMATTED_MEDIA) }

  /// No such mode.
  ///
  /// IOKit's `kIOReturnUnsupportedMode`; the ABI's `UCB_IORETURN_UNSUPPORTED_MODE`.
  @inlinable
  public static var unsupportedMode: IOReturn { IOReturn(rawValue: UCB_IORETURN_UNSUPPORTED_MODE) }

  /// Data underrun.
  ///
  /// IOKit's `kIOReturnUnderrun`; the ABI's `UCB_IORETURN_UNDERRUN`.
  @inlinable
  public static var underrun: IOReturn { IOReturn(rawValue: UCB_IORETURN_UNDERRUN) }

  /// Data overrun.
  ///
  /// IOKit's `kIOReturnOverrun`; the ABI's `UCB_IORETURN_OVERRUN`.
  @inlinable
  public static var overrun: IOReturn { IOReturn(rawValue: UCB_IORETURN_OVERRUN) }

  /// The device is not working properly.
  ///
  /// IOKit's `kIOReturnDeviceError`; the ABI's `UCB_IORETURN_DEVICE_ERROR`.
  @inlinable
  public static var deviceError: IOReturn { IOReturn(rawValue: UCB_IORETURN_DEVICE_ERROR) }

  /// A completion routine is required.
  ///
  /// IOKit's `kIOReturnNoCompletion`; the ABI's `UCB_IORETURN_NO_COMPLETION`.
  @inlinable
  public static var noCompletion: IOReturn { IOReturn(rawValue: UCB_IORETURN_NO_COMPLETION) }

  /// Operation aborted.
  ///
  /// IOKit's `kIOReturnAborted`; the ABI's `UCB_IORETURN_ABORTED`.
  @inlinable
  public static var aborted: IOReturn { IOReturn(rawValue: UCB_IORETURN_ABORTED) }

  /// Bus bandwidth would be exceeded.
  ///
  /// IOKit's `kIOReturnNoBandwidth`; the ABI's `UCB_IORETURN_NO_BANDWIDTH`.
  @inlinable
  public static var noBandwidth: IOReturn { IOReturn(rawValue: UCB_IORETURN_NO_BANDWIDTH) }

  /// Device not responding.
  ///
  /// IOKit's `kIOReturnNotResponding`; the ABI's `UCB_IORETURN_NOT_RESPONDING`.
  @inlinable
  public static var notResponding: IOReturn { IOReturn(rawValue: UCB_IORETURN_NOT_RESPONDING) }

  /// Isochronous I/O request for distant past.
  ///
  /// IOKit's `kIOReturnIsoTooOld`; the ABI's `UCB_IORETURN_ISO_TOO_OLD`.
  @inlinable
  public static var isoTooOld: IOReturn { IOReturn(rawValue: UCB_IORETURN_ISO_TOO_OLD) }

  /// Isochronous I/O request for distant future.
  ///
  /// IOKit's `kIOReturnIsoTooNew`; the ABI's `UCB_IORETURN_ISO_TOO_NEW`.
  @inlinable
  public static var isoTooNew: IOReturn { IOReturn(rawValue: UCB_IORETURN_ISO_TOO_NEW) }

  /// Data was not found.
  ///
  /// IOKit's `kIOReturnNotFound`; the ABI's `UCB_IORETURN_NOT_FOUND`.
  @inlinable
  public static var notFound: IOReturn { IOReturn(rawValue: UCB_IORETURN_NOT_FOUND) }

  /// Should never be seen.
  ///
  /// IOKit's `kIOReturnInvalid`; the ABI's `UCB_IORETURN_INVALID`.
  @inlinable
  public static var invalid: IOReturn { IOReturn(rawValue: UCB_IORETURN_INVALID) }
}
