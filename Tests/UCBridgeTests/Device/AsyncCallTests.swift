import CUCBridge
import Synchronization
import Testing
import UCBridge

extension DeviceTests {
  /// Async calls and notifications through the callback layer, the async
  /// layer and the typed methods, on the mock or the real device.  Every
  /// wait is for an event the test caused; none is timed (the time limit
  /// only turns a lost completion, which would hang, into a failure).
  @Suite(.timeLimit(.minutes(1))) final class AsyncCalls {
    let device: DeviceUnderTest
    var connection: Connection { device.connection }

    init() throws { device = try DeviceUnderTest.open() }

    // An event reader holds its connection open until it is closed.
    deinit { try? connection.close() }

    /// The longest delay the delayed method takes: long enough that only
    /// a cancellation, a close or the driver going ends the call.
    static var longDelay: UInt64 { UInt64(UCB_DELAYED_MAX_DELAY_US) }

    @Test func aCompletionCarriesTheValueAndTheReferenceWordsUntouched() async throws {
      let reference: [UInt64] = [.max, 0, 1, 0x0123_4567_89ab_cdef, 5, 6, 7, 8]
      let (id, completion) = try await connection.submitAwaitingCompletion(
        Sel.delayed, reference: reference, scalars: [0, 0xfeed])
      #expect(completion == AsyncCompletion(
        id: id, selector: Sel.delayed, result: .success, arguments: [0xfeed],
        reference: reference))

      let short = try await connection.submitAwaitingCompletion(
        Sel.delayed, reference: [42], scalars: [100, 7])
      #expect(short.completion.reference == [42, 0, 0, 0, 0, 0, 0, 0], "zero-padded")
      #expect(short.completion.arguments == [7])
      #expect(short.id != id)

