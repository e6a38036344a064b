import CUCBridge
import UCBridgeTestSupport

/// One fuzz case: an ioctl and the argument it carries, described by what
/// they hold rather than by addresses, so that it prints the same on every
/// run and can be replayed from the run's seed and its index.
struct FuzzCase: Sendable, CustomStringConvertible {
  /// The ioctl a case makes.
  enum Request: Hashable, Sendable {
    /// `UCB_IOC_CALL`.
    case call
    /// `UCB_IOC_DRIVER_INFO`.
    case driverInfo
    /// `UCB_IOC_METHOD_INFO`.
    case methodInfo
    /// `UCB_IOC_OPEN`, whose type is the case's `selector`.
    case open
    /// A number in ucbridge's ioctl space that names no ucbridge ioctl.
    case unknown(UInt32)
    /// `UCB_IOC_CALL_BATCH`, with the case's ``FuzzCase/batch``.
    case callBatch
    /// `UCB_IOC_MEMORY_INFO`, whose memory type is the case's `selector`.
    case memoryInfo
    /// `UCB_IOC_CALL_ASYNC` with the case's ``FuzzCase/async`` header,
    /// whose call is the case's header and buffers.
    case callAsync
    /// `UCB_IOC_CANCEL` of the case's ``FuzzCase/cancelTarget``.
    case cancel
    /// Not an ioctl: read(2) of events into `size` bytes of room at the
    /// case's header placement.
    case readEvents

    /// The ioctl number.
    var number: CUnsignedLong {
      switch self {
      case .call: return ucb_ioc_call
      case .driverInfo: return ucb_ioc_driver_info
      case .methodInfo: return ucb_ioc_method_info
      case .open: return ucb_ioc_open
      case .unknown(let number): return CUnsignedLong(number)
      case .callBatch: return ucb_ioc_call_batch
      case .memoryInfo: return ucb_ioc_memory_info
      case .callAsync: return ucb_ioc_call_async
      case .cancel: return ucb_ioc_cancel
      case .readEvents: preconditionFailure("read(2) is no ioctl")
      }
    }

    /// The size of the argument structure this ucprobe knows at the case's
    /// header, which is also each structure's first published size
    /// (`*_SIZE_VER0`): for `UCB_IOC_CALL_ASYNC`, its call's.
    var structSize: Int { self == .callAsync ? IoctlShape.Request.call.firstPublishedSize : shape.firstPublishedSize }

    /// The key its outcomes are counted under in JSON.
    var key: String {
      switch self {
      case .call: return "call"
      case .driverInfo: return "driver_info"
      case .methodInfo: return "method_info"
      case .open: return "open"
      case .unknown: return "unknown_ioctl"
      case .callBatch: return "call_batch"
      case .memoryInfo: return "memory_info"
      case .callAsync: return "call_async"
      case .cancel: return "cancel"
      case .readEvents: return "read_events"
      }
    }

    /// Its C name, such as `UCB_IOC_CALL`.
    var name: String {
      switch self {
      case .call: return "UCB_IOC_CALL"
      case .driverInfo: return "UCB_IOC_DRIVER_INFO"
      case .methodInfo: return "UCB_IOC_METHOD_INFO"
      case .open: return "UCB_IOC_OPEN"
      case .unknown(let number): return "ioctl 0x\(String(number, radix: 16))"
      case .callBatch: return "UCB_IOC_CALL_BATCH"
      case .memoryInfo: return "UCB_IOC_MEMORY_INFO"
      case .callAsync: return "UCB_IOC_CALL_ASYNC"
      case .cancel: return "UCB_IOC_CANCEL"
      case .readEvents: return "read(2) of events"
      }
    }
  }

  /// What a header's bytes past the structure this ucprobe knows hold.
  enum Tail: Hashable, Sendable {
    /// Zeros, which a driver must accept.
    case zero
    /// Zeros but for one byte this far past the known structure, which a
    /// driver must refuse with `E2BIG`.
    case nonZero(at: Int)
  }

