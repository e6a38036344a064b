import CUCBridge
import SystemPackage
import Testing
import UCBridge
import UCBridgeMock

/// A driver's own method, declared once for the app and the mock.
struct Config: BitwiseCopyable, Equatable {
  var mode: UInt32
  var flags: UInt32
  var limit: UInt64
}

extension Method where Input == (Config, UInt64), Output == Config {
  /// Takes a Config and a scale; returns the Config with its limit scaled.
  static var configure: Self {
    let size = MemoryLayout<Config>.size
    return Method(
      selector: 1, name: "configure",
      checks: MethodChecks(scalarInputCount: .exactly(1), structInputSize: .exactly(size),
                           structOutputSize: .exactly(size))
    ) { input, invoke throws(UCBridgeError) in
      try invoke(scalarInput: [input.1], structValue: input.0).structBytes(as: Config.self)
    }
  }
}

@Suite(.mockOnly) struct CustomDrivers {
  /// Counts handler runs, to prove refused calls never reach them.
  let runs = SharedCounter()

  func makeDevice() throws -> MockDevice {
    let runs = runs
    let multiply = MockMethod(
      selector: 0, name: "multiply",
      checks: MethodChecks(scalarInputCount: .exactly(2), scalarOutputCount: .exactly(1))
    ) { call in
      runs.increment()
      let input = call.scalarInput
      call.setScalarOutput([input[0] &* input[1]])
      return .success
    }
    let configure = MockMethod(.configure) { call in
      runs.increment()
      var config = call.structInput(as: Config.self)
      config.limit &*= call.scalarInput[0]
      call.setStructOutput(value: config)
      return .success
    }
    let reverse = MockMethod(
      selector: 2, name: "reverse",
      checks: MethodChecks(structInputSize: .variable(max: 100), structOutputSize: .variable(max: 100))
    ) { call in
      runs.increment()
      let input = call.structInput
      guard call.structOutputCapacity >= input.count else { return .overrun }
      call.setStructOutput(input.reversed() as [UInt8])
      return .success
    }
    let secret = MockMethod(
      selector: 3, name: "secret", checks: MethodChecks(scalarOutputCount: .exactly(1)),
      requiresAdmin: true
    ) { call in
      call.setScalarOutput([call.callerIsPrivileged ? 7 : 0])
      return .success
    }
    let greedyScalars = MockMethod(
      selector: 4, name: "greedyScalars", checks: MethodChecks(scalarOutputCount: .variable)
    ) { call in
      call.setScalarOutput([UInt64](repeating: 1, count: call.scalarOutputCapacity + 1))
      return .success
    }
    let greedyStruct = MockMethod(
      selector: 5, name: "greedyStruct",
      checks: MethodChecks(structOutputSize: .variable(max: 16))
    ) { call in
      call.withStructOutput { room in
        room.initializeMemory(as: UInt8.self, repeating: 0xee)
        return room.count + 1
      }
      return .success
    }
    let failing = MockMethod(
      selector: 6, name: "failing", checks: MethodChecks(scalarOutputCount: .exactly(1))
    ) { call in
      call.setScalarOutput([99])
      return .deviceError
    }
    // Declared out of order: selectors, not positions, index the table.
    return try MockDevice(
      name: "custom", version: 0x010203,
      methods: [configure, multiply, reverse, secret, greedyScalars, greedyStruct, failing])
  }

