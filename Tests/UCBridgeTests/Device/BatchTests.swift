import CUCBridge
import Testing
@_spi(RawIoctl) import UCBridge
import UCBridgeMock
import UCBridgeTestSupport

extension DeviceTests {
  /// `connection.batch { … }`: UCB_IOC_CALL_BATCH through the typed and
  /// raw layers, and its refusals through the raw ioctl.
  @Suite struct Batches {
    let device: DeviceUnderTest
    var connection: Connection { device.connection }

    init() throws { device = try DeviceUnderTest.open() }

    static var badAddress: UnsafeMutableRawPointer { UnsafeMutableRawPointer(bitPattern: 0x10)! }

    @Test func noops() throws {
      let results = try connection.batch { batch in
        for _ in 0..<64 { batch.call(.noop) }
      }
      #expect(results.completed == 64)
      #expect(results.outcomes == Array(repeating: BatchOutcome.success(MethodOutput()), count: 64))
      #expect(results.firstUnsuccessful == nil)
      #expect(try connection.driverInfo().liveBuffers == 0)
    }

    @Test func emptyBatch() throws {
      let results = try connection.batch { _ in }
      #expect(results.completed == 0)
      #expect(results.outcomes.isEmpty)
      #expect(results.firstUnsuccessful == nil)
    }

    @Test func addsWithTypedResults() throws {
      var sums: [BatchCall<UInt64>] = []
      let results = try connection.batch { batch in
        for i in 0..<UInt64(10) { sums.append(batch.call(.add, i, 1000)) }
        sums.append(batch.call(.add, UInt64.max, 2))
      }
      #expect(results.completed == 11)
      for (i, sum) in sums.enumerated().dropLast() {
        #expect(try results[sum]?.get() == UInt64(i) + 1000)
        #expect(results.outcomes[sum.index] == .success(MethodOutput(scalars: [UInt64(i) + 1000])))
      }
      #expect(try results[sums.last!]?.get() == 1, "wrapping sum")
    }

    @Test func echoStructsTypedAndRaw() throws {
      let small = pattern(100)
      let large = pattern(70_000, seed: 3)
      var typed: BatchCall<[UInt8]>!
      var raw: BatchCall<MethodOutput>!
      var short: BatchCall<MethodOutput>!
      let results = try connection.batch { batch in
        typed = batch.call(.echo, small)
        raw = batch.callMethod(Sel.echo, structInput: large, structOutputRoom: large.count + 16)
        // Less room than input: the method refuses.
        short = batch.callMethod(Sel.echo, structInput: small, structOutputRoom: 10)
      }
      #expect(try results[typed]?.get() == small)
      #expect(try results[raw]?.get().structBytes == large)
      #expect(results[short]?.isFailure == true)
      #expect(results.completed == 3)
      #expect(try connection.driverInfo().liveBuffers == 0)
    }

    /// A checksum and a pathInfo: typed outputs made from struct bytes.
    @Test func otherTypedMethods() throws {
      let bytes = pattern(1000)
      var sum: BatchCall<Checksum>!
      var info: BatchCall<PathInfo>!
      let results = try connection.batch { batch in
        sum = batch.call(.checksum, bytes)
        info = batch.call(.pathInfo, "/no/such/file/for/ucbridge")
      }
      #expect(try results[sum]?.get() == connection.call(.checksum, bytes))
      #expect(try results[info]?.get() == connection.call(.pathInfo, "/no/such/file/for/ucbridge"))
    }

    @Test func unknownSelectorEntry() throws {
      let results = try connection.batch { batch in
        batch.call(.noop)
        batch.callMethod(0xdead)
        batch.call(.noop)
      }
      #expect(results.outcomes == [BatchOutcome.success(MethodOutput()), .failure(.unsupported), .success(MethodOutput())])
      #expect(results.completed == 3)
      #expect(results.firstUnsuccessful == 1)
    }

    /// A bad call in the middle: every call runs without stopOnError; with
    /// it the batch stops after the failure, and the rest did not run.
    @Test func stopOnError() throws {
      func run(stop: Bool) throws -> (BatchResults, BatchCall<UInt64>) {
        var after: BatchCall<UInt64>!
        let results = try connection.batch(stopOnError: stop) { batch in
          batch.call(.noop)
          batch.callMethod(Sel.add, scalarInput: [1], scalarOutputRoom: 1)  // one scalar short
          after = batch.call(.add, 2, 3)
        }
        return (results, after)
      }
      let (all, sum) = try run(stop: false)
      #expect(all.outcomes == [
        BatchOutcome.success(MethodOutput()), .failure(.badArgument), .success(MethodOutput(scalars: [5])),
      ])
      #expect(all.completed == 3)
      #expect(all.firstUnsuccessful == 1)
      #expect(try all[sum]?.get() == 5)

