import ArgumentParser
import CUCBridge
import SystemPackage
import UCBridge
import UCBridgeMock

/// Where ucprobe's calls go: a ucbridge device node, or the reference
/// driver running in-process.
struct DeviceOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "The ucbridge device node to open (default: /dev/ucbridge/reference).", valueName: "path"),
    completion: .file())
  var device: String?

  @Flag(
    help: """
      Call the reference driver in-process instead of a device node: the \
      driver's own dispatch core, through UCBridgeMock, with CAP_SYS_ADMIN. \
      No kernel module needed.
      """)
  var mock = false

  @Option(
    help: ArgumentHelp(
      "With --mock: the driver's max_struct_size, 4K to 64M (default: 1M, as the module's).",
      valueName: "bytes"),
    transform: ByteCount.parse)
  var mockMaxStructSize: ByteCount?

  func validate() throws {
    if mock, device != nil {
      throw ValidationError("--device and --mock name two devices; use one")
    }
    if let size = mockMaxStructSize?.value {
      guard mock else {
        throw ValidationError("--mock-max-struct-size applies to --mock only")
      }
      guard (Int(UCB_STRUCT_SIZE_FLOOR)...Int(UCB_STRUCT_SIZE_LIMIT)).contains(size) else {
        throw ValidationError(
          "--mock-max-struct-size is 4K to 64M, as a driver's max_struct_size")
      }
    }
  }

  /// The device node a connection opens unless `--mock` is given.
  var devicePath: FilePath {
    device.map { FilePath($0) } ?? Connection.defaultDevicePath
  }

  /// Opens the device: the node, or a fresh mock of the reference driver.
  ///
  /// - Returns: The open device.
  /// - Throws: ``ProbeFailure`` saying why the node cannot be opened, with
  ///   a hint for the usual causes.
  func open() throws(ProbeFailure) -> ProbeTarget {
    if mock {
      let size = mockMaxStructSize?.value ?? MockDevice.defaultMaxStructSize
      do {
        let device = try MockDevice(maxStructSize: size)
        return ProbeTarget(
          connection: device.connect(privileged: true), name: "mock",
          reopeningOptions: ["--mock"] + (mockMaxStructSize.map {
            ["--mock-max-struct-size", String($0.value)]
          } ?? []))
      } catch {
        throw .failed("cannot create the mock device: \(error.explanation)")
      }
    }
    let path = devicePath
    do {
      return ProbeTarget(
        connection: try Connection.open(path), name: path.string,
        reopeningOptions: device.map { ["--device", $0] } ?? [])
    } catch {
      var failure = ProbeFailure.failed("cannot open \(path): \(error.explanation)")
      switch error {
      case .errno(.noSuchFileOrDirectory):
        failure.messages.append(
          "hint: is the driver's module loaded (ucbridge.ko and, for /dev/ucbridge/reference, ucbridge_reference.ko)? Or use --mock for the reference driver in-process")
      case .errno(.isDirectory):
        failure.messages.append(
          "hint: \(Connection.deviceDirectory) holds one node per driver since ucbridge 0.2: use --device \(Connection.deviceDirectory)/<name> (ls \(Connection.deviceDirectory))")
      case .errno(.permissionDenied):
        failure.messages.append("hint: the device must be readable and writable by you")
      default:
        break
      }
      throw failure
    }
  }
}
