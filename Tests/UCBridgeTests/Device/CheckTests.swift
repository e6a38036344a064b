import CUCBridge
import Testing
import UCBridge

/// A call's four counts and sizes.
struct Shape: CustomTestStringConvertible, Sendable {
  var scalarIn = 0, structIn = 0, scalarOut = 0, structOut = 0

  var testDescription: String { "(\(scalarIn), \(structIn), \(scalarOut), \(structOut))" }

  /// Every shape with one fixed count or size of `checks` off by one.
  func offByOne(_ checks: MethodChecks) -> [Shape] {
    var shapes: [Shape] = []
    func vary(_ fixed: Int?, _ field: WritableKeyPath<Shape, Int>) {
      guard let fixed else { return }
      for value in [fixed - 1, fixed + 1] where value >= 0 {
        var shape = self
        shape[keyPath: field] = value
        shapes.append(shape)
      }
    }
    vary(checks.scalarInputCount.fixed, \.scalarIn)
    vary(checks.structInputSize.fixed, \.structIn)
    vary(checks.scalarOutputCount.fixed, \.scalarOut)
    vary(checks.structOutputSize.fixed, \.structOut)
    return shapes
  }
}

extension MethodChecks.ScalarCount {
  var fixed: Int? { if case .exactly(let n) = self { n } else { nil } }
}

extension MethodChecks.StructSize {
  var fixed: Int? { if case .exactly(let n) = self { n } else { nil } }
}

/// A shape each reference method accepts (the C selftest's), and its
/// typed declaration's checks.
let validShapes: [(name: String, selector: UInt32, checks: MethodChecks, shape: Shape)] = [
  ("noop", Sel.noop, Method.noop.checks, Shape()),
  ("add", Sel.add, Method.add.checks, Shape(scalarIn: 2, scalarOut: 1)),
  ("echo", Sel.echo, Method.echo.checks, Shape(structIn: 8, structOut: 8)),
  ("checksum", Sel.checksum, Method.checksum.checks, Shape(structIn: 8, scalarOut: 2)),
  ("pathInfo", Sel.pathInfo, Method.pathInfo.checks, Shape(structIn: 1, scalarOut: 4)),
  ("fixedTransform", Sel.fixedTransform, Method.fixedTransform.checks, Shape(structIn: 24, structOut: 24)),
  ("consistency", Sel.consistency, Method.consistency.checks, Shape(structIn: 8, scalarOut: 1)),
  ("resetStats", Sel.resetStats, Method.resetStats.checks, Shape()),
  ("generate", Sel.generate, Method.generate.checks, Shape(scalarIn: 1, structOut: 8)),
  ("sink", Sel.sink, Method.sink.checks, Shape(structIn: 8)),
  ("sharedChecksum", Sel.sharedChecksum, Method.sharedChecksum.checks, Shape(scalarIn: 3, scalarOut: 3)),
  ("delayed", Sel.delayed, AsyncMethod.delayed.checks, Shape(scalarIn: 2)),
  ("asyncChecksum", Sel.asyncChecksum, AsyncMethod.asyncChecksum.checks, Shape(structIn: 8)),
  ("notify", Sel.notify, Method.notify.checks, Shape(scalarIn: 3)),
]

extension DeviceTests {
  /// The four checks: the driver refuses what the Swift checks refuse, and
  /// the typed layer refuses it before the system call.
  @Suite struct Checks {
    let device: DeviceUnderTest
    var connection: Connection { device.connection }

    init() throws { device = try DeviceUnderTest.open() }

    /// A raw call of `shape`, an async one when `async`, its completion
    /// not waited for; scalars are 0 and struct bytes "a".
    func call(
      _ selector: UInt32, _ shape: Shape, async: Bool = false
    ) throws {
      let scalars = [UInt64](repeating: 0, count: shape.scalarIn)
      let bytes = [UInt8](repeating: UInt8(ascii: "a"), count: shape.structIn)
      guard async else {
        _ = try connection.callMethod(
          selector, scalarInput: scalars, structInput: bytes,
          scalarOutputRoom: shape.scalarOut, structOutputRoom: shape.structOut)
        return
      }
      try scalars.withUnsafeBufferPointer { scalars in
        try bytes.withUnsafeBytes { bytes in
          try withUnsafeTemporaryAllocation(of: UInt64.self, capacity: shape.scalarOut) { scalarOut in
            try withUnsafeTemporaryAllocation(byteCount: shape.structOut, alignment: 8) { structOut in
              _ = try connection.submitAsyncMethod(
                selector, scalarInput: scalars, structInput: bytes,
                scalarOutput: scalarOut, structOutput: structOut) { _ in }
            }
          }
        }
      }
    }

