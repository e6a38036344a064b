import CUCBridge
import Testing
import UCBridge
import UCBridgeMock

@testable import UCBridgeConformance
import UCBridgeTestSupport

/// Positive controls: a driver that breaks the ABI in each way the corpus
/// checks for makes the case that looks fail, with a problem saying so.
@Suite(.hostOnly) struct CheckingTests {
  /// Runs one corpus case on `connection` and returns its problems.
  private func problems(of name: String, on connection: Connection) throws -> [String] {
    let testCase = try #require(ConformanceCorpus.reference.first { $0.name == name })
    let context = CaseContext(
      connection: connection, fixture: try PathFixture(),
      connect: { () throws(ConformanceError) -> Connection in
        throw ConformanceError("these controls open no second connection")
      })
    return testCase.run(in: context).problems
  }

  /// Runs one corpus case, whose connections are each a new one `open`
  /// makes, and returns its problems.
  private func problems(
    of name: String, connecting open: @escaping @Sendable () throws -> Connection
  ) throws -> [String] {
    let testCase = try #require(ConformanceCorpus.reference.first { $0.name == name })
    let context = CaseContext(
      connection: try open(), fixture: try PathFixture(),
      connect: { () throws(ConformanceError) -> Connection in
        do { return try open() } catch { throw ConformanceError("\(error)") }
      })
    return testCase.run(in: context).problems
  }

  /// Whether one of `problems` contains `text`.
  private func mentions(_ problems: [String], _ text: String) -> Bool {
    problems.contains { $0.contains(text) }
  }

  @Test func theReferenceMockPassesTheCasesTheControlsUse() throws {
    let connection = try MockDevice().connect(privileged: true)
    for name in [
      "echo/struct_in=4097/room=larger", "add/40+2", "echo/struct_in=4097/room=short",
      "call-header/write_back/success", "call-header/write_back/overrun", "driver-info/size=80/tail=zero",
      "method-info/echo", "noop/valid",
    ] {
      #expect(try problems(of: name, on: connection).isEmpty, "\(name)")
    }
  }

  @Test func anotherOutcomeFails() throws {
    let device = try MockDevice()
    device.injectFault(.ioReturn(.error), selector: ReferenceTable.noop)
    let found = try problems(of: "noop/valid", on: device.connect(privileged: true))
    #expect(found.first == "expected kIOReturnSuccess, got kIOReturnError")
  }

  @Test func anErrnoInsteadOfAResultFails() throws {
    let device = try MockDevice()
    device.injectFault(.errno(.noMemory), selector: ReferenceTable.add)
    let found = try problems(of: "add/40+2", on: device.connect(privileged: true))
    #expect(found.first == "expected kIOReturnSuccess, got ENOMEM")
  }

  @Test func aWrongOutputScalarFails() throws {
    let connection = try TamperingTransport.connection { request, argument in
      let call = callHeader(at: argument).pointee
      guard request == ucb_ioc_call, call.result == 0, call.scalar_out_count == 1 else { return }
      UnsafeMutablePointer<UInt64>(bitPattern: UInt(call.scalar_out))!.pointee += 1
    }
    #expect(mentions(try problems(of: "add/40+2", on: connection), "output scalars [0x2b], expected [0x2a]"))
  }

  @Test func wrongOutputBytesFail() throws {
    let connection = try TamperingTransport.connection { request, argument in
      let call = callHeader(at: argument).pointee
      guard request == ucb_ioc_call, call.result == 0, call.struct_out_size > 0 else { return }
      UnsafeMutablePointer<UInt8>(bitPattern: UInt(call.struct_out))!.pointee ^= 1
    }
    #expect(mentions(try problems(of: "echo/struct_in=4097/room=larger", on: connection), "is not the expected 4097 bytes"))
  }

  @Test func outputPastTheReportedCountFails() throws {
    let connection = try TamperingTransport.connection { request, argument in
      let call = callHeader(at: argument).pointee
      guard request == ucb_ioc_call, call.result == 0 else { return }
      UnsafeMutablePointer<UInt8>(bitPattern: UInt(call.struct_out + UInt64(call.struct_out_size)))!
        .pointee = 0
    }
    #expect(mentions(try problems(of: "echo/struct_in=4097/room=larger", on: connection), "past the counts it reported"))
  }

  @Test func outputOnFailureFails() throws {
    let connection = try TamperingTransport.connection { request, argument in
      let call = callHeader(at: argument).pointee
      guard request == ucb_ioc_call, call.result != 0 else { return }
      UnsafeMutablePointer<UInt8>(bitPattern: UInt(call.struct_out))!.pointee = 0
    }
    #expect(mentions(try problems(of: "echo/struct_in=4097/room=short", on: connection), "the call failed but output was written"))
  }

  @Test func countsOnFailureFail() throws {
    let connection = try TamperingTransport.connection { request, argument in
      guard request == ucb_ioc_call, callHeader(at: argument).pointee.result != 0 else { return }
      callHeader(at: argument).pointee.struct_out_size = 1
    }
    #expect(mentions(try problems(of: "call-header/write_back/overrun", on: connection), "with output counts 0 and 1, not 0"))
  }

