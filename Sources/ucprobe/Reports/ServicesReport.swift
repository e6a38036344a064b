import UCBridge

/// The registered drivers, as `ucprobe services` prints them.
///
/// JSON: an object with `services`, an array sorted by name of objects
/// with `name`, `device` (the node's path, or `"mock"`), `version`
/// (`"major.minor.patch"`), `driver_version` (the ABI's integer),
/// `abi_version`, `method_count` and `max_struct_size`: the keys of
/// `ucprobe info --json`, read from sysfs without opening the node.
struct ServicesReport: Encodable {
  /// One registered driver.
  struct Entry: Encodable {
    var name: String
    var device: String
    var version: String
    var driverVersion: UInt32
    var abiVersion: UInt32
    var methodCount: Int
    var maxStructSize: Int

    enum CodingKeys: String, CodingKey {
      case name, device, version
      case driverVersion = "driver_version"
      case abiVersion = "abi_version"
      case methodCount = "method_count"
      case maxStructSize = "max_struct_size"
    }
  }

  var services: [Entry]

  /// The report of the registered drivers.
  ///
  /// - Parameters:
  ///   - services: The services, sorted by name.
  ///   - mock: Whether they are mock devices, whose node is `"mock"`.
  init(_ services: [Service], mock: Bool) {
    self.services = services.map { service in
      Entry(
        name: service.name, device: mock ? "mock" : service.devicePath.string,
        version: service.versionString, driverVersion: service.driverVersion,
        abiVersion: service.abiVersion, methodCount: service.methodCount,
        maxStructSize: service.maxStructSize)
    }
  }

  /// The report as `ucprobe services` prints it: a table, one driver a
  /// row.
  var textLines: [String] {
    var table = TextTable([
      ("NAME", .left), ("NODE", .left), ("VERSION", .left), ("ABI", .right),
      ("METHODS", .right), ("MAX STRUCT", .right),
    ])
    for service in services {
      table.append([
        service.name, service.device, service.version, String(service.abiVersion),
        String(service.methodCount), Units.compactBytes(service.maxStructSize),
      ])
    }
    return table.lines
  }
}
