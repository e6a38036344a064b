import CUCBridge
import CUCBridgeCore
import Foundation
import KVStoreClient
import SystemPackage
import Testing
import UCBridge
import UCBridgeMock

/// Service discovery against mock devices registered with `MockRegistry`:
/// the same `Service.all()`, `Service.named(_:)` and `open(type:)` that
/// read sysfs in production.
@Suite(.mockOnly) struct MockServices {
  let reference: MockDevice
  let kvstore: MockDevice
  var devices: [String: MockDevice] { ["reference": reference, "kvstore": kvstore] }

  init() throws {
    reference = try MockDevice(maxStructSize: 64 << 10)
    kvstore = try MockDevice { ucb_kvstore_driver_fill($0) }
  }

  @Test func bothDevicesAreFoundWithTheirFields() throws {
    let services = try MockRegistry.withRegistered(devices) { try Service.all() }
    #expect(services.map(\.name) == ["kvstore", "reference"])
    let store = services[0], reference = services[1]
    #expect(store.devicePath == "/dev/ucbridge/kvstore")
    #expect(store.abiVersion == UInt32(UCB_ABI_VERSION))
    #expect(store.driverVersion == 0x000100 && store.versionString == "0.1.0")
    #expect(store.methodCount == 6 && store.maxStructSize == 8192)
    #expect(reference.devicePath == "/dev/ucbridge/reference")
    #expect(reference.methodCount == Int(UCB_REFERENCE_METHOD_COUNT.rawValue))
    #expect(reference.maxStructSize == 64 << 10)
  }

  @Test func fieldsAreWhatDriverInfoSays() throws {
    try MockRegistry.withRegistered(devices) { () throws in
      for service in try Service.all() {
        let info = try service.open().driverInfo()
        #expect(info.name == service.name)
        #expect(info.abiVersion == service.abiVersion)
        #expect(info.driverVersion == service.driverVersion)
        #expect(info.versionString == service.versionString)
        #expect(info.methodCount == service.methodCount)
        #expect(info.maxStructSize == service.maxStructSize)
      }
    }
  }

  @Test func namedFindsOneAndEqualsWhatAllFinds() throws {
    try MockRegistry.withRegistered(devices) { () throws in
      let store = try Service.named("kvstore")
      #expect(store.name == "kvstore")
      #expect(try Service.all().contains(store))
      #expect(Set(try Service.all()).count == 2)
    }
  }

  @Test func aMissingNameListsThePresentOnes() throws {
    let error = MockRegistry.withRegistered(devices) {
      #expect(throws: UCBridgeError.self) { try Service.named("kvstor") }
    }
    #expect(
      error == .serviceNotFound("kvstor", present: ["kvstore", "reference"], frameworkLoaded: true))
    #expect(
      error?.description
        == #"no ucbridge driver named "kvstor" is registered; registered: kvstore, reference"#)
  }

  @Test func anEmptyRegistrySaysNoneIsRegistered() throws {
    let error = try MockRegistry.withRegistered([:]) { () throws in
      #expect(try Service.all().isEmpty)
      return #expect(throws: UCBridgeError.self) { try Service.named("reference") }
    }
    #expect(error == .serviceNotFound("reference", present: [], frameworkLoaded: true))
    #expect(error?.description.contains("ucbridge.ko is loaded, but no driver module") == true)
  }

  @Test func openReachesTheRightDeviceWithTheType() throws {
    try MockRegistry.withRegistered(devices) { () throws in
      let sum = try Service.named("reference").open().call(.add, 40, 2)
      #expect(sum == 42)

      let store = try Service.named("kvstore")
      #expect(try store.open(type: KVStore.readOnly).driverInfo().name == "kvstore")
      #expect(throws: UCBridgeError.ioReturn(.badArgument)) { try store.open(type: 7) }
    }
    kvstore.recordsCalls = true
    try MockRegistry.withRegistered(devices) { () throws in
      _ = try Service.named("kvstore").open().callMethod(
        Method.count.selector, scalarOutputRoom: 3)
    }
    #expect(kvstore.callLog.map(\.selector) == [Method.count.selector])
  }

  @Test func openIsUnprivilegedUnlessAsked() throws {
    _ = MockRegistry.withRegistered(devices) {
      #expect(throws: UCBridgeError.ioReturn(.notPrivileged)) {
        try Service.named("reference").open().call(.resetStats)
      }
    }
    try MockRegistry.withRegistered(devices, privileged: true) { () throws in
      try Service.named("reference").open().call(.resetStats)
    }
  }

  @Test func anUnregisteredDeviceIsNoLongerFound() throws {
    kvstore.unregister()
    try MockRegistry.withRegistered(devices) { () throws in
      #expect(try Service.all().map(\.name) == ["reference"])
      #expect(throws: UCBridgeError.serviceNotFound(
        "kvstore", present: ["reference"], frameworkLoaded: true)) {
        try Service.named("kvstore")
      }
    }
  }

  @Test func theInnermostRegistrationIsTheOnlyOne() throws {
    try MockRegistry.withRegistered(devices) { () throws in
      try MockRegistry.withRegistered(["other": reference]) { () throws in
        #expect(try Service.all().map(\.name) == ["other"])
      }
      #expect(try Service.all().count == 2)
    }
  }

  @Test func servicesOfTwoRegistrationsDiffer() throws {
    let first = try MockRegistry.withRegistered(devices) { try Service.named("reference") }
    let again = try MockRegistry.withRegistered(devices) { try Service.named("reference") }
    #expect(first != again)  // each registration opens its own way
    #expect(first.name == again.name && first.maxStructSize == again.maxStructSize)
  }

  @Test func childTasksSeeTheRegistration() async throws {
    let names = try await MockRegistry.withRegistered(devices) { () async throws in
      async let names = Service.all().map(\.name)
      return try await names
    }
    #expect(names == ["kvstore", "reference"])
  }
}

