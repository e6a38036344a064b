import ArgumentParser
import Testing
import UCBridge
import UCBridgeMock

@testable import ucprobe

/// Which driver a subcommand opens: `--service NAME`, or the default
/// service, found through the same discovery as in production with mock
/// devices registered in place of sysfs.
@Suite struct ServiceSelectionTests {
  let reference: MockDevice
  let calc: MockDevice

  init() throws {
    reference = try MockDevice()
    calc = try MockDevice(
      name: "calc", version: 0x010203,
      methods: [
        MockMethod(
          selector: 0, name: "multiply",
          checks: MethodChecks(scalarInputCount: .exactly(2), scalarOutputCount: .exactly(1))
        ) { call in
          call.setScalarOutput([call.scalarInput[0] &* call.scalarInput[1]])
          return .success
        }
      ])
  }

  private func options(_ arguments: String...) throws -> DeviceOptions {
    try DeviceOptions.parse(arguments)
  }

  /// The failure a selection ends in.
  private func failureOf(_ body: () throws -> Void) -> ProbeFailure? {
    do {
      try body()
      return nil
    } catch {
      return error as? ProbeFailure
    }
  }

  @Test func theOnlyServiceIsTheDefault() throws {
    let service = try MockRegistry.withRegistered(["calc": calc]) { () throws(ProbeFailure) in
      try DeviceOptions.defaultService()
    }
    #expect(service.name == "calc")
  }

  @Test func withSeveralTheReferenceDriverIsTheDefault() throws {
    let devices = ["calc": calc, "reference": reference]
    let service = try MockRegistry.withRegistered(devices) { () throws(ProbeFailure) in
      try DeviceOptions.defaultService()
    }
    #expect(service.name == "reference")
  }

  @Test func severalWithoutTheReferenceDriverAreNamed() {
    let failure = MockRegistry.withRegistered(["calc": calc, "other": calc]) {
      failureOf { _ = try DeviceOptions.defaultService() }
    }
    #expect(failure?.exitCode == .failure)
    #expect(failure?.messages == [
      "several ucbridge drivers are registered, none of them the reference driver: calc, other",
      "hint: choose one with --service NAME",
    ])
  }

  @Test func noneSaysWhy() throws {
    let arguments = try options()
    let failure = MockRegistry.withRegistered([:]) {
      failureOf { _ = try arguments.open() }
    }
    #expect(failure?.exitCode == .failure)
    #expect(failure?.messages.first
      == "no ucbridge driver is registered: ucbridge.ko is loaded, but no driver module")
    #expect(failure?.messages.last?.contains("--mock") == true)
  }

  @Test func serviceOpensThatDriver() throws {
    let arguments = try options("--service", "calc")
    let target = try MockRegistry.withRegistered(["calc": calc, "reference": reference]) {
      () throws(ProbeFailure) in try arguments.open()
    }
    #expect(target.name == "/dev/ucbridge/calc")
    #expect(target.reopeningOptions == ["--service", "calc"])
    #expect(try target.driverInfo().name == "calc")
    #expect(try target.connection.callMethod(0, scalarInput: [6, 7], scalarOutputRoom: 1)
      .scalars == [42])
  }

  @Test func theDefaultReopensByName() throws {
    let arguments = try options()
    let target = try MockRegistry.withRegistered(["calc": calc]) { () throws(ProbeFailure) in
      try arguments.open()
    }
    #expect(target.reopeningOptions == ["--service", "calc"])
  }

  @Test func anUnknownServiceListsTheRegisteredOnes() throws {
    let arguments = try options("--service", "kvstore")
    let failure = MockRegistry.withRegistered(["calc": calc, "reference": reference]) {
      failureOf { _ = try arguments.open() }
    }
    #expect(failure?.exitCode == .failure)
    #expect(failure?.messages == [
      #"no ucbridge driver named "kvstore" is registered; registered: calc, reference"#,
      "hint: ucprobe services lists the registered drivers",
    ])
  }

  @Test func methodNamesCompleteFromTheService() {
    let names = MockRegistry.withRegistered(["calc": calc, "reference": reference]) {
      (
        MethodNameCompletion.candidates(["ucprobe", "call", "--service", "calc", "m"], 4, "m"),
        MethodNameCompletion.candidates(["ucprobe", "call", "c"], 2, "c")
      )
    }
    #expect(names.0 == ["multiply"])
    #expect(names.1 == ["checksum", "consistency"])
    #expect(MockRegistry.withRegistered(["calc": calc]) { ServiceCompletion.names() } == ["calc"])
  }
}
