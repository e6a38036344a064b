import CUCBridge
import CUCBridgeCore
import UCBridge

/// The reference driver as the ABI header describes it: its selectors,
/// its method table and its description.  Cases compare the driver's
/// introspection against this, not against anything the driver reports.
enum ReferenceTable {
  /// One method table entry.
  struct Entry: Sendable {
    let selector: UInt32
    let name: String
    let scalarInputCount: UInt32
    let structInputSize: UInt32
    let scalarOutputCount: UInt32
    let structOutputSize: UInt32
    /// The method's own maximum for a variable struct input.
    var structInputMax = UInt32(UCB_STRUCT_SIZE_LIMIT)
    var adminOnly = false
    /// Called only through `UCB_IOC_CALL_ASYNC` (`UCB_METHOD_FLAG_ASYNC`).
    var async = false
  }

  static let noop = UCB_SEL_NOOP.rawValue
  static let add = UCB_SEL_ADD.rawValue
  static let echo = UCB_SEL_ECHO.rawValue
  static let checksum = UCB_SEL_CHECKSUM.rawValue
  static let pathInfo = UCB_SEL_PATH_INFO.rawValue
  static let fixedTransform = UCB_SEL_FIXED_TRANSFORM.rawValue
  static let consistency = UCB_SEL_CONSISTENCY.rawValue
  static let resetStats = UCB_SEL_RESET_STATS.rawValue
  static let generate = UCB_SEL_GENERATE.rawValue
  static let sink = UCB_SEL_SINK.rawValue
  static let sharedChecksum = UCB_SEL_SHARED_CHECKSUM.rawValue
  static let delayed = UCB_SEL_DELAYED.rawValue
  static let asyncChecksum = UCB_SEL_ASYNC_CHECKSUM.rawValue
  static let notify = UCB_SEL_NOTIFY.rawValue

  /// The number of methods: valid selectors are below it.
  static let methodCount = UCB_REFERENCE_METHOD_COUNT.rawValue

  private static let variable = UCB_VARIABLE_SIZE

  /// The table, in selector order: the Swift declarations of the
  /// reference methods (``MethodDeclaration/reference``), with the one
  /// admin-only method.
  static let methods: [Entry] = MethodDeclaration.reference.map { method in
    Entry(method, adminOnly: method.selector == resetStats)
  }

  /// The reference driver's version, (major << 16 | minor << 8 | patch).
  static let driverVersion = UInt32(UCB_REFERENCE_VERSION)

  /// The default driver-wide max_struct_size of the reference driver.
  static let defaultMaxStructSize = Int(UCB_REFERENCE_DEFAULT_MAX_STRUCT_SIZE)

  /// `struct ucb_driver_info` as the driver must fill it in.
  ///
  /// - Parameters:
  ///   - size: The caller's `size`, which the driver copies back.
  ///   - maxStructSize: The driver-wide max_struct_size.
  /// - Returns: Its bytes; `live_buffers` is 0, as between calls.
  static func driverInfo(size: UInt32, maxStructSize: Int) -> Bytes {
    var info = ucb_driver_info()
    info.size = size
    info.abi_version = UInt32(UCB_ABI_VERSION)
    info.driver_version = driverVersion
    info.method_count = methodCount
    info.max_scalars = UInt32(UCB_MAX_SCALARS)
    info.max_struct_size = UInt32(maxStructSize)
    info.struct_size_limit = UInt32(UCB_STRUCT_SIZE_LIMIT)
    setName(UCB_REFERENCE_NAME, of: &info.name)
    return .literal(withUnsafeBytes(of: info, Array.init))
  }

  /// `struct ucb_method_info` as the driver must fill it in, with its
  /// counters 0 (cases record it so).
  ///
  /// - Parameters:
  ///   - entry: The method.
  ///   - size: The caller's `size`, which the driver copies back.
  ///   - maxStructSize: The driver-wide max_struct_size.
  /// - Returns: Its bytes.
  static func methodInfo(_ entry: Entry, size: UInt32, maxStructSize: Int) -> Bytes {
    var info = ucb_method_info()
    info.size = size
    info.selector = entry.selector
    info.method_flags = (entry.adminOnly ? UCB_METHOD_FLAG_ADMIN : 0)
      | (entry.async ? UCB_METHOD_FLAG_ASYNC : 0)
    info.scalar_in_count = entry.scalarInputCount
    info.struct_in_size = entry.structInputSize
    info.scalar_out_count = entry.scalarOutputCount
    info.struct_out_size = entry.structOutputSize
    info.struct_in_max = effectiveMax(entry.structInputSize, entry.structInputMax, maxStructSize)
    info.struct_out_max = effectiveMax(
      entry.structOutputSize, UInt32(UCB_STRUCT_SIZE_LIMIT), maxStructSize)
    setName(entry.name, of: &info.name)
    return .literal(withUnsafeBytes(of: info, Array.init))
  }

  /// A check's maximum as the driver applies it: the fixed size, or for a
  /// variable size the smaller of the method's and the driver's maxima.
  private static func effectiveMax(_ size: UInt32, _ methodMax: UInt32, _ driverMax: Int) -> UInt32 {
    size == variable ? min(methodMax, UInt32(driverMax)) : size
  }

  /// Stores a name NUL-padded into a `char name[UCB_NAME_SIZE]` field.
  private static func setName<Field>(_ name: String, of field: inout Field) {
    withUnsafeMutableBytes(of: &field) { bytes in
      bytes.initializeMemory(as: UInt8.self, repeating: 0)
      bytes.copyBytes(from: name.utf8.prefix(bytes.count - 1))
    }
  }
}

extension ReferenceTable.Entry {
  /// The entry of a Swift declaration, in the C table's terms: a count or
  /// size, or `UCB_VARIABLE_SIZE` with the method's own maximum.
  init(_ method: MethodDeclaration, adminOnly: Bool) {
    func scalars(_ count: MethodChecks.ScalarCount) -> UInt32 {
      switch count {
      case .exactly(let count): return UInt32(count)
      case .variable: return UCB_VARIABLE_SIZE
      }
    }
    func size(_ size: MethodChecks.StructSize) -> UInt32 {
      switch size {
      case .exactly(let size): return UInt32(size)
      case .variable: return UCB_VARIABLE_SIZE
      }
    }
    self.init(
      selector: method.selector, name: method.name,
      scalarInputCount: scalars(method.checks.scalarInputCount),
      structInputSize: size(method.checks.structInputSize),
      scalarOutputCount: scalars(method.checks.scalarOutputCount),
      structOutputSize: size(method.checks.structOutputSize),
      adminOnly: adminOnly, async: method.checks.isAsync)
    if case .variable(let max) = method.checks.structInputSize {
      structInputMax = UInt32(max)
    }
  }
}

/// Where `struct ucb_method_info` keeps its counters, which the
/// introspection cases record as 0: the counters group checks them, from
/// a reset, where they are deterministic.
enum MethodInfoLayout {
  private static let counters: Range<Int> = {
    let calls = MemoryLayout<ucb_method_info>.offset(of: \.calls)!
    let errors = MemoryLayout<ucb_method_info>.offset(of: \.errors)!
    return calls..<errors + MemoryLayout<UInt64>.size
  }()

  /// The bytes of a method info structure with its counters zeroed.
  static func withoutCounters(_ bytes: [UInt8]) -> [UInt8] {
    var bytes = bytes
    for index in counters where bytes.indices.contains(index) { bytes[index] = 0 }
    return bytes
  }
}