/// Service discovery reading a sysfs class directory: a fake tree in a
/// temporary directory, through the same code that reads
/// /sys/class/ucbridge.
@Suite(.mockOnly) struct SysfsServices {
  /// A temporary root with `class/ucbridge/<name>/<file>` and
  /// `dev/ucbridge`, removed when the test ends.
  final class FakeSysfs {
    let root: FilePath
    var classDirectory: FilePath { root.appending("class/ucbridge") }
    var deviceDirectory: FilePath { root.appending("dev/ucbridge") }
    var registry: ServiceRegistry {
      ServiceRegistry(classDirectory: classDirectory, deviceDirectory: deviceDirectory)
    }

    /// - Parameter entries: Files by name, by service; nil for no class
    ///   directory at all.
    init(_ entries: [String: [String: String]]?) throws {
      root = FilePath(NSTemporaryDirectory()).appending("ucbridge-sysfs-\(UUID().uuidString)")
      let manager = FileManager.default
      try manager.createDirectory(atPath: root.string, withIntermediateDirectories: true)
      guard let entries else { return }
      try manager.createDirectory(atPath: classDirectory.string, withIntermediateDirectories: true)
      for (name, files) in entries {
        let directory = classDirectory.appending(name)
        try manager.createDirectory(atPath: directory.string, withIntermediateDirectories: true)
        for (file, text) in files {
          try Data(text.utf8).write(to: URL(fileURLWithPath: directory.appending(file).string))
        }
      }
    }

    deinit { try? FileManager.default.removeItem(atPath: root.string) }

    /// Runs `body` with this tree as the system's sysfs.
    func withRegistry<R>(_ body: () throws -> R) rethrows -> R {
      try ServiceRegistry.$current.withValue(registry, operation: body)
    }
  }

  static let referenceFiles = [
    "abi_version": "1\n", "driver_version": "0.1.0\n", "method_count": "10\n",
    "max_struct_size": "1048576\n", "dev": "250:0\n", "uevent": "MAJOR=250\nMINOR=0\n",
  ]

  static func files(_ changes: [String: String?]) -> [String: String] {
    var files = referenceFiles
    for (file, text) in changes { files[file] = text }
    return files
  }

  @Test func everyAttributeIsRead() throws {
    let sysfs = try FakeSysfs([
      "reference": Self.referenceFiles,
      "kvstore": Self.files([
        "driver_version": "1.2.3\n", "method_count": "6\n", "max_struct_size": "8192\n",
      ]),
    ])
    let services = try sysfs.withRegistry { try Service.all() }
    #expect(services.map(\.name) == ["kvstore", "reference"])
    let store = services[0]
    #expect(store.devicePath == sysfs.deviceDirectory.appending("kvstore"))
    #expect(store.abiVersion == 1)
    #expect(store.driverVersion == 0x010203 && store.versionString == "1.2.3")
    #expect(store.methodCount == 6 && store.maxStructSize == 8192)
    #expect(services[1].maxStructSize == 1 << 20 && services[1].methodCount == 10)
    #expect(try sysfs.withRegistry { try Service.named("kvstore") } == store)
  }

  @Test func valuesWithoutANewlineAndAtTheirLimitsAreRead() throws {
    let sysfs = try FakeSysfs([
      "x": [
        "abi_version": "4294967295", "driver_version": "65535.255.255",
        "method_count": "0\n", "max_struct_size": "4096\n",
      ]
    ])
    let service = try sysfs.withRegistry { try Service.named("x") }
    #expect(service.abiVersion == .max && service.driverVersion == 0xffff_ffff)
    #expect(service.methodCount == 0 && service.maxStructSize == 4096)
  }

