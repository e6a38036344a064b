import CUCBridge
import SystemPackage
import UCBridge

/// One ioctl of a ucbridge device as the ABI's rules see it: which ioctl,
/// its argument header, the call's counts and which of its bytes can be
/// read and written.
package struct IoctlShape: Sendable {
  /// Which ioctl.
  package enum Request: Hashable, Sendable {
    /// `UCB_IOC_CALL`.
    case call
    /// `UCB_IOC_DRIVER_INFO`.
    case driverInfo
    /// `UCB_IOC_METHOD_INFO`.
    case methodInfo
    /// `UCB_IOC_OPEN`.
    case open
    /// A number in ucbridge's ioctl space that names no ucbridge ioctl.
    case unknown
    /// `UCB_IOC_CALL_BATCH`: its header's rules here; its entries are each
    /// a `.call`.
    case callBatch
    /// `UCB_IOC_MEMORY_INFO`, whose memory type is the shape's `selector`.
    case memoryInfo
    /// `UCB_IOC_CALL_ASYNC`: its `struct ucb_async_call` is the shape's
    /// ``IoctlShape/asyncHeader``; the rest of the shape is the call its
    /// `call` pointer points to, with `.call`'s rules.
    case callAsync
    /// `UCB_IOC_CANCEL`.
    case cancel
    /// Not an ioctl: read(2) of the connection's events, whose room in
    /// bytes is the shape's `size` and whose first record is writable
    /// when `memory.outputsWritable` says so.
    case readEvents

    /// The first published size of its argument structure
    /// (`*_SIZE_VER0`): a `size` below it is `EINVAL`.
    package var firstPublishedSize: Int {
      switch self {
      case .call, .unknown: return Int(UCB_CALL_SIZE_VER0)
      case .driverInfo: return Int(UCB_DRIVER_INFO_SIZE_VER0)
      case .methodInfo: return Int(UCB_METHOD_INFO_SIZE_VER0)
      case .open: return Int(UCB_OPEN_SIZE_VER0)
      case .callBatch: return Int(UCB_BATCH_SIZE_VER0)
      case .memoryInfo: return Int(UCB_MEMORY_INFO_SIZE_VER0)
      case .callAsync: return Int(UCB_ASYNC_CALL_SIZE_VER0)
      case .cancel: return Int(UCB_CANCEL_SIZE_VER0)
      case .readEvents: return MemoryLayout<ucb_event>.size
      }
    }
  }

  /// Which of the ioctl's bytes this process can read and write.
  package struct Memory: Sendable {
    /// The header's `size` field.
    package var headerSizeReadable = true
    /// The header's first `size` bytes (when `size` is at most 4096).
    package var headerReadable = true
    /// The header, for what the driver writes back into it.
    package var headerWritable = true
    /// The input scalars and the input struct, as far as the counts go.
    package var inputsReadable = true
    /// The output rooms, as far as the counts go.
    package var outputsWritable = true

    /// All of it readable and writable.
    package init() {}
  }

  /// Which ioctl.
  package var request: Request
  /// The header's `size` field.
  package var size: Int
  /// Whether the header has a non-zero byte past the structure the
  /// driver knows.
  package var hasNonZeroTail = false
  /// The header's `flags` field.
  package var flags: UInt32 = 0
  /// The selector (of a call or method info); an open's user-client type;
  /// a memory info's memory type.
  package var selector: UInt32 = 0
  /// A call's `scalar_in_count`.
  package var scalarInputCount = 0
  /// A call's `struct_in_size`.
  package var structInputSize = 0
  /// A call's `scalar_out_count`: the room offered.
  package var scalarOutputRoom = 0
  /// A call's `struct_out_size`: the room offered.
  package var structOutputRoom = 0
  /// Which bytes can be read and written.
  package var memory = Memory()
  /// A `UCB_IOC_CALL_ASYNC`'s own header; nil for other requests.
  package var asyncHeader: AsyncHeader?
  /// Whether the client's event queue has no room left
  /// (`UCB_EVENT_QUEUE_MAX` accepted calls not yet read back and queued
  /// notifications), so that an async call passing its checks gets
  /// `kIOReturnNoResources`; nil when the caller cannot tell.
  package var eventQueueFull: Bool? = false
  /// For read(2): whether an event waits; nil when the caller cannot
  /// tell (one may arrive at any time).
  package var eventWaiting: Bool?
  /// For read(2): whether the buffer reaches past user space
  /// (`userAddressLimit`), which read(2) refuses before the driver sees it.
  package var bufferOutsideUserSpace = false

  /// The `struct ucb_async_call` of a `UCB_IOC_CALL_ASYNC`.
  package struct AsyncHeader: Sendable {
    /// Its `size` field.
    package var size = Int(UCB_ASYNC_CALL_SIZE_VER0)
    /// Whether it has a non-zero byte past the structure the driver knows.
    package var hasNonZeroTail = false
    /// Its `flags` field.
    package var flags: UInt32 = 0
    /// Its `size` field can be read.
    package var sizeReadable = true
    /// Its first `size` bytes can be read (when `size` is at most 4096).
    package var readable = true
    /// Its `id` can be written back.
    package var writable = true

    /// A well-formed header in readable, writable memory.
    package init() {}
  }

  /// An ioctl with a header of `size` bytes, well-formed but for what the
  /// caller sets.
  package init(_ request: Request, size: Int) {
    self.request = request
    self.size = size
  }
}

