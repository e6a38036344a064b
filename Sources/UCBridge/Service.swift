import SystemPackage

/// A registered ucbridge driver, found without opening it: IOKit's
/// `io_service_t`, as a Swift value.
///
/// Each driver module that registers with `ucbridge.ko` is a service with
/// a node, `/dev/ucbridge/<name>`, and a sysfs directory,
/// `/sys/class/ucbridge/<name>/`, whose attribute files describe it.
/// ``all()`` and ``named(_:)`` read those files (never the node), and
/// ``open(type:)`` opens a ``Connection`` to the service.
///
/// ```swift
/// for service in try Service.all() {
///   print(service.name, service.versionString, service.devicePath)
/// }
/// let connection = try Service.named("kvstore").open(type: 1)
/// ```
///
/// In tests, `UCBridgeMock`'s `MockRegistry` puts mock devices in place
/// of the system's services for the code it runs: the same calls then
/// find and open the mock devices.
///
/// A description is read once: a later change of the driver's
/// `max_struct_size`, or the driver going away, shows in the next
/// ``all()`` or ``named(_:)``.
public struct Service: Hashable, Sendable {
  /// The driver's name, such as `"reference"`.
  public let name: String
  /// The driver's node, `/dev/ucbridge/<name>`.  For a mock service, the
  /// path its node would have: nothing is opened there.
  public let devicePath: FilePath
  /// The `UCB_ABI_VERSION` the framework speaks (sysfs `abi_version`).
  public let abiVersion: UInt32
  /// The driver's version as (major << 16 | minor << 8 | patch), from
  /// sysfs `driver_version`, `"major.minor.patch"`.
  public let driverVersion: UInt32
  /// Entries in the method table (sysfs `method_count`).
  public let methodCount: Int
  /// The driver-wide bound on every variable struct size when the
  /// service was read (sysfs `max_struct_size`).
  public let maxStructSize: Int
  /// How the service opens when it has no node; nil for a node.
  private let opener: ServiceOpener?

  /// The driver version as `"major.minor.patch"`.
  public var versionString: String {
    "\(driverVersion >> 16).\((driverVersion >> 8) & 0xff).\(driverVersion & 0xff)"
  }

  /// Describes a service.
  ///
  /// - Parameters:
  ///   - name: The driver's name.
  ///   - devicePath: Its node, or where its node would be.
  ///   - abiVersion: The ABI version.
  ///   - driverVersion: The driver version, (major << 16 | minor << 8 | patch).
  ///   - methodCount: Entries in its method table.
  ///   - maxStructSize: Its bound on variable struct sizes.
  ///   - opener: How it opens instead of its node (a mock device); nil
  ///     to open `devicePath`.
  package init(
    name: String, devicePath: FilePath, abiVersion: UInt32,
    driverVersion: UInt32, methodCount: Int, maxStructSize: Int,
    opener: ServiceOpener? = nil
  ) {
    self.name = name
    self.devicePath = devicePath
    self.abiVersion = abiVersion
    self.driverVersion = driverVersion
    self.methodCount = methodCount
    self.maxStructSize = maxStructSize
    self.opener = opener
  }

  /// Every registered service, sorted by name.
  ///
  /// A sysfs entry that cannot be read or parsed is left out (so that one
  /// broken entry does not hide the others); ``named(_:)`` says what is
  /// wrong with it.  An entry that goes away while it is read is left out
  /// too: its driver unregistered.
  ///
  /// - Returns: The services; empty when `ucbridge.ko` is not loaded
  ///   (there is no `/sys/class/ucbridge`) or no driver is registered.
  /// - Throws: ``UCBridgeError/errno(_:)`` when `/sys/class/ucbridge`
  ///   exists but cannot be listed.
  ///
  /// The corresponding C calls are `opendir("/sys/class/ucbridge")`,
  /// `readdir()` and, for each entry, `open()` and `read()` of its
  /// attribute files.
  public static func all() throws(UCBridgeError) -> [Service] {
    try _all(in: ServiceRegistry.current).get()
  }

  internal static func _all(
    in registry: ServiceRegistry
  ) -> Result<[Service], UCBridgeError> {
    registry.names().map { names in
      (names ?? []).sorted().compactMap { name in
        guard case .success(let service?) = registry.describe(name) else { return nil }
        return service
      }
    }
  }

