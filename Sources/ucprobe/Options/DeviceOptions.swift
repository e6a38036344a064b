import ArgumentParser
import CUCBridge
import SystemPackage
import UCBridge
import UCBridgeMock

/// Where ucprobe's calls go: a registered driver (a service, found in
/// sysfs), a device node, or the reference driver running in-process.
///
/// With none of `--service`, `--device` and `--mock`, the only registered
/// driver is used; with several, the reference driver; with several and
/// no reference driver, or none, ucprobe stops and says which there are.
struct DeviceOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "The registered driver to open, by name, as 'ucprobe services' lists them: its node /dev/ucbridge/<name>. Without --service, --device or --mock: the only registered driver, or the reference driver among several.",
      valueName: "name"),
    completion: .custom { _, _, _ in ServiceCompletion.names() })
  var service: String?

  @Option(
    help: ArgumentHelp("The ucbridge device node to open, by path.", valueName: "path"),
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
    let given = [
      service.map { _ in "--service" }, device.map { _ in "--device" }, mock ? "--mock" : nil,
    ].compactMap { $0 }
    if given.count > 1 {
      let options = given.dropLast().joined(separator: ", ") + " and " + given.last!
      throw ValidationError("\(options) each name a device; use one")
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

  /// Opens the device: the node, the service, or a fresh mock of the
  /// reference driver.
  ///
  /// - Returns: The open device.
  /// - Throws: ``ProbeFailure`` saying why the device cannot be found or
  ///   opened, with a hint for the usual causes.
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
    if let device {
      let path = FilePath(device)
      return ProbeTarget(
        connection: try Self.open(path) { () throws(UCBridgeError) in try Connection.open(path) },
        name: path.string, reopeningOptions: ["--device", device])
    }
    let service = try selectedService()
    return ProbeTarget(
      connection: try Self.open(service.devicePath) { () throws(UCBridgeError) in
        try service.open()
      },
      name: service.devicePath.string, reopeningOptions: ["--service", service.name])
  }

  /// The service the options name: `--service`'s, or the default one.
  ///
  /// - Returns: The service, not yet opened.
  /// - Throws: ``ProbeFailure`` when no driver is registered under the
  ///   name, or there is no default.
  func selectedService() throws(ProbeFailure) -> Service {
    guard let service else { return try Self.defaultService() }
    do {
      return try Service.named(service)
    } catch {
      var failure = ProbeFailure.failed(error.explanation)
      switch error {
      case .serviceNotFound(_, [], let frameworkLoaded):
        failure.messages.append(Self.loadingHint(frameworkLoaded: frameworkLoaded))
      case .serviceNotFound:
        failure.messages.append("hint: ucprobe services lists the registered drivers")
      default:
        break
      }
      throw failure
    }
  }

  /// The service used when the command line names none: the only
  /// registered one; with several, the reference driver.
  ///
  /// - Returns: The service.
  /// - Throws: ``ProbeFailure`` when none is registered, or several and
  ///   none of them is the reference driver.
  static func defaultService() throws(ProbeFailure) -> Service {
    do {
      let services = try Service.all()
      if services.count == 1 { return services[0] }
      return try Service.named(UCB_REFERENCE_NAME)
    } catch .serviceNotFound(_, [], let frameworkLoaded) {
      throw .failed(absence(frameworkLoaded: frameworkLoaded), loadingHint(frameworkLoaded: frameworkLoaded))
    } catch .serviceNotFound(_, let present, _) {
      throw .failed(
        "several ucbridge drivers are registered, none of them the reference driver: \(present.joined(separator: ", "))",
        "hint: choose one with --service NAME")
    } catch {
      throw .failed(error.explanation)
    }
  }

  /// Why no driver is registered.
  ///
  /// - Parameter frameworkLoaded: Whether ucbridge.ko is loaded.
  /// - Returns: One line saying so.
  static func absence(frameworkLoaded: Bool) -> String {
    frameworkLoaded
      ? "no ucbridge driver is registered: ucbridge.ko is loaded, but no driver module"
      : "no ucbridge driver is registered: ucbridge.ko is not loaded (no /sys/class/ucbridge)"
  }

  private static func loadingHint(frameworkLoaded: Bool) -> String {
    let modules = frameworkLoaded ? "a driver's module" : "ucbridge.ko and a driver's module"
    return "hint: load \(modules), such as ucbridge_reference.ko; or use --mock for the reference driver in-process"
  }

  /// Opens a node, explaining a failure.
  private static func open(
    _ path: FilePath, _ open: () throws(UCBridgeError) -> Connection
  ) throws(ProbeFailure) -> Connection {
    do {
      return try open()
    } catch {
      var failure = ProbeFailure.failed("cannot open \(path): \(error.explanation)")
      switch error {
      case .errno(.noSuchFileOrDirectory):
        failure.messages.append(
          "hint: is the driver's module loaded (ucprobe services lists the registered drivers)? Or use --mock for the reference driver in-process")
      case .errno(.isDirectory):
        failure.messages.append(
          "hint: \(Connection.deviceDirectory) holds one node per driver since ucbridge 0.2: use --device \(Connection.deviceDirectory)/<name>, or --service <name> (ucprobe services lists them)")
      case .errno(.permissionDenied):
        failure.messages.append(
          "hint: the device must be readable and writable by you; installed by scripts/install, it is for root, group ucbridge and the user at the seat: join the group (usermod -aG ucbridge <you>, then log in again)")
      default:
        break
      }
      throw failure
    }
  }
}

/// Shell completion of `--service`: the registered drivers' names.
enum ServiceCompletion {
  /// The names of the registered drivers; none when they cannot be read.
  @Sendable
  static func names() -> [String] {
    (try? Service.all().map(\.name)) ?? []
  }
}