      let (stopped, notRun) = try run(stop: true)
      #expect(stopped.outcomes == [BatchOutcome.success(MethodOutput()), .failure(.badArgument), .notRun])
      #expect(stopped.completed == 2)
      #expect(stopped.firstUnsuccessful == 1)
      #expect(stopped[notRun] == nil)
    }

    /// An entry that fails as a single call fails with an errno (17 input
    /// scalars: EINVAL) stops the batch; those before it keep their results.
    @Test func errnoKeepsEarlierResults() throws {
      var sum: BatchCall<UInt64>!
      do {
        _ = try connection.batch { batch in
          sum = batch.call(.add, 1, 2)
          batch.callMethod(Sel.noop, scalarInput: Array(repeating: 0, count: Int(UCB_MAX_SCALARS) + 1))
          batch.call(.noop)
        }
        Issue.record("the batch did not fail")
      } catch {
        #expect(error.error == .errno(.invalidArgument))
        #expect(error.completed == 1)
        #expect(error.results.outcomes == [BatchOutcome.success(MethodOutput(scalars: [3])), .notRun, .notRun])
        #expect(error.results.firstUnsuccessful == 1, "the entry that failed with an errno did not run")
        #expect(try error.results[sum]?.get() == 3)
      }
      #expect(try connection.driverInfo().liveBuffers == 0)
    }

    /// Struct bytes (inputs plus output room) over UCB_BATCH_BYTES_MAX:
    /// E2BIG at the entry that crosses it, with the ones before run.
    @Test func structBytesOverTheBatchBound() throws {
      let room = Int(UCB_BATCH_BYTES_MAX) / 64
      do {
        _ = try connection.batch { batch in
          for _ in 0..<65 { batch.callMethod(Sel.echo, structOutputRoom: room) }
        }
        Issue.record("the batch did not fail")
      } catch {
        #expect(error.error == .errno(.argListTooLong))
        #expect(error.completed == 64)
        #expect(error.results.outcomes.last == .notRun)
      }
    }

    @Test func moreThanMaxCallsRefusedBeforeTheIoctl() throws {
      do {
        _ = try connection.batch { batch in
          for _ in 0...Int(UCB_BATCH_MAX_CALLS) { batch.call(.noop) }
        }
        Issue.record("the batch did not fail")
      } catch {
        guard case .badArgument = error.error else {
          Issue.record("expected badArgument, got \(error.error)")
          return
        }
        #expect(error.completed == 0)
        #expect(error.results.count == Int(UCB_BATCH_MAX_CALLS) + 1)
        #expect(error.results.firstUnsuccessful == 0, "none ran")
      }
      let full = try connection.batch { batch in
        for _ in 0..<Int(UCB_BATCH_MAX_CALLS) { batch.call(.noop) }
      }
      #expect(full.completed == Int(UCB_BATCH_MAX_CALLS))
    }

    @Test func addingARefusedCallThrows() throws {
      do {
        _ = try connection.batch { batch in
          batch.call(.noop)
          batch.callMethod(Sel.add, scalarInput: [1, 2], scalarOutputRoom: Int(UCB_MAX_SCALARS) + 1)
        }
        Issue.record("the batch did not fail")
      } catch {
        guard case .badArgument = error.error else {
          Issue.record("expected badArgument, got \(error.error)")
          return
        }
        #expect(error.completed == 0)
      }
    }

    /// A typed call refused by its method's checks, or a method whose
    /// body makes two calls, fails the batch before anything is sent.
    @Test func typedCallsRefusedAsTheyAreAdded() throws {
      let addThree = Method<Void, UInt64>(
        selector: Sel.add, name: "add",
        checks: MethodChecks(scalarInputCount: .exactly(2), scalarOutputCount: .exactly(1))
      ) { _, invoke throws(UCBridgeError) in
        try invoke(scalarInput: [1, 2, 3]).scalar(at: 0)
      }
      let twice = Method<Void, Void>(selector: Sel.noop, name: "noopTwice", checks: MethodChecks()) {
        _, invoke throws(UCBridgeError) in
        _ = try invoke()
        _ = try invoke()
      }
      for method in [twice] {
        var batch = Batch()
        batch.call(.noop)
        batch.call(method)
        guard case .badArgument(let message)? = batch.error else {
          Issue.record("\(String(describing: batch.error))")
          continue
        }
        #expect(message == "noopTwice makes more than one call: it cannot be batched")
      }
      do {
        _ = try connection.batch { batch in
          batch.call(.noop)
          batch.call(addThree)
        }
        Issue.record("the batch did not fail")
      } catch {
        guard case .badArgument = error.error else {
          Issue.record("\(error)")
          return
        }
        #expect(error.results.outcomes == [BatchOutcome.notRun, .notRun])
      }
    }

    @Test func aBatchSentTwice() throws {
      var batch = Batch()
      let sum = batch.call(.add, 20, 22)
      for _ in 0..<2 {
        #expect(try connection.callBatch(batch)[sum]?.get() == 42)
      }
    }

    @Test func resultsKeptAcrossTheNextSend() throws {
      var batch = Batch()
      let echoed = batch.callMethod(Sel.echo, structInput: [1, 2, 3] as [UInt8], structOutputRoom: 16)
      let first = try connection.callBatch(batch)
      // Sent again while `first` lives, on a connection that writes
      // nothing back: `first` still reads what its own send wrote.
      let closed = try device.connect()
      try closed.close()
      #expect(throws: BatchError.self) { try closed.callBatch(batch) }
      #expect(try first[echoed]?.get().structBytes == [1, 2, 3])
      #expect(try connection.callBatch(batch)[echoed]?.get().structBytes == [1, 2, 3])
      #expect(try first[echoed]?.get().structBytes == [1, 2, 3])
    }

    @Test func aCopyAddingACallSendsItsOwnCalls() throws {
      var batch = Batch()
      let sum = batch.call(.add, 1, 2)
      #expect(try connection.callBatch(batch)[sum]?.get() == 3)
      var longer = batch
      let second = longer.call(.add, 3, 4)
      let results = try connection.callBatch(longer)
      #expect(results.count == 2)
      #expect(try results[sum]?.get() == 3)
      #expect(try results[second]?.get() == 7)
      #expect(try connection.callBatch(batch).count == 1)
    }

    @Test func closedConnection() throws {
      let other = try device.connect()
      try other.close()
      do {
        _ = try other.batch { batch in batch.call(.noop) }
        Issue.record("a closed connection sent a batch")
      } catch {
        #expect(error.error == .errno(.badFileDescriptor))
      }
    }

    // The raw ioctl: what the typed layer never sends.

    func rawBatch(
      count: Int, calls: UnsafeMutableRawPointer?, flags: UInt32 = 0,
      callSize: Int = MemoryLayout<ucb_call>.size
    ) -> (Result<Void, UCBridgeError>, completed: UInt32) {
      var header = ucb_batch()
      header.size = UInt32(MemoryLayout<ucb_batch>.size)
      header.flags = flags
      header.count = UInt32(count)
      header.call_size = UInt32(callSize)
      header.calls = UInt64(UInt(bitPattern: calls))
      header.completed = 0xffff_ffff
      let result = Result { () throws(UCBridgeError) in
        try connection.rawIoctl(ucb_ioc_call_batch, &header)
      }
      return (result, header.completed)
    }

    static func noopCall() -> ucb_call {
      var call = ucb_call()
      call.size = UInt32(MemoryLayout<ucb_call>.size)
      call.selector = Sel.noop
      return call
    }

    @Test func rawCountAboveTheBoundIsEINVAL() throws {
      let count = Int(UCB_BATCH_MAX_CALLS) + 1
      var calls = Array(repeating: Self.noopCall(), count: count)
      let (result, completed) = calls.withUnsafeMutableBytes { rawBatch(count: count, calls: $0.baseAddress) }
      #expect(throws: UCBridgeError.errno(.invalidArgument)) { try result.get() }
      #expect(completed == 0xffff_ffff, "a malformed batch writes nothing")
    }

    @Test func rawFaultingEntryIsEFAULTWithCompleted() throws {
      let (result, completed) = rawBatch(count: 1, calls: Self.badAddress)
      #expect(throws: UCBridgeError.errno(.badAddress)) { try result.get() }
      #expect(completed == 0)

      // The second entry on a guard page: the first runs.
      let region = try GuardedRegion(capacity: 4096)
      let first = region.guardPage - MemoryLayout<ucb_call>.size
      first.storeBytes(of: Self.noopCall(), as: ucb_call.self)
      let (second, ran) = rawBatch(count: 2, calls: first)
      #expect(throws: UCBridgeError.errno(.badAddress)) { try second.get() }
      #expect(ran == 1)
      #expect(first.load(as: ucb_call.self).result == UCB_IORETURN_SUCCESS)
      #expect(try connection.driverInfo().liveBuffers == 0)
    }

    @Test func rawCountZeroNeedsNoCalls() throws {
      let (result, completed) = rawBatch(count: 0, calls: nil)
      try result.get()
      #expect(completed == 0)
    }
  }
}

extension Result {
  fileprivate var isFailure: Bool {
    if case .failure = self { return true }
    return false
  }
}