  @Test func noClassDirectoryMeansTheFrameworkIsNotLoaded() throws {
    let sysfs = try FakeSysfs(nil)
    #expect(try sysfs.withRegistry { try Service.all() }.isEmpty)
    let error = sysfs.withRegistry {
      #expect(throws: UCBridgeError.self) { try Service.named("reference") }
    }
    #expect(error == .serviceNotFound("reference", present: [], frameworkLoaded: false))
    #expect(
      error?.description
        == #"no ucbridge driver named "reference" is registered: ucbridge.ko is not loaded (no /sys/class/ucbridge)"#)
  }

  @Test func anEmptyClassDirectoryMeansNoDriver() throws {
    let sysfs = try FakeSysfs([:])
    #expect(try sysfs.withRegistry { try Service.all() }.isEmpty)
    #expect(throws: UCBridgeError.serviceNotFound("reference", present: [], frameworkLoaded: true)) {
      try sysfs.withRegistry { try Service.named("reference") }
    }
  }

  /// A malformed attribute: the entry is left out of `all()`, and
  /// `named(_:)` says which file holds what.
  @Test(arguments: [
    ("abi_version", "one\n"), ("abi_version", "-1\n"), ("abi_version", " 1\n"),
    ("abi_version", "4294967296\n"), ("abi_version", ""), ("abi_version", "1\n\n"),
    ("method_count", "0x10\n"), ("max_struct_size", "1M\n"),
    ("driver_version", "0.1\n"), ("driver_version", "0.1.0.0\n"), ("driver_version", "0..1\n"),
    ("driver_version", "0.256.0\n"), ("driver_version", "0.1.256\n"),
    ("driver_version", "65536.0.0\n"), ("driver_version", "v0.1.0\n"),
  ])
  func aMalformedEntryIsLeftOutAndExplained(file: String, text: String) throws {
    let sysfs = try FakeSysfs(["bad": Self.files([file: text]), "reference": Self.referenceFiles])
    #expect(try sysfs.withRegistry { try Service.all() }.map(\.name) == ["reference"])
    let error = sysfs.withRegistry {
      #expect(throws: UCBridgeError.self) { try Service.named("bad") }
    }
    guard case .serviceUnreadable("bad", let reason)? = error else {
      Issue.record("not serviceUnreadable: \(String(describing: error))")
      return
    }
    #expect(reason.contains("/class/ucbridge/bad/\(file) holds \(String(reflecting: text))"))
    #expect(error?.description.hasPrefix(#"cannot read ucbridge driver "bad": "#) == true)
  }

  @Test func aMissingAttributeOrADirectoryThatIsAFileIsExplained() throws {
    let sysfs = try FakeSysfs(["partial": Self.files(["method_count": nil])])
    try Data("junk".utf8).write(
      to: URL(fileURLWithPath: sysfs.classDirectory.appending("file").string))
    #expect(try sysfs.withRegistry { try Service.all() }.isEmpty)
    for name in ["partial", "file"] {
      let error = sysfs.withRegistry {
        #expect(throws: UCBridgeError.self) { try Service.named(name) }
      }
      guard case .serviceUnreadable(name, let reason)? = error else {
        Issue.record("\(name): not serviceUnreadable: \(String(describing: error))")
        continue
      }
      #expect(reason.hasPrefix("cannot read \(sysfs.classDirectory.appending(name))/"))
    }
  }

  @Test func aNameIsOnePathComponent() throws {
    let sysfs = try FakeSysfs(["reference": Self.referenceFiles])
    for name in ["", ".", "..", "../ucbridge/reference", "reference/", "a\0b"] {
      #expect(throws: UCBridgeError.serviceNotFound(name, present: ["reference"], frameworkLoaded: true)) {
        try sysfs.withRegistry { try Service.named(name) }
      }
    }
  }

  @Test func openOpensTheNodeAndFailsAsOpenDoes() throws {
    let sysfs = try FakeSysfs(["reference": Self.referenceFiles])
    let service = try sysfs.withRegistry { try Service.named("reference") }
    #expect(throws: UCBridgeError.errno(.noSuchFileOrDirectory)) { try service.open() }
    try FileManager.default.createDirectory(
      atPath: service.devicePath.string, withIntermediateDirectories: true)
    #expect(throws: UCBridgeError.errno(.isDirectory)) { try service.open(type: 1) }
  }

  @Test func theSystemRegistryIsTheDefault() throws {
    // Whatever this machine has registered, all() reads /sys/class/ucbridge.
    let expected = (try? FileManager.default.contentsOfDirectory(atPath: "/sys/class/ucbridge")) ?? []
    #expect(Set(try Service.all().map(\.name)).isSubset(of: Set(expected)))
  }
}
