import UCBridge

/// Mock devices registered as services, for code that finds its driver
/// with `Service.all()` or `Service.named(_:)`.
///
/// While `body` runs, service discovery in that task (and the tasks it
/// creates) sees exactly the devices given, under the names given, and
/// `service.open(type:)` connects to them as ``MockDevice/connect(type:privileged:)``
/// does; the system's sysfs is not read, and other tasks are not
/// affected.  A device that was ``MockDevice/unregister()``ed is no
/// longer found, as a driver that unregistered.
///
/// ```swift
/// let reference = try MockDevice()
/// let store = try MockDevice { ucb_kvstore_driver_fill($0) }
/// try MockRegistry.withRegistered(["reference": reference, "kvstore": store]) {
///   let services = try Service.all()                // kvstore, reference
///   let connection = try Service.named("kvstore").open(type: 1)
/// }
/// ```
///
/// A service's fields come from the device's `DriverInfo` when it is
/// found; its `devicePath` is where the node of a driver of that name
/// would be, `/dev/ucbridge/<name>`, and is never opened.
public enum MockRegistry {
  /// Runs `body` with `devices` as the only registered services.
  ///
  /// - Parameters:
  ///   - devices: The devices, by service name; none for a system with
  ///     `ucbridge.ko` loaded and no driver registered.
  ///   - privileged: Whether the connections `open(type:)` makes have
  ///     `CAP_SYS_ADMIN`.
  ///   - body: The code that finds and opens services.
  /// - Returns: What `body` returns.
  /// - Throws: What `body` throws.
  public static func withRegistered<Value, Failure: Error>(
    _ devices: [String: MockDevice], privileged: Bool = false,
    _ body: () throws(Failure) -> Value
  ) throws(Failure) -> Value {
    var outcome: Result<Value, Failure>?
    ServiceRegistry.$current.withValue(registry(devices, privileged: privileged)) {
      outcome = Result { () throws(Failure) -> Value in try body() }
    }
    return try outcome!.get()
  }

  /// Runs an asynchronous `body` with `devices` as the only registered
  /// services, as the synchronous form does.
  ///
  /// - Parameters:
  ///   - devices: The devices, by service name.
  ///   - privileged: Whether the connections `open(type:)` makes have
  ///     `CAP_SYS_ADMIN`.
  ///   - isolation: The actor `body` runs on.
  ///   - body: The code that finds and opens services.
  /// - Returns: What `body` returns.
  /// - Throws: What `body` throws.
  public static func withRegistered<Value>(
    _ devices: [String: MockDevice], privileged: Bool = false,
    isolation: isolated (any Actor)? = #isolation,
    _ body: () async throws -> Value
  ) async rethrows -> Value {
    try await ServiceRegistry.$current.withValue(
      registry(devices, privileged: privileged), operation: body)
  }

  /// The registry of `devices`: each described, when asked, through a
  /// connection's `DriverInfo`, and opened through a new connection.
  private static func registry(
    _ devices: [String: MockDevice], privileged: Bool
  ) -> ServiceRegistry {
    // One opener per device for the whole registration, so that a service
    // found twice is equal to itself.
    let openers = devices.mapValues { device in
      ServiceOpener { type throws(UCBridgeError) in
        guard let type else { return device.connect(privileged: privileged) }
        return try device.connect(type: type, privileged: privileged)
      }
    }
    return ServiceRegistry(
      names: { .success(Array(devices.keys)) },
      describe: { name in
        guard let device = devices[name], let opener = openers[name] else {
          return .success(nil)
        }
        let connection = device.connect(privileged: privileged)
        defer { try? connection.close() }
        switch Result(catching: { () throws(UCBridgeError) in try connection.driverInfo() }) {
        case .success(let info):
          return .success(Service(
            name: name, devicePath: Connection.deviceDirectory.appending(name),
            abiVersion: info.abiVersion, driverVersion: info.driverVersion,
            methodCount: info.methodCount, maxStructSize: info.maxStructSize,
            opener: opener))
        case .failure(.errno(.operationNotSupportedByDevice)):
          return .success(nil)  // ENODEV: unregistered
        case .failure(let error):
          return .failure(error)
        }
      })
  }
}
