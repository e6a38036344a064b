import CUCBridge
import CUCBridgeCore
import Synchronization
import SystemPackage
import UCBridge

/// A ucbridge device in this process: the driver's own C dispatch core,
/// behind `Connection`s that behave like connections to a driver's node in `/dev/ucbridge`.
///
/// The reference device (``init(maxStructSize:)``) runs the module's
/// reference driver, byte for byte the same checks and methods.  A custom
/// device (``init(name:version:methods:maxStructSize:)``) runs methods
/// written in Swift behind the same checks.  Buffers are read and written
/// as the kernel would: a bad pointer fails the call with `EFAULT`.
///
/// ```swift
/// let device = try MockDevice()
/// let connection = device.connect()
/// #expect(try connection.call(.add, 40, 2) == 42)
/// ```
///
/// For tests it can also force failures (``injectFault(_:count:selector:)``)
/// and record method calls (``recordsCalls``, ``callLog``).
public final class MockDevice: Sendable {
  /// The reference driver's max_struct_size unless configured: 1 MiB.
  public static var defaultMaxStructSize: Int {
    Int(UCB_REFERENCE_DEFAULT_MAX_STRUCT_SIZE)
  }

  private let core: CoreDriver
  private let faults = Mutex<[PendingFault]>([])
  /// Whether `faults` may hold any, read without its lock on every call.
  private let faultsPending = Atomic<Bool>(false)
  private let log = Mutex<[CallRecord]>([])
  private let recording = Atomic<Bool>(false)

  /// Creates a device running the reference driver.
  ///
  /// - Parameter maxStructSize: The driver-wide bound on variable struct
  ///   sizes, `UCB_STRUCT_SIZE_FLOOR` to `UCB_STRUCT_SIZE_LIMIT` as the
  ///   sysfs attribute `max_struct_size`.
  /// - Throws: `UCBridgeError.errno(_:)` with `.invalidArgument` for a
  ///   bound out of range.
  public init(
    maxStructSize: Int = MockDevice.defaultMaxStructSize
  ) throws(UCBridgeError) {
    core = try CoreDriver(
      referenceWithMaxStructSize: try Self.checkedMaxStructSize(maxStructSize))
  }

  /// Creates a device running methods written in Swift.
  ///
  /// The table is validated by the dispatch core's `ucb_device_create()`, as
  /// a kernel driver's is.
  ///
  /// - Parameters:
  ///   - name: The driver's name, under `UCB_NAME_SIZE` bytes.
  ///   - version: The driver's version as (major << 16 | minor << 8 | patch).
  ///   - methods: The methods; their selectors must be 0 to count - 1.
  ///   - maxStructSize: The driver-wide bound on variable struct sizes.
  /// - Throws: `UCBridgeError.badArgument(_:)` when selectors have gaps
  ///   or repeats, or a check holds a negative or oversized number;
  ///   `UCBridgeError.errno(_:)` with `.invalidArgument` when the core
  ///   refuses the table (a name too long, a count over `UCB_MAX_SCALARS`,
  ///   a maximum over `UCB_STRUCT_SIZE_LIMIT`, no methods).
  public init(
    name: String, version: UInt32 = 0x000100, methods: [MockMethod],
    maxStructSize: Int = MockDevice.defaultMaxStructSize
  ) throws(UCBridgeError) {
    core = try CoreDriver(
      name: name, version: version, methods: methods,
      maxStructSize: try Self.checkedMaxStructSize(maxStructSize))
  }

  /// Creates a device running a driver written in C against
  /// `<linux/ucbridge_driver.h>`, as the kernel would after
  /// `ucb_register_driver()`: the same callbacks, methods and checks.
  ///
  /// ```swift
  /// let device = try MockDevice { ucb_kvstore_driver_fill($0) }
  /// ```
  ///
  /// - Parameter fill: Fills in the zeroed `struct ucb_driver`, which the
  ///   device keeps for as long as it lives.
  /// - Throws: `UCBridgeError.errno(_:)` with `.invalidArgument` when the
  ///   core refuses the driver, as `ucb_register_driver()` would.
  public init(
    filling fill: (UnsafeMutablePointer<ucb_driver>) -> Void
  ) throws(UCBridgeError) {
    core = try CoreDriver(filling: fill)
  }

  /// Opens a connection to the device, as open(2) on its node.
  ///
  /// - Parameter privileged: Whether the connection has `CAP_SYS_ADMIN`,
  ///   which admin-only methods such as `Method.resetStats` require.
  /// - Returns: The connection.
  public func connect(privileged: Bool = false) -> Connection {
    Connection(transport: MockTransport(device: self, privileged: privileged))
  }

  /// Opens a connection as a user-client type, as `Connection.open(_:type:)`
  /// does on a device node.
  ///
  /// - Parameters:
  ///   - type: The user-client type the driver's open callback sees.
  ///   - privileged: Whether the connection has `CAP_SYS_ADMIN`.
  /// - Throws: `UCBridgeError.ioReturn(_:)` when the driver refuses it.
  public func connect(
    type: UInt32, privileged: Bool = false
  ) throws(UCBridgeError) -> Connection {
    let connection = connect(privileged: privileged)
    try connection.openUserClient(type: type)
    return connection
  }

  /// Withdraws the driver while connections may be open, as
  /// `ucb_unregister_driver()` does when a device goes away: waits for the
  /// calls running, runs the driver's close callback for every connection
  /// it opened, and from then on every ioctl of every connection fails
  /// with `ENODEV`; closing them still works.  Calling it again does
  /// nothing.
  public func unregister() {
    core.unregister()
  }

