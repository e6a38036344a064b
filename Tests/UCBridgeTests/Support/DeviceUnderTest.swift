import SystemPackage
import Testing
import UCBridge
import UCBridgeMock

#if canImport(Glibc)
import Glibc
#endif

/// The device the device-behaviour tests run against: a fresh in-process
/// mock by default, or the real device named by `UCBRIDGE_TEST_DEVICE`
/// (e.g. `/dev/ucbridge/reference`, run as root inside the VM).
///
/// Changing max_struct_size on the real device writes its sysfs attribute
/// and is done only when `UCBRIDGE_TEST_SET_MAX=1`.
struct DeviceUnderTest {
  /// The mock, when not testing a real device.
  let mock: MockDevice?
  /// A privileged connection (root on the real device).
  let connection: Connection

  static var devicePath: FilePath? {
    getenv("UCBRIDGE_TEST_DEVICE").map { FilePath(String(cString: $0)) }
  }

  static var isRealDevice: Bool { devicePath != nil }

  /// Whether a test may change max_struct_size.
  static var canSetMaxStructSize: Bool {
    !isRealDevice || getenv("UCBRIDGE_TEST_SET_MAX").map { String(cString: $0) } == "1"
  }

  private static var parameterPath: FilePath {
    "/sys/class/ucbridge/reference/max_struct_size"
  }

  static func open() throws -> DeviceUnderTest {
    if let devicePath {
      return DeviceUnderTest(mock: nil, connection: try Connection.open(devicePath))
    }
    let mock = try MockDevice()
    return DeviceUnderTest(mock: mock, connection: mock.connect(privileged: true))
  }

  /// Another privileged connection to the same device.
  func connect() throws -> Connection {
    if let mock { return mock.connect(privileged: true) }
    return try Connection.open(Self.devicePath!)
  }

  var maxStructSize: Int {
    get throws { try connection.driverInfo().maxStructSize }
  }

  /// Sets the driver-wide max_struct_size: the sysfs attribute on the
  /// real device, directly on the mock.
  func setMaxStructSize(_ size: Int) throws {
    if let mock {
      try mock.setMaxStructSize(size)
      return
    }
    let fd = try FileDescriptor.open(Self.parameterPath, .writeOnly)
    try fd.closeAfter { _ = try fd.writeAll("\(size)".utf8) }
  }
}

extension Trait where Self == ConditionTrait {
  /// For suites that test the mock itself (privilege, faults, the call
  /// log, Swift drivers): they run on the host, not again beside a real
  /// device, where the core's deliberate warnings would reach the console.
  static var mockOnly: Self {
    .enabled(if: !DeviceUnderTest.isRealDevice, "tests the mock; runs without UCBRIDGE_TEST_DEVICE")
  }
}