  @Test func headerWritesBeyondTheWriteBackFail() throws {
    let connection = try TamperingTransport.connection { request, argument in
      guard request == ucb_ioc_call else { return }
      callHeader(at: argument).pointee.selector ^= 0x100
    }
    #expect(mentions(try problems(of: "call-header/write_back/success", on: connection), "header bytes other than result"))
  }

  @Test func writesIntoTheInputsFail() throws {
    let connection = try TamperingTransport.connection { request, argument in
      let call = callHeader(at: argument).pointee
      guard request == ucb_ioc_call, call.struct_in_size > 0 else { return }
      UnsafeMutablePointer<UInt8>(bitPattern: UInt(call.struct_in))!.pointee ^= 1
    }
    #expect(mentions(try problems(of: "echo/struct_in=4097/room=larger", on: connection), "wrote into the call's inputs"))
  }

  @Test func aWrongDriverDescriptionFailsNamingTheField() throws {
    let connection = try TamperingTransport.connection { request, argument in
      guard request == ucb_ioc_driver_info else { return }
      argument.assumingMemoryBound(to: ucb_driver_info.self).pointee.live_buffers = 3
    }
    #expect(try problems(of: "final/driver-info", on: connection) == ["live_buffers 0x3, expected 0x0"])
  }

  @Test func introspectionWritingPastItsStructureFails() throws {
    let connection = try TamperingTransport.connection { request, argument in
      guard request == ucb_ioc_driver_info else { return }
      argument.storeBytes(of: 0xff, toByteOffset: MemoryLayout<ucb_driver_info>.size, as: UInt8.self)
    }
    #expect(mentions(try problems(of: "driver-info/size=80/tail=zero", on: connection), "wrote past the 72 bytes"))
  }

  @Test func aWrongTableEntryFails() throws {
    let connection = try TamperingTransport.connection { request, argument in
      guard request == ucb_ioc_method_info else { return }
      argument.assumingMemoryBound(to: ucb_method_info.self).pointee.struct_in_max -= 1
    }
    #expect(try problems(of: "method-info/echo", on: connection) == ["struct_in_max 0xfffff, expected 0x100000"])
  }
}

/// Positive controls of the async cases: a driver that changes what a
/// completion or notification carries, or writes a refused call's id,
/// makes the case that looks fail.
extension CheckingTests {
  @Test func theReferenceMockPassesTheAsyncCasesTheControlsUse() throws {
    for name in ["call-async/size=88", "call-async/sync_method/noop", "notify/count=3", "events/two_in_one_read"] {
      #expect(try problems(of: name, connecting: { try TamperingTransport.connection() }) == [], "\(name)")
    }
  }

  @Test func aChangedReferenceWordFails() throws {
    let problems = try problems(of: "call-async/size=88", connecting: {
      try TamperingTransport.connection(tamperEvents: { records in
        records.withMemoryRebound(to: ucb_event.self) { $0[0].reference.7 ^= 1 }
      })
    })
    #expect(problems.contains { $0.hasPrefix("completion ") && $0.contains("reference") })
  }

  @Test func aRefusedCallsWrittenIdFails() throws {
    let problems = try problems(of: "call-async/sync_method/noop", connecting: {
      try TamperingTransport.connection(tamper: { request, argument in
        guard request == ucb_ioc_call_async else { return }
        argument.assumingMemoryBound(to: ucb_async_call.self).pointee.id = 1
      })
    })
    #expect(problems.contains("a refused call's id was written"))
  }

  @Test func notificationsOutOfOrderFail() throws {
    let problems = try problems(of: "notify/count=3", connecting: {
      try TamperingTransport.connection(tamperEvents: { records in
        records.withMemoryRebound(to: ucb_event.self) { $0[0].id += 1 }
      })
    })
    #expect(problems.contains { $0.hasPrefix("notification 0:") })
  }

  @Test func eventsReadOutOfOrderFail() throws {
    let problems = try problems(of: "events/two_in_one_read", connecting: {
      try TamperingTransport.connection(tamperEvents: { records in
        guard records.count == 2 * MemoryLayout<ucb_event>.size else { return }
        records.withMemoryRebound(to: ucb_event.self) { $0.swapAt(0, 1) }
      })
    })
    #expect(problems.contains { $0.hasPrefix("events came as ids") })
  }
}

/// The corpus states each case's outcome by hand; ucprobe's fuzzer works
/// its expectations out from the ABI's rules (`ABIExpectation`).  Every
/// call case planned before it runs must expect an outcome those rules
/// allow, so that the two statements cannot drift apart.
@Suite struct CorpusFollowsTheABIRules {
  @Test func everyPlannedCallExpectsWhatTheRulesAllow() throws {
    var tables: [Int: [MethodInfo]] = [:]
    var checked = 0
    for testCase in ConformanceCorpus.reference {
      guard let call = testCase.call else { continue }
      if tables[testCase.maxStructSize] == nil {
        tables[testCase.maxStructSize] = try MockDevice(maxStructSize: testCase.maxStructSize)
          .connect(privileged: true).methods()
      }
      // A call, whose rules no memory type enters.
      let allowed = ABIExpectation.of(
        call.shape, methods: tables[testCase.maxStructSize]!, memoryTypeCount: 0)
      #expect(allowed.allows(testCase.expected), "\(testCase.name): \(testCase.expected.name)")
      checked += 1
    }
    #expect(checked > 100, "only \(checked) cases planned before they run")
  }
}
