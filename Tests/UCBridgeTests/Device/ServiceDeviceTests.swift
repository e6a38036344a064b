import CUCBridge
import SystemPackage
import Testing
import UCBridge

extension DeviceTests {
  /// Service discovery on the real /sys/class/ucbridge, in the VM, where
  /// scripts/guest/suite.sh loads both ucbridge_reference.ko and
  /// ucbridge_kvstore.ko for the Swift suite.  (The mock's registry is
  /// tested in Mock/ServiceTests.swift.)
  @Suite(.enabled(
    if: DeviceUnderTest.isRealDevice,
    "reads the system's sysfs; runs with UCBRIDGE_TEST_DEVICE, in the VM"))
  struct ServiceDiscovery {
    @Test func referenceAndKVStoreAreRegistered() throws {
      let names = try Service.all().map(\.name)
      #expect(names.contains("reference") && names.contains("kvstore"))
      #expect(names == names.sorted())
    }

    @Test(arguments: ["reference", "kvstore"])
    func sysfsSaysWhatDriverInfoSays(_ name: String) throws {
      let service = try Service.named(name)
      #expect(service.name == name)
      #expect(service.devicePath == Connection.deviceDirectory.appending(name))
      #expect(try Service.all().contains(service))
      let connection = try service.open()
      defer { try? connection.close() }
      let info = try connection.driverInfo()
      #expect(info.name == name)
      #expect(service.abiVersion == info.abiVersion)
      #expect(service.abiVersion == UInt32(UCB_ABI_VERSION))
      #expect(service.driverVersion == info.driverVersion)
      #expect(service.versionString == info.versionString)
      #expect(service.methodCount == info.methodCount)
      #expect(service.maxStructSize == info.maxStructSize)
    }

    @Test func openChoosesTheUserClientType() throws {
      let store = try Service.named("kvstore")
      #expect(try store.open(type: 1).driverInfo().name == "kvstore")
      #expect(throws: UCBridgeError.ioReturn(.badArgument)) { try store.open(type: 7) }
    }

    @Test func aMissingNameListsTheRegisteredOnes() throws {
      let present = try Service.all().map(\.name)
      #expect(throws: UCBridgeError.serviceNotFound(
        "no-such-driver", present: present, frameworkLoaded: true)) {
        try Service.named("no-such-driver")
      }
    }
  }
}