      let checksum = try await connection.submitAwaitingCompletion(
        Sel.asyncChecksum, reference: [3], bytes: Array("123456789".utf8)).completion
      #expect(checksum.arguments == [0xe306_9283, 9])
      #expect(checksum.selector == Sel.asyncChecksum)
    }

    @Test func typedAsyncMethods() async throws {
      #expect(try await connection.call(.delayed, 0, 42) == 42)
      #expect(try await connection.call(.delayed, (1000, .max)) == .max)
      for size in [0, 1, 4095, 4096, 65536] {
        let bytes = pattern(size)
        let checksum = try await connection.call(.asyncChecksum, bytes)
        #expect(checksum == Checksum(crc32c: referenceCRC32C(bytes), length: size))
        #expect(checksum == (try connection.call(.checksum, bytes)))
      }
      await #expect(throws: UCBridgeError.ioReturn(.badArgument), "a delay over the maximum") {
        try await self.connection.call(.delayed, Self.longDelay + 1, 0)
      }
    }

    @Test func theWrongKindOfCallIsABadArgument() async throws {
      #expect(throws: UCBridgeError.ioReturn(.badArgument), "sync call of an async method") {
        try self.connection.callMethod(Sel.delayed, scalarInput: [0, 1])
      }
      let ran = SharedCounter()
      #expect(throws: UCBridgeError.ioReturn(.badArgument), "async call of a sync method") {
        try [UInt64(1), 2].withUnsafeBufferPointer { scalars in
          try withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 1) { output in
            _ = try self.connection.submitAsyncMethod(
              Sel.add, scalarInput: scalars, structInput: UnsafeRawBufferPointer(start: nil, count: 0),
              scalarOutput: output, structOutput: UnsafeMutableRawBufferPointer(start: nil, count: 0)
            ) { _ in ran.increment() }
          }
        }
      }
      #expect(throws: UCBridgeError.badArgument(
        "9 reference words: an async call carries at most \(UCB_ASYNC_REFERENCE_WORDS)")) {
        try self.connection.submitAwaitingNothing(Sel.delayed, reference: Array(0..<9), scalars: [0, 0])
      }
      // Completions come in the order methods complete: one submitted
      // after the refusals comes after anything those could have sent.
      _ = try await connection.call(.delayed, 0, 0)
      #expect(ran.value == 0, "a refused call's completion never runs")
      // The typed layer's checks hold for async methods as well.
      await #expect(throws: UCBridgeError.badArgument("delayed: 1 scalar inputs, the method takes exactly 2")) {
        let broken = AsyncMethod<Void, UInt64>(
          selector: Sel.delayed, name: "delayed", checks: AsyncMethod.delayed.checks
        ) { _, invoke throws(UCBridgeError) in
          try await invoke.completion(scalarInput: [1]).argument(at: 0)
        }
        _ = try await broken.invoke((), on: self.connection)
      }
    }

    @Test func introspectionShowsWhichMethodsAreAsync() throws {
      let methods = try connection.methods()
      let async = methods.filter { $0.flags.contains(.async) }.map(\.name)
      #expect(async == ["delayed", "asyncChecksum"])
      #expect(methods.allSatisfy { $0.checks.isAsync == $0.flags.contains(.async) })
    }

    @Test func cancelEndsAPendingCallAsAborted() async throws {
      let done = CompletionCollector()
      let id = try connection.submitAwaitingNothing(
        Sel.delayed, reference: [9], scalars: [Self.longDelay, 1], into: done)
      try connection.cancelAsyncCall(id)
      let completion = await done.next()
      #expect(completion.id == id && completion.result == .aborted)
      #expect(completion.reference == [9, 0, 0, 0, 0, 0, 0, 0])
      #expect(throws: UCBridgeError.errno(.noSuchFileOrDirectory), "no longer pending") {
        try self.connection.cancelAsyncCall(id)
      }
      #expect(throws: UCBridgeError.errno(.noSuchFileOrDirectory), "never was") {
        try self.connection.cancelAsyncCall(id + 1_000_000)
      }
    }

    @Test func cancellingTheTaskCancelsTheCall() async throws {
      let connection = connection, longDelay = Self.longDelay
      let task = Task { () async throws(UCBridgeError) -> UInt64 in
        try await connection.call(.delayed, longDelay, 1)
      }
      task.cancel()
      await #expect(throws: UCBridgeError.ioReturn(.aborted)) { try await task.value }

      // Cancelled while it waits, rather than before it is submitted.
      let (started, signal) = AsyncStream.makeStream(of: Void.self)
      let waiting = Task { () async throws(UCBridgeError) -> UInt64 in
        signal.yield()
        return try await connection.call(.delayed, longDelay, 2)
      }
      for await _ in started { break }
      waiting.cancel()
      await #expect(throws: UCBridgeError.ioReturn(.aborted)) { try await waiting.value }
    }

    @Test func thousandsInFlightComplete() async throws {
      let count = Int(UCB_EVENT_QUEUE_MAX)
      let done = CompletionCollector()
      var ids: [UInt64: UInt64] = [:]
      for value in 0..<UInt64(count) {
        let id = try connection.submitAwaitingNothing(
          Sel.delayed, reference: [value], scalars: [value % 1000, value], into: done)
        ids[id] = value
      }
      let completions = await done.next(count)
      #expect(Set(completions.map(\.id)) == Set(ids.keys))
      for completion in completions {
        let value = try #require(ids[completion.id])
        #expect(completion.result == .success)
        #expect(completion.arguments == [value] && completion.reference.first == value)
      }
    }

    @Test func theQueueBoundRefusesOneCallTooMany() async throws {
      let other = try device.connect()
      defer { try? other.close() }
      let done = CompletionCollector()
      let pending = try other.fillEventQueue(into: done)
      #expect(throws: UCBridgeError.ioReturn(.noResources)) {
        try other.submitAwaitingNothing(Sel.delayed, scalars: [0, 0], into: done)
      }
      // Another connection has its own queue.
      #expect(try await connection.call(.delayed, 0, 5) == 5)
      for id in pending { try other.cancelAsyncCall(id) }
      let completions = await done.next(pending.count)
      #expect(completions.allSatisfy { $0.result == .aborted })
      #expect(Set(completions.map(\.id)) == Set(pending))
      // Read back, they make room again.
      #expect(try await other.call(.delayed, 0, 6) == 6)
    }

    @Test func closeWithCallsPendingAbortsThemAndFreesEverything() async throws {
      let other = try device.connect()
      let done = CompletionCollector()
      var pending: Set<UInt64> = []
      for value in 0..<UInt64(100) {
        pending.insert(try other.submitAwaitingNothing(
          Sel.delayed, reference: [value], scalars: [Self.longDelay, value], into: done))
      }
      let notes = other.notifications
      try other.close()
      let completions = await done.next(pending.count)
      #expect(Set(completions.map(\.id)) == pending)
      #expect(completions.allSatisfy { $0.result == .aborted && $0.selector == Sel.delayed })
      #expect(Set(completions.map { $0.reference[0] }) == Set(0..<UInt64(pending.count)))
      var afterClose = 0
      for await _ in notes { afterClose += 1 }
      #expect(afterClose == 0, "the sequence ends")
      #expect(try connection.driverInfo().liveBuffers == 0)
      #expect(throws: UCBridgeError.errno(.badFileDescriptor)) {
        try other.submitAwaitingNothing(Sel.delayed, scalars: [0, 0], into: done)
      }
    }

    @Test func notificationsArriveInOrderWithTheirIds() async throws {
      let count = 1000
      let first = connection.notifications
      let second = connection.notifications
      let (handled, handler) = AsyncStream.makeStream(of: DriverNotification.self)
      let token = connection.addNotificationHandler { handler.yield($0) }
      try connection.call(.notify, (count: count, intervalMicroseconds: 0, canDrop: false))
      for stream in [first.prefix(count).collect, second.prefix(count).collect,
                     Notifications.collect(handled, count)] {
        let notes = await stream()
        #expect(notes.map(\.id) == Array(1...UInt64(count)))
        #expect(notes.map(\.arguments) == (0..<count).map { [UInt64($0), UInt64(count)] })
        #expect(notes.allSatisfy {
          $0.message == UCB_NOTIFY_MESSAGE && $0.dropped == 0 && !$0.canDrop
        })
      }
      connection.removeNotificationHandler(token)
      // Removed, the handler sees no more; a later subscription starts now.
      let later = connection.notifications
      try connection.call(.notify, (count: 1, intervalMicroseconds: 0, canDrop: false))
      let next = await later.prefix(1).collect()
      #expect(next.map(\.id) == [UInt64(count + 1)])
      handler.finish()
      var afterRemoval: [DriverNotification] = []
      for await note in handled { afterRemoval.append(note) }
      #expect(afterRemoval.isEmpty, "nothing past the removal")
    }

    @Test func droppableNotificationsAreDroppedWhenTheQueueIsFullAndCounted() async throws {
      let other = try device.connect()
      defer { try? other.close() }
      let notes = other.notifications
      let done = CompletionCollector()
      let pending = try other.fillEventQueue(into: done)
      let count = 1000
      try other.call(.notify, (count: count, intervalMicroseconds: 0, canDrop: true))
      // The mock's driver work runs in order of its deadline: once this
      // completes, after 20 ms of deferred work, the sequence's first
      // notification (due at once) found the queue full; the kernel's
      // workqueue runs it well within that.  (A delay of 0 would complete
      // before the submission returns, with no deferred work to wait for.)
      #expect(try await connection.call(.delayed, 20_000, 0) == 0)
      for id in pending { try other.cancelAsyncCall(id) }
      _ = await done.next(pending.count)
      // A last sequence of one, after the room came back, reports the
      // drops still uncounted.
      try other.call(.notify, (count: 1, intervalMicroseconds: 0, canDrop: true))
      var received: [DriverNotification] = []
      for await note in notes {
        received.append(note)
        if note.arguments == [0, 1] { break }
      }
      #expect(received.allSatisfy { $0.canDrop })
      #expect(received.map(\.id) == Array(1...UInt64(received.count)), "ids count only the queued")
      let fromFirst = received.dropLast()
      var expectedIndex: UInt64 = 0
      for note in fromFirst {
        // Each reports the drops since the one before it: the indexes
        // skipped.
        #expect(note.arguments[0] - expectedIndex == UInt64(note.dropped))
        expectedIndex = note.arguments[0] + 1
      }
      let dropped = received.reduce(0) { $0 + Int($1.dropped) }
      #expect(dropped >= 1, "the first notification found no room")
      #expect(fromFirst.count + dropped <= count)
    }

    @Test func manyTasksAtOnce() async throws {
      let connection = connection
      try await withThrowingTaskGroup(of: Void.self) { group in
        for task in 0..<UInt64(64) {
          group.addTask {
            for call in 0..<UInt64(32) {
              let value = task << 32 | call
              let got = try await connection.call(.delayed, (task + call) % 200, value)
              #expect(got == value)
              if call % 8 == 0 {
                let bytes = pattern(Int(call) * 100, seed: UInt32(task))
                let checksum = try await connection.call(.asyncChecksum, bytes)
                #expect(checksum.crc32c == referenceCRC32C(bytes))
              }
            }
          }
        }
        try await group.waitForAll()
      }
    }
  }
}

