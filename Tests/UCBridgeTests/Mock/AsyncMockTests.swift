import CUCBridge
import Testing
import UCBridge
import UCBridgeMock

/// Async calls when the driver goes away under them, which only the mock
/// can make happen inside a test.
@Suite(.mockOnly, .timeLimit(.minutes(1))) struct AsyncWhenTheDriverGoes {
  @Test func unregisterAbortsPendingCallsAndEndsTheReader() async throws {
    let device = try MockDevice()
    let connection = device.connect()
    defer { try? connection.close() }
    let done = CompletionCollector()
    var pending: Set<UInt64> = []
    for value in 0..<UInt64(50) {
      pending.insert(try connection.submitAwaitingNothing(
        Sel.delayed, reference: [value], scalars: [DeviceTests.AsyncCalls.longDelay, value],
        into: done))
    }
    let notes = connection.notifications
    device.unregister()
    // The driver cancelled them; their completions stay readable.
    let completions = await done.next(pending.count)
    #expect(Set(completions.map(\.id)) == pending)
    #expect(completions.allSatisfy { $0.result == .aborted })
    var notified = 0
    for await _ in notes { notified += 1 }
    #expect(notified == 0, "the reader ends, and the sequence with it")
    #expect(throws: UCBridgeError.errno(.operationNotSupportedByDevice)) {
      try connection.submitAwaitingNothing(Sel.delayed, scalars: [0, 0], into: done)
    }
    var late = 0
    for await _ in connection.notifications { late += 1 }
    #expect(late == 0, "a subscription after the end ends at once")
  }

  @Test func aCompletionHandlerMayCloseItsConnection() async throws {
    let device = try MockDevice()
    let connection = device.connect()
    let done = CompletionCollector()
    let pending = try connection.submitAwaitingNothing(
      Sel.delayed, scalars: [DeviceTests.AsyncCalls.longDelay, 1], into: done)
    let closing = CompletionCollector()
    try [UInt64(0), 2].withUnsafeBufferPointer { scalars in
      _ = try connection.submitAsyncMethod(
        Sel.delayed, scalarInput: scalars, structInput: UnsafeRawBufferPointer(start: nil, count: 0),
        scalarOutput: UnsafeMutableBufferPointer(start: nil, count: 0),
        structOutput: UnsafeMutableRawBufferPointer(start: nil, count: 0)
      ) { completion in
        // On the event reader: closing here must not wait for it.
        try? connection.close()
        closing.handler(completion)
      }
    }
    #expect(await closing.next().arguments == [2])
    let aborted = await done.next()
    #expect(aborted.id == pending && aborted.result == .aborted)
    #expect(try device.connect().driverInfo().liveBuffers == 0)
  }

  /// The event reader does not keep its connection: dropping the last
  /// reference closes it as close() does, pending calls end as aborted and
  /// the driver holds nothing of them.
  @Test func theLastReferenceGoingAwayClosesAConnectionWithAReader() async throws {
    let device = try MockDevice()
    let done = CompletionCollector()
    var pending: Set<UInt64> = []
    do {
      let connection = device.connect()
      for value in 0..<UInt64(8) {
        pending.insert(try connection.submitAwaitingNothing(
          Sel.delayed, reference: [value], scalars: [DeviceTests.AsyncCalls.longDelay, value],
          into: done))
      }
    }
    let completions = await done.next(pending.count)
    #expect(Set(completions.map(\.id)) == pending)
    #expect(completions.allSatisfy { $0.result == .aborted })
    #expect(try device.connect().driverInfo().liveBuffers == 0)
  }
}

@Suite(.mockOnly) struct AsyncInSwiftMockDrivers {
  @Test func anAsyncSwiftMethodIsRefused() {
    let method = MockMethod(
      selector: 0, name: "later", checks: MethodChecks(isAsync: true)
    ) { _ in .success }
    #expect(throws: UCBridgeError.badArgument(
      "later: async methods are not supported in Swift mock drivers")) {
      try MockDevice(name: "later", methods: [method])
    }
  }
}
