import CUCBridge
import CUCBridgeCore
import Synchronization
import SystemPackage
import UCBridge

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The C `struct ucb_driver` a mock device runs and the core's device for
/// it, with everything its method table points at: the table itself, its C
/// strings and the Swift handlers behind the trampoline.  All of it lives
/// exactly as long as this object, which every connection of the device
/// keeps alive.
///
/// `@unchecked Sendable`: after `init` only the dispatch core touches the
/// driver, and it is made for concurrent callers (atomic counters,
/// `READ_ONCE` of max_struct_size); ``setMaxStructSize(_:)`` is the sysfs
/// attribute's single aligned store.
final class CoreDriver: @unchecked Sendable {
  let driver: UnsafeMutablePointer<ucb_driver>
  /// The core's side of the driver, as `ucb_register_driver()` makes it.
  let device: UnsafeMutablePointer<ucb_device>
  private let table: UnsafeMutableBufferPointer<ucb_method>
  private let cStrings: [UnsafeMutablePointer<CChar>]
  private let handlers: [MockHandlerBox]

  /// The reference driver, exactly as the module's.
  convenience init(referenceWithMaxStructSize maxStructSize: UInt32) throws(UCBridgeError) {
    try self.init { ucb_reference_driver_fill($0, maxStructSize) }
  }

  /// A driver written in C, which `fill` describes.
  init(
    filling fill: (UnsafeMutablePointer<ucb_driver>) -> Void
  ) throws(UCBridgeError) {
    driver = .allocate(capacity: 1)
    driver.initialize(to: ucb_driver())
    table = UnsafeMutableBufferPointer(start: nil, count: 0)
    cStrings = []
    handlers = []
    fill(driver)
    do {
      device = try Self.create(driver)
    } catch {
      driver.deallocate()
      throw error
    }
  }

  /// A driver of Swift methods.  The C core validates the table as it
  /// validates a kernel driver's.
  init(
    name: String, version: UInt32, methods: [MockMethod],
    maxStructSize: UInt32
  ) throws(UCBridgeError) {
    let methods = methods.sorted { $0.selector < $1.selector }
    guard methods.map(\.selector) == Array(0..<UInt32(methods.count)) else {
      throw .badArgument(
        "mock driver \(name): selectors must be 0 to \(methods.count - 1), each once")
    }
    let entries = try methods.map { method throws(UCBridgeError) in
      try TableEntry(method)
    }
    driver = .allocate(capacity: 1)
    driver.initialize(to: ucb_driver())
    table = .allocate(capacity: entries.count)
    table.initialize(repeating: ucb_method())
    let driverName = strdup(name)!
    var cStrings = [driverName]
    handlers = methods.map { MockHandlerBox($0.handler) }
    for (index, entry) in entries.enumerated() {
      let methodName = strdup(entry.name)!
      cStrings.append(methodName)
      table[index] = entry.cMethod(
        name: methodName,
        context: Unmanaged.passUnretained(handlers[index]).toOpaque())
    }
    self.cStrings = cStrings
    driver.pointee.name = UnsafePointer(driverName)
    driver.pointee.version = version
    driver.pointee.methods = UnsafePointer(table.baseAddress)
    driver.pointee.method_count = UInt32(entries.count)
    driver.pointee.max_struct_size = maxStructSize
    do {
      device = try Self.create(driver)
    } catch {
      driver.deallocate()
      table.deallocate()
      cStrings.forEach { free($0) }
      throw error
    }
  }

  /// The core validates the driver and sets up its device, as
  /// `ucb_register_driver()` does in the kernel.
  private static func create(
    _ driver: UnsafeMutablePointer<ucb_driver>
  ) throws(UCBridgeError) -> UnsafeMutablePointer<ucb_device> {
    var device: UnsafeMutablePointer<ucb_device>?
    let result = ucb_device_create(driver, &device)
    guard result == 0, let device else {
      throw .errno(Errno(rawValue: -result))
    }
    driver.pointee.device = device
    return device
  }

  private let unregistered = Atomic<Bool>(false)