  /// The driver-wide bound on variable struct sizes, in bytes.
  public var maxStructSize: Int { Int(core.maxStructSize) }

  /// Changes the driver-wide bound on variable struct sizes, as writing
  /// the sysfs attribute `max_struct_size` does; calls in flight keep the
  /// bound they started with.
  ///
  /// - Parameter size: The bound, `UCB_STRUCT_SIZE_FLOOR` to
  ///   `UCB_STRUCT_SIZE_LIMIT`.
  /// - Throws: `UCBridgeError.errno(_:)` with `.invalidArgument` for a
  ///   size out of range, as the sysfs attribute.
  public func setMaxStructSize(_ size: Int) throws(UCBridgeError) {
    try core.setMaxStructSize(try Self.checkedMaxStructSize(size))
  }

  /// Narrows a size to the core's 32 bits; the core checks the range.
  private static func checkedMaxStructSize(
    _ size: Int
  ) throws(UCBridgeError) -> UInt32 {
    guard let size = UInt32(exactly: size) else {
      throw .errno(.invalidArgument)
    }
    return size
  }

  /// Forces a failure on the next method calls.
  ///
  /// Faults apply in the order they were injected, each to `count` calls.
  ///
  /// - Parameters:
  ///   - fault: The failure.
  ///   - count: How many calls it applies to; at least 1.
  ///   - selector: Only calls of this method; nil for any method.
  ///
  /// - Precondition: `count > 0`.
  public func injectFault(
    _ fault: MockFault, count: Int = 1, selector: UInt32? = nil
  ) {
    precondition(count > 0, "a fault applies to at least one call")
    faults.withLock {
      $0.append(PendingFault(fault: fault, selector: selector, remaining: count))
      faultsPending.store(true, ordering: .relaxed)
    }
  }

  /// Drops every fault not yet used up.
  public func removeAllFaults() {
    faults.withLock {
      $0.removeAll()
      faultsPending.store(false, ordering: .relaxed)
    }
  }

  /// Whether method calls are added to ``callLog``; off until set, so a
  /// long run does not grow the log without bound.
  public var recordsCalls: Bool {
    get { recording.load(ordering: .relaxed) }
    set { recording.store(newValue, ordering: .relaxed) }
  }

  /// The method calls made while ``recordsCalls`` was on, oldest first.
  public var callLog: [CallRecord] { log.withLock { $0 } }

  /// Empties ``callLog``.
  public func clearCallLog() {
    log.withLock { $0.removeAll() }
  }

  /// One ioctl from a connection of this device.
  func ioctl(
    _ client: UnsafeMutablePointer<ucb_client>, _ request: CUnsignedLong,
    _ argument: UnsafeMutableRawPointer?
  ) -> Result<Void, Errno> {
    // Only a pending fault or the call log needs the header before the
    // core reads it (a system call, in the shim).  A header the caller's
    // pointer does not let us read is the core's to refuse with EFAULT.
    guard request == ucb_ioc_call,
      recordsCalls || faultsPending.load(ordering: .relaxed),
      let argument, let before = readHeader(argument)
    else {
      return core.ioctl(client, request, argument)
    }
    let fault = faults.withLock {
      let fault = $0.take(for: before.selector)
      if $0.isEmpty { faultsPending.store(false, ordering: .relaxed) }
      return fault
    }
    let result: Result<Void, Errno>
    switch fault {
    case .errno(let error)?:
      result = .failure(error)
    case .ioReturn(let ioReturn)?:
      result = writeOutcome(ioReturn, to: argument)
    case nil:
      result = core.ioctl(client, request, argument)
    }
    if recordsCalls, let after = readHeader(argument) {
      let record = CallRecord(
        before: before, after: after,
        error: result.failure, injected: fault != nil)
      log.withLock { $0.append(record) }
    }
    return result
  }

  /// Reads a caller's call header as the driver does, through the shim's
  /// `copy_from_user()`, so that a bad pointer is a nil, not a crash.
  private func readHeader(_ argument: UnsafeRawPointer) -> ucb_call? {
    var header = ucb_call()
    let missed = withUnsafeMutableBytes(of: &header) {
      copy_from_user($0.baseAddress, argument, UInt($0.count))
    }
    return missed == 0 ? header : nil
  }

  /// Writes an injected result and zero output counts into the caller's
  /// header, as the core's write-back does.
  private func writeOutcome(
    _ ioReturn: IOReturn, to argument: UnsafeMutableRawPointer
  ) -> Result<Void, Errno> {
    // result, scalar_out_count and struct_out_size are adjacent.
    var outcome: (UInt32, UInt32, UInt32) = (ioReturn.rawValue, 0, 0)
    let offset = MemoryLayout<ucb_call>.offset(of: \.result)!
    let missed = withUnsafeBytes(of: &outcome) {
      copy_to_user(argument + offset, $0.baseAddress, UInt($0.count))
    }
    return missed == 0 ? .success(()) : .failure(.badAddress)
  }

  /// A new client of the driver; the caller owns it.
  func makeClient(privileged: Bool) -> UnsafeMutablePointer<ucb_client> {
    let client = UnsafeMutablePointer<ucb_client>.allocate(capacity: 1)
    // Its only failure is malloc's, which Swift's own allocations treat as
    // fatal too.
    precondition(ucb_client_init(client, core.device) == 0, "out of memory")
    client.pointee.env.admin = privileged
    return client
  }
}

extension Result {
  fileprivate var failure: Failure? {
    if case .failure(let error) = self { return error }
    return nil
  }
}