  /// The registered service of a name: IOServiceGetMatchingService for a
  /// driver's name.
  ///
  /// - Parameter name: The driver's name, such as `"kvstore"`.
  /// - Returns: The service.
  /// - Throws: ``UCBridgeError/serviceNotFound(_:present:frameworkLoaded:)``
  ///   when no driver of that name is registered, naming those that are;
  ///   ``UCBridgeError/serviceUnreadable(_:reason:)`` when its sysfs
  ///   entry cannot be read or parsed; ``UCBridgeError/errno(_:)`` when
  ///   `/sys/class/ucbridge` cannot be listed.
  ///
  /// The corresponding C calls are `open()` and `read()` of
  /// `/sys/class/ucbridge/<name>/`'s attribute files.
  public static func named(_ name: String) throws(UCBridgeError) -> Service {
    try _named(name, in: ServiceRegistry.current).get()
  }

  internal static func _named(
    _ name: String, in registry: ServiceRegistry
  ) -> Result<Service, UCBridgeError> {
    switch registry.describe(name) {
    case .failure(let error):
      return .failure(error)
    case .success(let service?):
      return .success(service)
    case .success(nil):
      return registry.names().flatMap { names in
        _all(in: registry).flatMap { present in
          .failure(.serviceNotFound(
            name, present: present.map(\.name), frameworkLoaded: names != nil))
        }
      }
    }
  }

  /// Opens a connection to the service, as IOServiceOpen does: its node,
  /// or for a mock service (UCBridgeMock's `MockRegistry`) its device.
  ///
  /// - Parameter type: The user-client type the driver's open callback
  ///   sees, or nil to open with type 0 at the first call.
  /// - Returns: The open connection.
  /// - Throws: What ``Connection/open(_:type:)`` throws:
  ///   ``UCBridgeError/errno(_:)`` with open(2)'s error (such as
  ///   `.noSuchFileOrDirectory` when the driver has gone since),
  ///   ``UCBridgeError/ioReturn(_:)`` when the driver refuses the type.
  ///
  /// The corresponding C calls are `open(devicePath, O_RDWR | O_CLOEXEC)`
  /// and, with a type, `ioctl(fd, UCB_IOC_OPEN, &open)`.
  public func open(type: UInt32? = nil) throws(UCBridgeError) -> Connection {
    if let opener { return try opener.open(type) }
    return try Connection.open(devicePath, type: type)
  }
}

/// How a service without a node opens: UCBridgeMock's mock devices.  Its
/// identity is part of the ``Service``'s, so two services are equal only
/// when they open the same way.
package final class ServiceOpener: Hashable, Sendable {
  /// Opens a connection, with a user-client type or none.
  package let open: @Sendable (UInt32?) throws(UCBridgeError) -> Connection

  package init(_ open: @escaping @Sendable (UInt32?) throws(UCBridgeError) -> Connection) {
    self.open = open
  }

  package static func == (lhs: ServiceOpener, rhs: ServiceOpener) -> Bool { lhs === rhs }

  package func hash(into hasher: inout Hasher) {
    hasher.combine(ObjectIdentifier(self))
  }
}

/// Where ``Service/all()`` and ``Service/named(_:)`` look: the system's
/// sysfs, unless a task says otherwise.
///
/// ``current`` is a task-local value: UCBridgeMock's `MockRegistry` (or a
/// test with a fake sysfs tree) binds another registry for the code it
/// runs, and every other task keeps seeing the system's services.
package struct ServiceRegistry: Sendable {
  /// The registry ``Service`` reads: ``system`` unless bound.
  @TaskLocal package static var current = ServiceRegistry.system

  /// The system's services: `/sys/class/ucbridge` and `/dev/ucbridge`.
  package static var system: ServiceRegistry {
    ServiceRegistry(
      classDirectory: "/sys/class/ucbridge", deviceDirectory: Connection.deviceDirectory)
  }

  /// The names of the registered services in any order, or nil when no
  /// framework is there to register them (`ucbridge.ko` not loaded).
  package let names: @Sendable () -> Result<[String]?, UCBridgeError>
  /// The service registered under a name; nil when none is (any more).
  package let describe: @Sendable (String) -> Result<Service?, UCBridgeError>

  /// A registry of services described elsewhere: UCBridgeMock's.
  ///
  /// - Parameters:
  ///   - names: The names of the registered services, or nil when none
  ///     can be.
  ///   - describe: The service registered under a name, nil when none is.
  package init(
    names: @escaping @Sendable () -> Result<[String]?, UCBridgeError>,
    describe: @escaping @Sendable (String) -> Result<Service?, UCBridgeError>
  ) {
    self.names = names
    self.describe = describe
  }

  /// A registry read from a sysfs class directory, as ucbridge.ko makes
  /// it: one directory per driver, `<classDirectory>/<name>/`, with the
  /// attribute files `abi_version` (`"1\n"`), `driver_version`
  /// (`"0.1.0\n"`), `method_count` and `max_struct_size` (decimal
  /// numbers), and the driver's node at `<deviceDirectory>/<name>`.
  ///
  /// - Parameters:
  ///   - classDirectory: The class directory, `/sys/class/ucbridge` for
  ///     the system's; a missing one means the framework is not loaded.
  ///   - deviceDirectory: Where the nodes are, `/dev/ucbridge`.
  package init(classDirectory: FilePath, deviceDirectory: FilePath) {
    names = {
      switch directoryNames(classDirectory) {
      case .success(let names): return .success(names)
      case .failure(.noSuchFileOrDirectory), .failure(.notDirectory): return .success(nil)
      case .failure(let error): return .failure(.errno(error))
      }
    }
    describe = { name in
      readService(name, classDirectory: classDirectory, deviceDirectory: deviceDirectory)
    }
  }
}