  @Test func swiftHandlersRunBehindTheCoreChecks() throws {
    let connection = try makeDevice().connect()
    #expect(try connection.callMethod(0, scalarInput: [6, 7], scalarOutputRoom: 1).scalars == [42])
    #expect(runs.value == 1)
    #expect(throws: UCBridgeError.ioReturn(.badArgument)) {
      try connection.callMethod(0, scalarInput: [6], scalarOutputRoom: 1)
    }
    #expect(throws: UCBridgeError.ioReturn(.badArgument)) {
      try connection.callMethod(2, structInput: [UInt8](repeating: 1, count: 101), structOutputRoom: 101)
    }
    #expect(runs.value == 1, "refused calls never reach the handler")
    #expect(try connection.callMethod(2, structInput: [1, 2, 3] as [UInt8], structOutputRoom: 10).structBytes == [3, 2, 1])
    #expect(throws: UCBridgeError.ioReturn(.overrun)) {
      try connection.callMethod(2, structInput: [1, 2, 3] as [UInt8], structOutputRoom: 2)
    }
  }

  @Test func typedMethodRoundTrip() throws {
    let connection = try makeDevice().connect()
    let config = try connection.call(.configure, Config(mode: 1, flags: 2, limit: 21), 2)
    #expect(config == Config(mode: 1, flags: 2, limit: 42))
  }

  @Test func adminOnlyMethod() throws {
    let device = try makeDevice()
    #expect(throws: UCBridgeError.ioReturn(.notPrivileged)) {
      try device.connect(privileged: false).callMethod(3, scalarOutputRoom: 1)
    }
    #expect(try device.connect(privileged: true).callMethod(3, scalarOutputRoom: 1).scalars == [7])
  }

  @Test func claimingMoreThanTheRoomIsInternalError() throws {
    let connection = try makeDevice().connect()
    var scalars: [UInt64] = [0, 0, 0]
    #expect(throws: UCBridgeError.ioReturn(.internalError)) {
      try scalars.withUnsafeMutableBufferPointer { scalars in
        try connection.callMethod(
          4, scalarInput: UnsafeBufferPointer(start: nil, count: 0),
          structInput: UnsafeRawBufferPointer(start: nil, count: 0),
          scalarOutput: UnsafeMutableBufferPointer(rebasing: scalars[..<2]),
          structOutput: UnsafeMutableRawBufferPointer(start: nil, count: 0))
      }
    }
    #expect(scalars == [0, 0, 0], "nothing written back")
    var bytes = [UInt8](repeating: 0, count: 32)
    #expect(throws: UCBridgeError.ioReturn(.internalError)) {
      try bytes.withUnsafeMutableBytes { try connection.callMethodWritingStruct(5, into: $0) }
    }
    #expect(bytes.allSatisfy { $0 == 0 })
  }

  @Test func failedHandlerOutputIsNotDelivered() throws {
    let connection = try makeDevice().connect()
    #expect(throws: UCBridgeError.ioReturn(.deviceError)) {
      try connection.callMethod(6, scalarOutputRoom: 1)
    }
    let info = try connection.methodInfo(selector: 6)
    #expect(info.calls == 1 && info.errors == 1)
  }

  @Test func introspection() throws {
    let connection = try makeDevice().connect()
    let info = try connection.driverInfo()
    #expect(info.name == "custom" && info.versionString == "1.2.3" && info.methodCount == 7)
    let methods = try connection.methods()
    #expect(methods.map(\.name) == ["multiply", "configure", "reverse", "secret",
                                     "greedyScalars", "greedyStruct", "failing"])
    #expect(methods[1].checks == Method.configure.checks)
    #expect(methods[2].checks.structInputSize == .variable(max: 100))
    #expect(methods[3].requiresAdmin)
  }

  @Test func coreRefusesMalformedTables() throws {
    func device(_ method: MockMethod) throws(UCBridgeError) -> MockDevice {
      try MockDevice(name: "bad", methods: [method])
    }
    let handler: MockMethod.Handler = { _ in .success }
    #expect(throws: UCBridgeError.errno(.invalidArgument), "name of 32 bytes") {
      try device(MockMethod(selector: 0, name: String(repeating: "n", count: 32),
                            checks: MethodChecks(), handler: handler))
    }
    #expect(throws: UCBridgeError.errno(.invalidArgument), "17 scalars") {
      try device(MockMethod(selector: 0, name: "m",
                            checks: MethodChecks(scalarInputCount: .exactly(17)), handler: handler))
    }
    #expect(throws: UCBridgeError.errno(.invalidArgument), "maximum over the limit") {
      try device(MockMethod(selector: 0, name: "m",
                            checks: MethodChecks(structInputSize: .variable(max: Int(UCB_STRUCT_SIZE_LIMIT) + 1)),
                            handler: handler))
    }
    #expect(throws: UCBridgeError.errno(.invalidArgument), "no methods") {
      try MockDevice(name: "empty", methods: [])
    }
    #expect(throws: UCBridgeError.badArgument("m: -1 is not a count or size")) {
      try device(MockMethod(selector: 0, name: "m",
                            checks: MethodChecks(structInputSize: .exactly(-1)), handler: handler))
    }
    #expect(throws: UCBridgeError.badArgument("mock driver gap: selectors must be 0 to 1, each once")) {
      try MockDevice(name: "gap", methods: [
        MockMethod(selector: 0, name: "a", checks: MethodChecks(), handler: handler),
        MockMethod(selector: 2, name: "b", checks: MethodChecks(), handler: handler),
      ])
    }
  }

  @Test func deviceOutlivesItsLastReferenceWhileConnected() throws {
    var device: MockDevice? = try makeDevice()
    let connection = device!.connect()
    weak let weakDevice = device
    device = nil
    #expect(weakDevice != nil, "a connection keeps its device alive")
    #expect(try connection.callMethod(0, scalarInput: [2, 3], scalarOutputRoom: 1).scalars == [6])
    try connection.close()
  }
}

@Suite(.mockOnly) struct MockDeviceSettings {
  @Test func maxStructSizeRange() throws {
    #expect(throws: UCBridgeError.errno(.invalidArgument)) { try MockDevice(maxStructSize: 4095) }
    let device = try MockDevice(maxStructSize: 4096)
    #expect(device.maxStructSize == 4096)
    #expect(throws: UCBridgeError.errno(.invalidArgument)) {
      try device.setMaxStructSize(Int(UCB_STRUCT_SIZE_LIMIT) + 1)
    }
    try device.setMaxStructSize(Int(UCB_STRUCT_SIZE_LIMIT))
    #expect(try device.connect().driverInfo().maxStructSize == Int(UCB_STRUCT_SIZE_LIMIT))
  }

  @Test func defaultIsTheModuleDefault() throws {
    #expect(try MockDevice().maxStructSize == 1 << 20)
  }
}