  /// Cuts the driver off, as `ucb_unregister_driver()`; once only.
  func unregister() {
    if !unregistered.exchange(true, ordering: .acquiringAndReleasing) {
      ucb_device_shutdown(device)
    }
  }

  deinit {
    // Every connection holds this object, so none is open: the driver's
    // close callbacks have all run.
    unregister()
    ucb_device_put(device)
    driver.deallocate()
    table.deallocate()
    cStrings.forEach { free($0) }
  }

  private static func check(_ result: CInt) throws(UCBridgeError) {
    if result != 0 { throw .errno(Errno(rawValue: -result)) }
  }

  /// The driver-wide bound on variable struct sizes.
  var maxStructSize: UInt32 { ucb_device_max_struct_size(device) }

  /// Changes the driver-wide bound through the core, which checks the
  /// range as it does for the sysfs attribute.
  func setMaxStructSize(_ size: UInt32) throws(UCBridgeError) {
    try Self.check(ucb_device_set_max_struct_size(device, size))
  }

  /// One ioctl on a client of this driver, as the module's file
  /// operations make it.
  func ioctl(
    _ client: UnsafeMutablePointer<ucb_client>, _ request: CUnsignedLong,
    _ argument: UnsafeMutableRawPointer?
  ) -> Result<Void, Errno> {
    let result = ucb_ioctl(client, UInt32(truncatingIfNeeded: request), argument)
    return result == 0 ? .success(()) : .failure(Errno(rawValue: CInt(-result)))
  }
}

/// A Swift method's table entry before its C strings exist: its checks
/// turned into the table's fields, refused here if C cannot hold them.
private struct TableEntry {
  let name: String
  let scalarIn, structIn, structInMax: UInt32
  let scalarOut, structOut, structOutMax: UInt32
  let flags: UInt32

  init(_ method: MockMethod) throws(UCBridgeError) {
    name = method.name
    let checks = method.checks
    // A Swift handler returns its IOReturn at once: there is nothing to
    // complete later, and a table entry saying otherwise would be a lie.
    guard !checks.isAsync else {
      throw .badArgument(
        "\(method.name): async methods are not supported in Swift mock drivers")
    }
    scalarIn = try Self.field(checks.scalarInputCount, method)
    (structIn, structInMax) = try Self.fields(checks.structInputSize, method)
    scalarOut = try Self.field(checks.scalarOutputCount, method)
    (structOut, structOutMax) = try Self.fields(checks.structOutputSize, method)
    flags = method.requiresAdmin ? UCB_METHOD_FLAG_ADMIN : 0
  }

  func cMethod(
    name: UnsafePointer<CChar>, context: UnsafeMutableRawPointer
  ) -> ucb_method {
    var entry = ucb_method()
    entry.handler = mockMethodTrampoline
    entry.name = name
    entry.scalar_in_count = scalarIn
    entry.struct_in_size = structIn
    entry.struct_in_max = structInMax
    entry.scalar_out_count = scalarOut
    entry.struct_out_size = structOut
    entry.struct_out_max = structOutMax
    entry.flags = flags
    entry.context = context
    return entry
  }

  private static func field(
    _ check: MethodChecks.ScalarCount, _ method: MockMethod
  ) throws(UCBridgeError) -> UInt32 {
    switch check {
    case .exactly(let count): return try value(count, method)
    case .variable: return UCB_VARIABLE_SIZE
    }
  }

  private static func fields(
    _ check: MethodChecks.StructSize, _ method: MockMethod
  ) throws(UCBridgeError) -> (size: UInt32, max: UInt32) {
    switch check {
    case .exactly(let size): return (try value(size, method), 0)
    case .variable(let max): return (UCB_VARIABLE_SIZE, try value(max, method))
    }
  }

  private static func value(
    _ value: Int, _ method: MockMethod
  ) throws(UCBridgeError) -> UInt32 {
    guard let field = UInt32(exactly: value), field != UCB_VARIABLE_SIZE else {
      throw .badArgument("\(method.name): \(value) is not a count or size")
    }
    return field
  }
}
