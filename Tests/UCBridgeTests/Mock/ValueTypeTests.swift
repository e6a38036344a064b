import CUCBridge
import SystemPackage
import Testing
import UCBridge

@Suite struct IOReturnValues {
  @Test func namesAndDescriptions() {
    #expect(IOReturn.badArgument.rawValue == 0xe000_02c2)
    #expect(IOReturn.badArgument.name == "kIOReturnBadArgument")
    #expect(IOReturn.badArgument.description == "kIOReturnBadArgument (0xe00002c2): invalid argument")
    #expect(IOReturn.success.description == "kIOReturnSuccess (0x00000000): OK")
    #expect(IOReturn.notPrivileged.name == "kIOReturnNotPrivileged")
    #expect(IOReturn.invalid.rawValue == 0xe000_0001)
    #expect(IOReturn(rawValue: 0xe000_1234).name == "0xe0001234")
    #expect(IOReturn(rawValue: 0xe000_1234).description == "IOReturn 0xe0001234")
  }

  /// Every named code of the ABI header has a distinct IOKit name.
  @Test func everyHeaderCodeIsNamed() {
    let codes: [IOReturn] = [
      .success, .error, .noMemory, .noResources, .ipcError, .noDevice, .notPrivileged,
      .badArgument, .lockedRead, .lockedWrite, .exclusiveAccess, .badMessageID,
      .unsupported, .vmError, .internalError, .ioError, .cannotLock, .notOpen,
      .notReadable, .notWritable, .notAligned, .badMedia, .stillOpen, .rldError,
      .dmaError, .busy, .timeout, .offline, .notReady, .notAttached, .noChannels,
      .noSpace, .portExists, .cannotWire, .noInterrupt, .noFrames, .messageTooLarge,
      .notPermitted, .noPower, .noMedia, .unformattedMedia, .unsupportedMode,
      .underrun, .overrun, .deviceError, .noCompletion, .aborted, .noBandwidth,
      .notResponding, .isoTooOld, .isoTooNew, .notFound, .invalid,
    ]
    #expect(Set(codes).count == codes.count)
    #expect(Set(codes.map(\.name)).count == codes.count)
    #expect(codes.allSatisfy { $0.name.hasPrefix("kIOReturn") })
  }

  @Test func errorDescriptions() {
    #expect(UCBridgeError.ioReturn(.overrun).description == "kIOReturnOverrun (0xe00002e8): data overrun")
    #expect(UCBridgeError.badArgument("add: 3 scalar inputs").description == "bad argument: add: 3 scalar inputs")
    #expect(UCBridgeError.errno(.badAddress).description.hasSuffix("(errno 14)"))
  }

  @Test func catchingByCase() {
    func fails() throws(UCBridgeError) { throw .ioReturn(.notPrivileged) }
    var caught = false
    do {
      try fails()
    } catch .ioReturn(.notPrivileged) {
      caught = true
    } catch {}
    #expect(caught)
  }
}

@Suite struct MethodChecksRules {
  let checks = MethodChecks(
    scalarInputCount: .exactly(2), structInputSize: .variable(max: 100),
    scalarOutputCount: .variable, structOutputSize: .exactly(8))

  func validate(_ scalarIn: Int, _ structIn: Int, _ scalarOut: Int, _ structOut: Int) throws(UCBridgeError) {
    try checks.validate(
      scalarInputCount: scalarIn, structInputSize: structIn,
      scalarOutputRoom: scalarOut, structOutputRoom: structOut, method: "m")
  }

  @Test func accepts() throws {
    try validate(2, 0, 0, 8)
    try validate(2, 100, 16, 8)
  }

  @Test(arguments: [
    (1, 0, 0, 8, "m: 1 scalar inputs, the method takes exactly 2"),
    (3, 0, 0, 8, "m: 3 scalar inputs, the method takes exactly 2"),
    (2, 101, 0, 8, "m: struct input of 101 bytes, the method takes 0 to 100"),
    (2, 0, 17, 8, "m: 17 scalar outputs, a call carries 0 to 16"),
    (2, 0, 0, 7, "m: struct output room of 7 bytes, the method takes exactly 8"),
    (2, 0, 0, 9, "m: struct output room of 9 bytes, the method takes exactly 8"),
    (3, 101, 17, 9, "m: 3 scalar inputs, the method takes exactly 2"),
  ])
  func refuses(scalarIn: Int, structIn: Int, scalarOut: Int, structOut: Int, message: String) {
    #expect(throws: UCBridgeError.badArgument(message)) {
      try validate(scalarIn, structIn, scalarOut, structOut)
    }
  }

  @Test func variableOutputRoomIsNeverRefused() throws {
    let output = MethodChecks(structOutputSize: .variable(max: 10))
    try output.validate(
      scalarInputCount: 0, structInputSize: 0, scalarOutputRoom: 0,
      structOutputRoom: 1 << 30, method: "m")
  }

  /// The checks are stored packed (see `MethodChecks.storage`): every
  /// value reads back as set, whatever its range, and checks that read the
  /// same are equal.
  @Test func everyCheckReadsBackAsSetAndEqualChecksAreEqual() {
    let counts: [MethodChecks.ScalarCount] = [.exactly(0), .exactly(-1), .exactly(17), .exactly(.max), .variable]
    let sizes: [MethodChecks.StructSize] = [.exactly(0), .exactly(.min), .variable(max: 0), .variable(max: .max)]
    for scalarIn in counts {
      for structIn in sizes {
        for (scalarOut, structOut) in zip(counts.reversed(), sizes.reversed()) {
          for isAsync in [false, true] {
            var checks = MethodChecks(
              scalarInputCount: scalarIn, structInputSize: structIn,
              scalarOutputCount: scalarOut, structOutputSize: structOut, isAsync: isAsync)
            #expect(checks.scalarInputCount == scalarIn && checks.structInputSize == structIn)
            #expect(checks.scalarOutputCount == scalarOut && checks.structOutputSize == structOut)
            #expect(checks.isAsync == isAsync)
            // Through other values and back: the same checks again.
            let original = checks
            checks.scalarInputCount = .variable
            checks.structOutputSize = .exactly(3)
            checks.isAsync.toggle()
            #expect(checks != original || (scalarIn == .variable && structOut == .exactly(3)))
            checks.scalarInputCount = scalarIn
            checks.structOutputSize = structOut
            checks.isAsync = isAsync
            #expect(checks == original && checks.hashValue == original.hashValue)
          }
        }
      }
    }
    // A variable scalar count reached from a fixed one equals one made so.
    var changed = MethodChecks(scalarInputCount: .exactly(5), scalarOutputCount: .exactly(7))
    changed.scalarInputCount = .variable
    changed.scalarOutputCount = .variable
    #expect(changed == MethodChecks(scalarInputCount: .variable, scalarOutputCount: .variable))
  }
}

@Suite struct MethodOutputDecoding {
  @Test func missingScalarsAndBytesReadAsZero() {
    let output = MethodOutput(scalars: [5], structBytes: [1, 0, 0, 0])
    #expect(output.scalar(at: 0) == 5 && output.scalar(at: 3) == 0)
    let transform = output.structBytes(as: ucb_transform.self)
    #expect(transform.a == 1 && transform.b == 0 && transform.c == 0)
  }
}