/// Completions handed over from the event reader, awaited in a test.
final class CompletionCollector: Sendable {
  private struct State {
    var arrived: [AsyncCompletion] = []
    var waiter: (count: Int, continuation: CheckedContinuation<[AsyncCompletion], Never>)?

    /// The first `count` completions, when that many arrived.
    mutating func take(_ count: Int) -> [AsyncCompletion]? {
      guard arrived.count >= count else { return nil }
      defer { arrived.removeFirst(count) }
      return Array(arrived.prefix(count))
    }
  }

  private let state = Mutex(State())

  /// The handler to pass when submitting.
  var handler: @Sendable (AsyncCompletion) -> Void { { self.arrive($0) } }

  private func arrive(_ completion: AsyncCompletion) {
    state.withLock { state in
      state.arrived.append(completion)
      if let (count, continuation) = state.waiter, let ready = state.take(count) {
        state.waiter = nil
        continuation.resume(returning: ready)
      }
    }
  }

  /// The next completion handed over.
  func next() async -> AsyncCompletion {
    await next(1).first ?? AsyncCompletion(
      id: 0, selector: 0, result: .timeout, arguments: [], reference: [])
  }

  /// The next `count` completions handed over, in the order they came;
  /// fewer when the task is cancelled first (by the time limit, when a
  /// completion was lost).
  func next(_ count: Int) async -> [AsyncCompletion] {
    await withTaskCancellationHandler {
      await withCheckedContinuation { continuation in
        state.withLock { state in
          if let ready = state.take(count) {
            continuation.resume(returning: ready)
          } else if Task.isCancelled {
            continuation.resume(returning: state.take(state.arrived.count)!)
          } else {
            state.waiter = (count, continuation)
          }
        }
      }
    } onCancel: {
      state.withLock { state in
        guard let (_, continuation) = state.waiter else { return }
        state.waiter = nil
        continuation.resume(returning: state.take(state.arrived.count)!)
      }
    }
  }
}

