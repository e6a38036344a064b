import CUCBridge

extension IOReturn: CustomStringConvertible {
  /// IOKit's name for the code, such as `"kIOReturnBadArgument"`; for a
  /// code IOKit does not name, its hexadecimal value.
  public var name: String {
    if let known = Self.knownCode(rawValue) { return known.name.description }
    return hexadecimal
  }

  /// The name, the value and IOKit's meaning of the code, as in
  /// `kIOReturnBadArgument (0xe00002c2): invalid argument`.
  public var description: String {
    guard let known = Self.knownCode(rawValue) else {
      return "IOReturn \(hexadecimal)"
    }
    return "\(known.name) (\(hexadecimal)): \(known.meaning)"
  }

  private var hexadecimal: String {
    let digits = String(rawValue, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
  }

  /// IOKit's name and comment for each code of `<IOKit/IOReturn.h>`.
  private static func knownCode(
    _ code: UInt32
  ) -> (name: StaticString, meaning: StaticString)? {
    switch code {
    case UCB_IORETURN_SUCCESS: return ("kIOReturnSuccess", "OK")
    case UCB_IORETURN_ERROR: return ("kIOReturnError", "general error")
    case UCB_IORETURN_NO_MEMORY: return ("kIOReturnNoMemory", "can't allocate memory")
    case UCB_IORETURN_NO_RESOURCES: return ("kIOReturnNoResources", "resource shortage")
    case UCB_IORETURN_IPC_ERROR: return ("kIOReturnIPCError", "error during IPC")
    case UCB_IORETURN_NO_DEVICE: return ("kIOReturnNoDevice", "no such device")
    case UCB_IORETURN_NOT_PRIVILEGED: return ("kIOReturnNotPrivileged", "privilege violation")
    case UCB_IORETURN_BAD_ARGUMENT: return ("kIOReturnBadArgument", "invalid argument")
    case UCB_IORETURN_LOCKED_READ: return ("kIOReturnLockedRead", "device read locked")
    case UCB_IORETURN_LOCKED_WRITE: return ("kIOReturnLockedWrite", "device write locked")
    case UCB_IORETURN_EXCLUSIVE_ACCESS: return ("kIOReturnExclusiveAccess", "exclusive access and device already open")
    case UCB_IORETURN_BAD_MESSAGE_ID: return ("kIOReturnBadMessageID", "sent/received messages had different msg_id")
    case UCB_IORETURN_UNSUPPORTED: return ("kIOReturnUnsupported", "unsupported function")
    case UCB_IORETURN_VM_ERROR: return ("kIOReturnVMError", "misc. VM failure")
    case UCB_IORETURN_INTERNAL_ERROR: return ("kIOReturnInternalError", "internal error")
    case UCB_IORETURN_IO_ERROR: return ("kIOReturnIOError", "general I/O error")
    case UCB_IORETURN_CANNOT_LOCK: return ("kIOReturnCannotLock", "can't acquire lock")
    case UCB_IORETURN_NOT_OPEN: return ("kIOReturnNotOpen", "device not open")
    case UCB_IORETURN_NOT_READABLE: return ("kIOReturnNotReadable", "read not supported")
    case UCB_IORETURN_NOT_WRITABLE: return ("kIOReturnNotWritable", "write not supported")
    case UCB_IORETURN_NOT_ALIGNED: return ("kIOReturnNotAligned", "alignment error")
    case UCB_IORETURN_BAD_MEDIA: return ("kIOReturnBadMedia", "media error")
    case UCB_IORETURN_STILL_OPEN: return ("kIOReturnStillOpen", "device(s) still open")
    case UCB_IORETURN_RLD_ERROR: return ("kIOReturnRLDError", "rld failure")
    case UCB_IORETURN_DMA_ERROR: return ("kIOReturnDMAError", "DMA failure")
    case UCB_IORETURN_BUSY: return ("kIOReturnBusy", "device busy")
    case UCB_IORETURN_TIMEOUT: return ("kIOReturnTimeout", "I/O timeout")
    case UCB_IORETURN_OFFLINE: return ("kIOReturnOffline", "device offline")
    case UCB_IORETURN_NOT_READY: return ("kIOReturnNotReady", "not ready")
    case UCB_IORETURN_NOT_ATTACHED: return ("kIOReturnNotAttached", "device not attached")
    case UCB_IORETURN_NO_CHANNELS: return ("kIOReturnNoChannels", "no DMA channels left")
    case UCB_IORETURN_NO_SPACE: return ("kIOReturnNoSpace", "no space for data")
    case UCB_IORETURN_PORT_EXISTS: return ("kIOReturnPortExists", "port already exists")
    case UCB_IORETURN_CANNOT_WIRE: return ("kIOReturnCannotWire", "can't wire down physical memory")
    case UCB_IORETURN_NO_INTERRUPT: return ("kIOReturnNoInterrupt", "no interrupt attached")
    case UCB_IORETURN_NO_FRAMES: return ("kIOReturnNoFrames", "no DMA frames enqueued")
    case UCB_IORETURN_MESSAGE_TOO_LARGE: return ("kIOReturnMessageTooLarge", "oversized message received on interrupt port")
    case UCB_IORETURN_NOT_PERMITTED: return ("kIOReturnNotPermitted", "not permitted")
    case UCB_IORETURN_NO_POWER: return ("kIOReturnNoPower", "no power to device")
    case UCB_IORETURN_NO_MEDIA: return ("kIOReturnNoMedia", "media not present")
    case UCB_IORETURN_UNFORMATTED_MEDIA: return ("kIOReturnUnformattedMedia", "media not formatted")
    case UCB_IORETURN_UNSUPPORTED_MODE: return ("kIOReturnUnsupportedMode", "no such mode")
    case UCB_IORETURN_UNDERRUN: return ("kIOReturnUnderrun", "data underrun")
    case UCB_IORETURN_OVERRUN: return ("kIOReturnOverrun", "data overrun")
    case UCB_IORETURN_DEVICE_ERROR: return ("kIOReturnDeviceError", "the device is not working properly")
    case UCB_IORETURN_NO_COMPLETION: return ("kIOReturnNoCompletion", "a completion routine is required")
    case UCB_IORETURN_ABORTED: return ("kIOReturnAborted", "operation aborted")
    case UCB_IORETURN_NO_BANDWIDTH: return ("kIOReturnNoBandwidth", "bus bandwidth would be exceeded")
    case UCB_IORETURN_NOT_RESPONDING: return ("kIOReturnNotResponding", "device not responding")
    case UCB_IORETURN_ISO_TOO_OLD: return ("kIOReturnIsoTooOld", "isochronous I/O request for distant past")
    case UCB_IORETURN_ISO_TOO_NEW: return ("kIOReturnIsoTooNew", "isochronous I/O request for distant future")
    case UCB_IORETURN_NOT_FOUND: return ("kIOReturnNotFound", "data was not found")
    case UCB_IORETURN_INVALID: return ("kIOReturnInvalid", "should never be seen")
    default: return nil
    }
  }
}