    func validate(_ checks: MethodChecks, _ shape: Shape, _ name: String) throws(UCBridgeError) {
      try checks.validate(
        scalarInputCount: shape.scalarIn, structInputSize: shape.structIn,
        scalarOutputRoom: shape.scalarOut, structOutputRoom: shape.structOut,
        method: name)
    }

    @Test(arguments: validShapes.map(\.name))
    func validShapeSucceedsInSwiftAndInTheDriver(name: String) throws {
      let method = validShapes.first { $0.name == name }!
      try validate(method.checks, method.shape, name)
      try call(method.selector, method.shape, async: method.checks.isAsync)
    }

    @Test(arguments: validShapes.map(\.name))
    func everyFixedCountOffByOneIsRefusedByBoth(name: String) throws {
      let method = validShapes.first { $0.name == name }!
      let shapes = method.shape.offByOne(method.checks)
      #expect(!shapes.isEmpty || name == "echo")
      for shape in shapes {
        #expect(throws: UCBridgeError.ioReturn(.badArgument), "\(name) \(shape.testDescription)") {
          try call(method.selector, shape, async: method.checks.isAsync)
        }
        let error = #expect(throws: UCBridgeError.self) { try validate(method.checks, shape, name) }
        #expect(error?.badArgumentMessage?.hasPrefix("\(name): ") == true)
      }
    }

    @Test func typedLayerRefusesBeforeTheSystemCall() throws {
      // A typed declaration whose body passes the wrong count: refused in
      // Swift with a message, and the driver never sees the call.
      let brokenAdd = Method<Void, MethodOutput>(
        selector: Sel.add, name: "add", checks: Method.add.checks
      ) { _, invoke throws(UCBridgeError) in
        try invoke(scalarInput: [1, 2, 3])
      }
      let before = try connection.methodInfo(selector: Sel.add).calls
      #expect(throws: UCBridgeError.badArgument("add: 3 scalar inputs, the method takes exactly 2")) {
        try connection.call(brokenAdd)
      }
      #expect(try connection.methodInfo(selector: Sel.add).calls == before)

      let shortRoom = Method<Void, MethodOutput>(
        selector: Sel.fixedTransform, name: "fixedTransform",
        checks: Method.fixedTransform.checks
      ) { _, invoke throws(UCBridgeError) in
        try invoke(structInput: [UInt8](repeating: 0, count: 24), structOutputRoom: 23)
      }
      #expect(throws: UCBridgeError.badArgument(
        "fixedTransform: struct output room of 23 bytes, the method takes exactly 24")) {
        try connection.call(shortRoom)
      }
    }

    @Test func liveTableAgreesWithTheDeclarations() throws {
      let max = try device.maxStructSize
      func live(_ checks: MethodChecks) -> MethodChecks {
        var checks = checks
        if case .variable(let own) = checks.structInputSize {
          checks.structInputSize = .variable(max: min(own, max))
        }
        if case .variable(let own) = checks.structOutputSize {
          checks.structOutputSize = .variable(max: min(own, max))
        }
        return checks
      }
      let methods = try connection.methods()
      #expect(methods.map(\.name) == validShapes.map(\.name))
      for (info, declared) in zip(methods, validShapes) {
        #expect(info.selector == declared.selector)
        #expect(info.checks == live(declared.checks), "\(info.name)")
      }
    }

    @Test func variableInputOverTheLiveMaximum() throws {
      let max = try device.maxStructSize
      let over = [UInt8](repeating: 1, count: max + 1)
      // The declaration's maximum is the method's own (64 MiB): the driver
      // refuses, by its max_struct_size.
      #expect(throws: UCBridgeError.ioReturn(.badArgument)) {
        try connection.call(.checksum, over)
      }
      // Checks read from the live table refuse it in Swift.
      let live = try connection.methodInfo(selector: Sel.checksum).checks
      let liveChecksum = Method<[UInt8], MethodOutput>(
        selector: Sel.checksum, name: "checksum", checks: live
      ) { input, invoke throws(UCBridgeError) in
        try invoke(structInput: input)
      }
      #expect(throws: UCBridgeError.badArgument(
        "checksum: struct input of \(max + 1) bytes, the method takes 0 to \(max)")) {
        try connection.call(liveChecksum, over)
      }
      #expect(try connection.call(liveChecksum, [UInt8](repeating: 1, count: max)).scalars.count == 2)
    }

    @Test func variableOutputRoomOverTheMaximumIsClampedNotRefused() throws {
      let max = try device.maxStructSize
      let output = try connection.callMethod(
        Sel.generate, scalarInput: [10], structOutputRoom: max + 4096)
      #expect(output.structBytes.count == 10)
    }
  }
}
