import CUCBridge
import SystemPackage

/// A ucbridge driver's description, from `UCB_IOC_DRIVER_INFO`.
public struct DriverInfo: Hashable, Sendable {
  /// The driver's name, such as `"reference"`: its node is `/dev/ucbridge/<name>`.
  public var name: String
  /// The `UCB_ABI_VERSION` the driver speaks.
  public var abiVersion: UInt32
  /// The driver's version as (major << 16 | minor << 8 | patch).
  public var driverVersion: UInt32
  /// Entries in the method table; valid selectors are `0..<methodCount`.
  public var methodCount: Int
  /// Most scalars a call carries in each direction (`UCB_MAX_SCALARS`).
  public var maxScalars: Int
  /// The current driver-wide bound on every variable struct size.
  public var maxStructSize: Int
  /// The highest value ``maxStructSize`` can be set to.
  public var structSizeLimit: Int
  /// Kernel buffers the dispatch core holds right now; 0 when no call is
  /// in flight.
  public var liveBuffers: UInt64

  /// The driver version as `"major.minor.patch"`.
  public var versionString: String {
    "\(driverVersion >> 16).\((driverVersion >> 8) & 0xff).\(driverVersion & 0xff)"
  }

  internal init(_ info: ucb_driver_info) {
    name = decodeName(info.name)
    abiVersion = info.abi_version
    driverVersion = info.driver_version
    methodCount = Int(info.method_count)
    maxScalars = Int(info.max_scalars)
    maxStructSize = Int(info.max_struct_size)
    structSizeLimit = Int(info.struct_size_limit)
    liveBuffers = info.live_buffers
  }
}

/// One entry of a driver's method table, from `UCB_IOC_METHOD_INFO`.
public struct MethodInfo: Hashable, Sendable {
  /// Method flags (`UCB_METHOD_FLAG_*`).
  public struct Flags: OptionSet, Hashable, Sendable {
    /// The raw `UCB_METHOD_FLAG_*` bits.
    public let rawValue: UInt32

    /// Creates flags from raw bits.
    ///
    /// - Parameter rawValue: `UCB_METHOD_FLAG_*` bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Only a caller with `CAP_SYS_ADMIN` may call the method
    /// (`UCB_METHOD_FLAG_ADMIN`).
    public static var admin: Flags { Flags(rawValue: UCB_METHOD_FLAG_ADMIN) }

    /// The method answers later, through a completion: it is called only
    /// with ``Connection/submitAsyncMethod(_:reference:scalarInput:structInput:scalarOutput:structOutput:completion:)``
    /// (`UCB_METHOD_FLAG_ASYNC`).
    public static var async: Flags { Flags(rawValue: UCB_METHOD_FLAG_ASYNC) }
  }

  /// The method's selector.
  public var selector: UInt32
  /// The method's name.
  public var name: String
  /// The four checks of the entry, with a variable struct size's maximum
  /// as the driver applies it right now: the smaller of the method's own
  /// and the driver's max_struct_size.
  public var checks: MethodChecks
  /// The method's flags.
  public var flags: Flags
  /// Calls dispatched to the method: for a caller with `CAP_SYS_ADMIN`
  /// through every connection since load or the last `resetStats`, for
  /// anyone else through this connection since it was opened.
  public var calls: UInt64
  /// Those of ``calls`` that did not end in success; never more than
  /// ``calls``.
  public var errors: UInt64

  /// Whether only a caller with `CAP_SYS_ADMIN` may call the method.
  public var requiresAdmin: Bool { flags.contains(.admin) }

  internal init(_ info: ucb_method_info) {
    func scalarCheck(_ count: UInt32) -> MethodChecks.ScalarCount {
      count == UCB_VARIABLE_SIZE ? .variable : .exactly(Int(count))
    }
    func structCheck(_ size: UInt32, max: UInt32) -> MethodChecks.StructSize {
      size == UCB_VARIABLE_SIZE ? .variable(max: Int(max)) : .exactly(Int(size))
    }
    selector = info.selector
    name = decodeName(info.name)
    checks = MethodChecks(
      scalarInputCount: scalarCheck(info.scalar_in_count),
      structInputSize: structCheck(info.struct_in_size, max: info.struct_in_max),
      scalarOutputCount: scalarCheck(info.scalar_out_count),
      structOutputSize: structCheck(info.struct_out_size, max: info.struct_out_max),
      isAsync: info.method_flags & UCB_METHOD_FLAG_ASYNC != 0)
    flags = Flags(rawValue: info.method_flags)
    calls = info.calls
    errors = info.errors
  }
}

/// A NUL-padded `char name[UCB_NAME_SIZE]` field as a string.
private func decodeName<Field>(_ field: Field) -> String {
  withUnsafeBytes(of: field) { bytes in
    String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
  }
}

extension Connection {
  /// Describes the driver behind the connection.
  ///
  /// - Returns: The driver's description.
  /// - Throws: ``UCBridgeError/errno(_:)`` when the ioctl fails.
  ///
  /// The corresponding C call is `ioctl(fd, UCB_IOC_DRIVER_INFO, &info)`.
  public func driverInfo() throws(UCBridgeError) -> DriverInfo {
    try _driverInfo().get()
  }

  internal func _driverInfo() -> Result<DriverInfo, UCBridgeError> {
    var info = ucb_driver_info()
    info.size = UInt32(MemoryLayout<ucb_driver_info>.size)
    return ioctl(ucb_ioc_driver_info, &info)
      .map { DriverInfo(info) }
      .mapError(UCBridgeError.errno)
  }

  /// Describes one method of the driver's table, with its counters.
  ///
  /// - Parameter selector: The method's selector.
  /// - Returns: The method's table entry.
  /// - Throws: ``UCBridgeError/errno(_:)``: `.noSuchFileOrDirectory`
  ///   (`ENOENT`) for a selector past the table.
  ///
  /// The corresponding C call is `ioctl(fd, UCB_IOC_METHOD_INFO, &info)`.
  public func methodInfo(selector: UInt32) throws(UCBridgeError) -> MethodInfo {
    try _methodInfo(selector: selector).get()
  }

  internal func _methodInfo(
    selector: UInt32
  ) -> Result<MethodInfo, UCBridgeError> {
    var info = ucb_method_info()
    info.size = UInt32(MemoryLayout<ucb_method_info>.size)
    info.selector = selector
    return ioctl(ucb_ioc_method_info, &info)
      .map { MethodInfo(info) }
      .mapError(UCBridgeError.errno)
  }

  /// Describes every method of the driver's table, in selector order.
  ///
  /// - Returns: The method table.
  /// - Throws: ``UCBridgeError/errno(_:)`` when an ioctl fails.
  ///
  /// The corresponding C calls are `ioctl(fd, UCB_IOC_DRIVER_INFO, &info)`
  /// and then `ioctl(fd, UCB_IOC_METHOD_INFO, &method)` for each selector.
  public func methods() throws(UCBridgeError) -> [MethodInfo] {
    let count = try driverInfo().methodCount
    var methods: [MethodInfo] = []
    methods.reserveCapacity(count)
    for selector in 0..<UInt32(count) {
      methods.append(try methodInfo(selector: selector))
    }
    return methods
  }
}
