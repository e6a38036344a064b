import UCBridge

/// A driver's description, as `ucprobe info` prints it and as the
/// `driver` member of `ucprobe list --json`.
///
/// JSON keys: `device` (the node's path, or `"mock"`), `name`, `version`
/// (`"major.minor.patch"`), `driver_version` (the same as the ABI's
/// integer), `abi_version`, `method_count`, `max_scalars`,
/// `max_struct_size`, `struct_size_limit`, `live_buffers`.
struct DriverReport: Encodable {
  var device: String
  var name: String
  var version: String
  var driverVersion: UInt32
  var abiVersion: UInt32
  var methodCount: Int
  var maxScalars: Int
  var maxStructSize: Int
  var structSizeLimit: Int
  var liveBuffers: UInt64

  enum CodingKeys: String, CodingKey {
    case device, name, version
    case driverVersion = "driver_version"
    case abiVersion = "abi_version"
    case methodCount = "method_count"
    case maxScalars = "max_scalars"
    case maxStructSize = "max_struct_size"
    case structSizeLimit = "struct_size_limit"
    case liveBuffers = "live_buffers"
  }

  /// The report of a driver's description.
  ///
  /// - Parameters:
  ///   - info: The driver's description.
  ///   - device: How the device is named.
  init(_ info: DriverInfo, device: String) {
    self.device = device
    name = info.name
    version = info.versionString
    driverVersion = info.driverVersion
    abiVersion = info.abiVersion
    methodCount = info.methodCount
    maxScalars = info.maxScalars
    maxStructSize = info.maxStructSize
    structSizeLimit = info.structSizeLimit
    liveBuffers = info.liveBuffers
  }

  /// One line naming the driver: `reference 0.1.0 (ABI 1) on mock`.
  var title: String {
    "\(name) \(version) (ABI \(abiVersion)) on \(device)"
  }

  /// The report as `ucprobe info` prints it.
  var textLines: [String] {
    let selectors = methodCount > 0 ? " (selectors 0 to \(methodCount - 1))" : ""
    return TextTable.fields([
      ("driver", name),
      ("version", "\(version) (driver_version 0x\(HexDump.hex(driverVersion, digits: 6)))"),
      ("ABI version", String(abiVersion)),
      ("device", device),
      ("methods", "\(methodCount)\(selectors)"),
      ("max scalars", "\(maxScalars) in, \(maxScalars) out"),
      ("max_struct_size", Units.bytes(maxStructSize)),
      ("struct size limit", Units.bytes(structSizeLimit)),
      ("live buffers", String(liveBuffers)),
    ])
  }
}