  /// A buffer the call points to.
  struct Buffer: Hashable, Sendable {
    /// Scalars or bytes, as the header says.
    var count: UInt32
    /// Where it lies.
    var placement: Placement
  }

  /// How a case was made.
  enum Kind: String, Sendable {
    /// A call that passes its method's checks, with readable buffers.
    case wellFormed = "well-formed"
    /// A well-formed call with some fields or pointers changed.
    case mutated
    /// An introspection ioctl, with some fields changed.
    case introspection
    /// An ioctl number ucbridge does not define.
    case unknownIoctl = "unknown ioctl"
    /// A batch of calls, well-formed and mutated, with some of its own
    /// fields changed.
    case batch
    /// A `UCB_IOC_CANCEL` or a read(2) of events, valid or not.
    case events
  }

  /// The case's index in its run.
  var index: Int
  /// How it was made.
  var kind: Kind
  /// The ioctl.
  var request: Request
  /// Where the argument structure lies.
  var header: Placement = .aligned
  /// The structure's `size` field.
  var size: UInt32
  /// What lies past the known structure, up to `size`.
  var tail = Tail.zero
  /// The `flags` field.
  var flags: UInt32 = 0
  /// The `selector` field (`UCB_IOC_CALL`, `UCB_IOC_METHOD_INFO`), or the
  /// `type` field (`UCB_IOC_OPEN`, `UCB_IOC_MEMORY_INFO`).
  var selector: UInt32 = 0
  /// The selected method's name, when the table has it.
  var methodName: String?
  /// The input scalars' buffer.
  var scalarInput = Buffer(count: 0, placement: .aligned)
  /// The input struct's buffer.
  var structInput = Buffer(count: 0, placement: .aligned)
  /// The output scalars' room.
  var scalarOutput = Buffer(count: 0, placement: .aligned)
  /// The output struct's room.
  var structOutput = Buffer(count: 0, placement: .aligned)
  /// The input scalars' values (for counts up to `UCB_MAX_SCALARS`).
  var scalarValues: [UInt64] = []
  /// For `UCB_IOC_CALL_BATCH`, the batch's own fields and its entries.
  var batch: FuzzBatch?
  /// For `UCB_IOC_CALL_ASYNC`, its own header.
  var async: FuzzAsync?
  /// For `UCB_IOC_CANCEL`, the call it names.
  var cancelTarget = FuzzCancelTarget.lastAccepted

  /// Whether the bytes between the known structure and `size` are
  /// compared by the driver and hold a non-zero byte.
  var hasNonZeroTail: Bool {
    if case .nonZero = tail { return Int(size) > request.structSize }
    return false
  }

  var description: String {
    var text = "call \(index) (\(kind.rawValue)): \(request.name), header \(header), "
      + "size \(size)\(hasNonZeroTail ? " with a non-zero tail" : ""), flags 0x\(String(flags, radix: 16))"
    switch request {
    case .call, .callAsync:
      if let async { text += "; \(async); the call" }
      text += ", selector \(selector)\(methodName.map { " (\($0))" } ?? "")"
      text += "; scalar in \(scalarInput.count) \(scalarInput.placement)"
      if !scalarValues.isEmpty {
        text += " [" + scalarValues.map { "0x" + String($0, radix: 16) }.joined(separator: ", ") + "]"
      }
      text += "; struct in \(structInput.count) bytes \(structInput.placement)"
      text += "; scalar out \(scalarOutput.count) \(scalarOutput.placement)"
      text += "; struct out \(structOutput.count) bytes \(structOutput.placement)"
    case .methodInfo:
      text += ", selector \(selector)\(methodName.map { " (\($0))" } ?? "")"
    case .open, .memoryInfo:
      text += ", type \(selector)"
    case .driverInfo, .unknown, .readEvents:
      break
    case .cancel:
      text += ", \(cancelTarget)"
    case .callBatch:
      if let batch { text += "; " + batch.description }
    }
    return text
  }
}