/// Reads one service's sysfs directory.
///
/// - Returns: The service; nil when the name is not a registered one (no
///   such directory, or a name that is not one path component); a failure
///   ``UCBridgeError/serviceUnreadable(_:reason:)`` when an attribute is
///   missing, unreadable or malformed.
private func readService(
  _ name: String, classDirectory: FilePath, deviceDirectory: FilePath
) -> Result<Service?, UCBridgeError> {
  guard !name.isEmpty, name != ".", name != "..",
    !name.utf8.contains(UInt8(ascii: "/")), !name.utf8.contains(0)
  else { return .success(nil) }
  let directory = classDirectory.appending(name)
  guard pathExists(directory) else { return .success(nil) }

  /// Reads an attribute's text; nil when the directory went away
  /// meanwhile.
  func attribute(_ file: String) -> Result<String?, UCBridgeError> {
    let path = directory.appending(file)
    switch readSmallFile(path, limit: 64) {
    case .success(let bytes):
      return .success(String(decoding: bytes, as: UTF8.self))
    case .failure(.noSuchFileOrDirectory) where !pathExists(directory):
      return .success(nil)
    case .failure(let error):
      return .failure(.serviceUnreadable(name, reason: "cannot read \(path): \(error)"))
    }
  }
  /// Parses an attribute's text without its one trailing newline.
  func parse<Value>(
    _ file: String, expecting expected: String, _ parse: (Substring) -> Value?
  ) -> Result<Value?, UCBridgeError> {
    attribute(file).flatMap { text in
      guard let text else { return .success(nil) }
      let line = text.hasSuffix("\n") ? text.dropLast() : Substring(text)
      guard let value = parse(line) else {
        return .failure(.serviceUnreadable(
          name,
          reason: "\(directory.appending(file)) holds \(String(reflecting: text)), not \(expected)"))
      }
      return .success(value)
    }
  }
  func number(_ file: String) -> Result<UInt32?, UCBridgeError> {
    parse(file, expecting: "a decimal number", decimal)
  }
  func version(_ file: String) -> Result<UInt32?, UCBridgeError> {
    parse(file, expecting: "major.minor.patch (0 to 65535, 0 to 255, 0 to 255)") { line in
      let parts = line.split(separator: ".", omittingEmptySubsequences: false).map(decimal)
      guard parts.count == 3, let major = parts[0], let minor = parts[1], let patch = parts[2],
        major <= 0xffff, minor <= 0xff, patch <= 0xff
      else { return nil }
      return major << 16 | minor << 8 | patch
    }
  }

  return number("abi_version").flatMap { abiVersion in
    version("driver_version").flatMap { driverVersion in
      number("method_count").flatMap { methodCount in
        number("max_struct_size").map { maxStructSize in
          guard let abiVersion, let driverVersion, let methodCount, let maxStructSize else {
            return nil
          }
          return Service(
            name: name, devicePath: deviceDirectory.appending(name),
            abiVersion: abiVersion, driverVersion: driverVersion,
            methodCount: Int(methodCount), maxStructSize: Int(maxStructSize))
        }
      }
    }
  }
}

/// A decimal number as the kernel's `%u` prints it: digits only, at most
/// 32 bits.
private func decimal(_ text: some StringProtocol) -> UInt32? {
  guard !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
  return UInt32(text)
}