extension AsyncSequence where Element == DriverNotification, Failure == Never {
  /// Every element, as a function to await.
  var collect: () async -> [DriverNotification] {
    { await self.reduce(into: []) { $0.append($1) } }
  }
}

extension Notifications {
  /// The first `count` elements of a stream, as a function to await.
  static func collect(
    _ stream: AsyncStream<DriverNotification>, _ count: Int
  ) -> () async -> [DriverNotification] {
    stream.prefix(count).collect
  }
}

extension Connection {
  /// Submits an async call through the callback layer and waits for its
  /// completion.
  func submitAwaitingCompletion(
    _ selector: UInt32, reference: [UInt64] = [], scalars: [UInt64] = [],
    bytes: [UInt8] = []
  ) async throws -> (id: UInt64, completion: AsyncCompletion) {
    let done = CompletionCollector()
    let id = try submitAwaitingNothing(
      selector, reference: reference, scalars: scalars, bytes: bytes, into: done)
    return (id, await done.next())
  }

  /// Submits an async call through the callback layer, its completion
  /// handed to `collector` (or dropped).
  ///
  /// - Returns: The call's id.
  @discardableResult
  func submitAwaitingNothing(
    _ selector: UInt32, reference: [UInt64] = [], scalars: [UInt64] = [],
    bytes: [UInt8] = [], into collector: CompletionCollector? = nil
  ) throws -> UInt64 {
    let ignore: @Sendable (AsyncCompletion) -> Void = { _ in }
    let handler = collector?.handler ?? ignore
    return try scalars.withUnsafeBufferPointer { scalars in
      try bytes.withUnsafeBytes { bytes in
        try submitAsyncMethod(
          selector, reference: reference, scalarInput: scalars, structInput: bytes,
          scalarOutput: UnsafeMutableBufferPointer(start: nil, count: 0),
          structOutput: UnsafeMutableRawBufferPointer(start: nil, count: 0),
          completion: handler
        ).id
      }
    }
  }

  /// Fills the connection's event queue with delayed calls that only a
  /// cancellation ends: `UCB_EVENT_QUEUE_MAX` of them.
  ///
  /// - Returns: Their ids.
  func fillEventQueue(into collector: CompletionCollector) throws -> [UInt64] {
    try (0..<UInt64(UCB_EVENT_QUEUE_MAX)).map { value in
      try submitAwaitingNothing(
        Sel.delayed, scalars: [DeviceTests.AsyncCalls.longDelay, value], into: collector)
    }
  }
}