/// What the ABI allows one ioctl to do, worked out from the ioctl alone
/// (ucbridge.h and the README's call semantics): the one statement of the
/// rules, which ucprobe's fuzzer judges random ioctls by and the
/// conformance corpus's expected outcomes are checked against.
///
/// - a header that cannot be read fails with `EFAULT`; a `size` below the
///   first published structure with `EINVAL`, above 4096 or with a
///   non-zero tail with `E2BIG`; non-zero `flags` or more than
///   `UCB_MAX_SCALARS` scalars with `EINVAL`; a method-info selector past
///   the table or a memory-info type past the driver's memory types with
///   `ENOENT`; an unknown ioctl number with `ENOTTY`; a
///   user-client type chosen after the connection opened (by an earlier
///   choice or call) with `EBUSY`, which the rules cannot rule out.  A
///   case with several of these may fail with any of their errnos, but it
///   must fail.
/// - a well-formed call to a selector past the table is dispatched with
///   `kIOReturnUnsupported`; one that breaks its method's checks with
///   `kIOReturnBadArgument` (or `kIOReturnNotPrivileged` for an admin
///   method); one that passes them copies its inputs, so an unreadable
///   input fails with `EFAULT`; beyond that the method decides, and the
///   ioctl may fail only with `ENOMEM` or, for unwritable output room,
///   `EFAULT`.
/// - a header the driver cannot write back fails with `EFAULT` once the
///   call has run.
/// - `UCB_IOC_CALL_ASYNC` checks its own `struct ucb_async_call` as any
///   header, then the call its `call` pointer names exactly as
///   `UCB_IOC_CALL` does; a sync method called async, or an async one
///   called sync, is refused with `kIOReturnBadArgument` (after the
///   admin check); an async call passing its checks gets
///   `kIOReturnNoResources` when the event queue is full, before its
///   inputs are read.
/// - `UCB_IOC_CANCEL` checks its header, then fails with `ENOENT` unless
///   the call is pending.
/// - read(2) of events fails with `EINVAL` for room under one
///   `struct ucb_event`, `EAGAIN` when none waits, `EFAULT` when the
///   first record cannot be written (and `ENODEV` once the driver is gone
///   and none is left, which no shape describes).
package struct ABIExpectation: Sendable {
  /// The errnos allowed; empty when the ioctl must succeed.
  package var errnos: Set<Errno>
  /// Whether the ioctl may return 0.
  package var mayReturnZero: Bool
  /// For a dispatched call, the results allowed; nil for any.
  package var results: Set<IOReturn>?

  /// Whether the rules allow an outcome.
  ///
  /// - Parameter outcome: How the ioctl ended.
  /// - Returns: Whether the ABI allows it.
  package func allows(_ outcome: IoctlOutcome) -> Bool {
    switch outcome {
    case .failed(let error): return errnos.contains(error)
    case .succeeded: return mayReturnZero
    case .dispatched(let result): return mayReturnZero && results.map { $0.contains(result) } ?? true
    }
  }

  /// The errnos the ABI documents for a request; any other is a finding
  /// whatever the ioctl.
  package static func documentedErrnos(for request: IoctlShape.Request) -> Set<Errno> {
    var errnos: Set<Errno> = [
      .invalidArgument, .argListTooLong, .badAddress, .noMemory, .inappropriateIOCTLForDevice,
    ]
    switch request {
    case .methodInfo, .memoryInfo, .cancel: errnos.insert(.noSuchFileOrDirectory)
    case .open: errnos.insert(.resourceBusy)
    case .readEvents:
      return [.invalidArgument, .badAddress, .resourceTemporarilyUnavailable, .operationNotSupportedByDevice]
    default: break
    }
    return errnos
  }

  /// The expectation of an ioctl.
  ///
  /// - Parameters:
  ///   - ioctl: The ioctl.
  ///   - methods: The driver's method table.
  ///   - memoryTypeCount: How many memory types the driver has.
  /// - Returns: What the ABI allows.
  package static func of(
    _ ioctl: IoctlShape, methods: [MethodInfo], memoryTypeCount: Int
  ) -> ABIExpectation {
    switch ioctl.request {
    case .unknown:
      return ABIExpectation(errnos: [.inappropriateIOCTLForDevice], mayReturnZero: false)
    case .readEvents:
      return eventRead(ioctl)
    case .callAsync:
      let header = ioctl.asyncHeader ?? IoctlShape.AsyncHeader()
      var outer = IoctlShape(.callAsync, size: header.size)
      outer.hasNonZeroTail = header.hasNonZeroTail
      outer.flags = header.flags
      outer.memory.headerSizeReadable = header.sizeReadable
      outer.memory.headerReadable = header.readable
      let malformed = headerErrnos(outer, methodCount: methods.count, memoryTypeCount: 0)
      if !malformed.isEmpty {
        return ABIExpectation(errnos: malformed, mayReturnZero: false)
      }
      var call = ioctl
      call.request = .call
      call.asyncHeader = nil
      var expectation = ABIExpectation.of(call, methods: methods, memoryTypeCount: memoryTypeCount, async: true)
      if !header.writable && expectation.mayReturnZero { expectation.errnos.insert(.badAddress) }
      return expectation
    default:
      return of(ioctl, methods: methods, memoryTypeCount: memoryTypeCount, async: false)
    }
  }

  /// The expectation of an ioctl with its call (if any) made sync or async.
  private static func of(
    _ ioctl: IoctlShape, methods: [MethodInfo], memoryTypeCount: Int, async: Bool
  ) -> ABIExpectation {
    let malformed = headerErrnos(
      ioctl, methodCount: methods.count, memoryTypeCount: memoryTypeCount)
    if !malformed.isEmpty {
      return ABIExpectation(errnos: malformed, mayReturnZero: false)
    }
    var expectation: ABIExpectation
    switch ioctl.request {
    case .call:
      expectation = dispatch(ioctl, methods: methods, async: async)
    case .cancel:
      // Whether the call is still pending is the driver's to say.
      expectation = ABIExpectation(errnos: [.noSuchFileOrDirectory], mayReturnZero: true)
    case .open:
      // The reference driver accepts any type, once.
      expectation = ABIExpectation(errnos: [.resourceBusy], mayReturnZero: true)
    default:
      expectation = ABIExpectation(errnos: [], mayReturnZero: true)
    }
    if !ioctl.memory.headerWritable { expectation.errnos.insert(.badAddress) }
    return expectation
  }

  private init(errnos: Set<Errno>, mayReturnZero: Bool, results: Set<IOReturn>? = nil) {
    self.errnos = errnos
    self.mayReturnZero = mayReturnZero
    self.results = results
  }

  /// The errnos the header alone calls for.
  private static func headerErrnos(
    _ ioctl: IoctlShape, methodCount: Int, memoryTypeCount: Int
  ) -> Set<Errno> {
    guard ioctl.memory.headerSizeReadable else { return [.badAddress] }
    if ioctl.size < ioctl.request.firstPublishedSize { return [.invalidArgument] }
    if ioctl.size > 4096 { return [.argListTooLong] }
    var errnos: Set<Errno> = []
    if !ioctl.memory.headerReadable { errnos.insert(.badAddress) }
    if ioctl.hasNonZeroTail { errnos.insert(.argListTooLong) }
    if ioctl.flags != 0 { errnos.insert(.invalidArgument) }
    let maxScalars = Int(UCB_MAX_SCALARS)
    switch ioctl.request {
    case .call where ioctl.scalarInputCount > maxScalars || ioctl.scalarOutputRoom > maxScalars:
      errnos.insert(.invalidArgument)
    case .methodInfo where ioctl.selector >= methodCount:
      errnos.insert(.noSuchFileOrDirectory)
    case .memoryInfo where ioctl.selector >= memoryTypeCount:
      errnos.insert(.noSuchFileOrDirectory)
    default:
      break
    }
    return errnos
  }

  /// What read(2) of the events may come to.
  private static func eventRead(_ read: IoctlShape) -> ABIExpectation {
    if read.bufferOutsideUserSpace {
      return ABIExpectation(errnos: [.badAddress], mayReturnZero: false)
    }
    if read.size < IoctlShape.Request.readEvents.firstPublishedSize {
      return ABIExpectation(errnos: [.invalidArgument], mayReturnZero: false)
    }
    var errnos: Set<Errno> = []
    if read.eventWaiting != true { errnos.insert(.resourceTemporarilyUnavailable) }
    if read.eventWaiting != false && !read.memory.outputsWritable { errnos.insert(.badAddress) }
    return ABIExpectation(
      errnos: errnos, mayReturnZero: read.eventWaiting != false && read.memory.outputsWritable)
  }

  /// What a call with a well-formed header may come to, made sync or async.
  private static func dispatch(
    _ ioctl: IoctlShape, methods: [MethodInfo], async: Bool
  ) -> ABIExpectation {
    guard let method = methods.first(where: { $0.selector == ioctl.selector }) else {
      return ABIExpectation(errnos: [], mayReturnZero: true, results: [.unsupported])
    }
    let refused: Set<IOReturn> = method.requiresAdmin ? [.badArgument, .notPrivileged] : [.badArgument]
    // An async method answers through an event, a sync one at once.
    if method.flags.contains(.async) != async {
      return ABIExpectation(errnos: [], mayReturnZero: true, results: refused)
    }
    do {
      try method.checks.validate(
        scalarInputCount: ioctl.scalarInputCount, structInputSize: ioctl.structInputSize,
        scalarOutputRoom: ioctl.scalarOutputRoom, structOutputRoom: ioctl.structOutputRoom,
        method: method.name)
    } catch {
      return ABIExpectation(errnos: [], mayReturnZero: true, results: refused)
    }
    if async && ioctl.eventQueueFull != false {
      // Room for the completion is taken before the inputs are read.
      if ioctl.eventQueueFull == true {
        return ABIExpectation(errnos: [], mayReturnZero: true, results: [.noResources])
      }
      var expectation = copied(ioctl, requiresAdmin: method.requiresAdmin)
      expectation.mayReturnZero = true
      expectation.results = expectation.results.map { $0.union([.noResources]) }
      return expectation
    }
    return copied(ioctl, requiresAdmin: method.requiresAdmin)
  }

  /// What a call passing its method's checks may come to: its inputs are
  /// copied, then the method decides.
  private static func copied(_ ioctl: IoctlShape, requiresAdmin: Bool) -> ABIExpectation {
    guard ioctl.memory.inputsReadable else {
      return ABIExpectation(
        errnos: [.badAddress, .noMemory], mayReturnZero: requiresAdmin,
        results: [.notPrivileged])
    }
    return ABIExpectation(
      errnos: ioctl.memory.outputsWritable ? [.noMemory] : [.noMemory, .badAddress],
      mayReturnZero: true)
  }
}
