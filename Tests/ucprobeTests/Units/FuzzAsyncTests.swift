import CUCBridge
import Testing
import UCBridge
import UCBridgeMock
import UCBridgeTestSupport

@testable import ucprobe

/// The fuzzer's async calls, cancels and event reads, judged by the ABI's
/// rules (`ABIExpectation`), and its bookkeeping that every accepted call
/// completes exactly once; with positive controls: a wrong expectation and
/// a lost or doubled completion are findings.
@Suite struct FuzzAsyncTests {
  typealias Rig = FuzzMachineryTests.Rig

  /// The rig's first case for the method named `name`.
  private func firstCall(_ rig: Rig, to name: String) throws -> FuzzCase {
    let method = try #require(rig.generator.methods.first { $0.name == name })
    return rig.wellFormedCall(to: Int(method.selector))
  }

  @Test func asyncMethodsAreCalledAsyncAndComplete() throws {
    let rig = try Rig()
    for name in ["delayed", "asyncChecksum"] {
      let fuzzCase = try firstCall(rig, to: name)
      #expect(fuzzCase.request == .callAsync)
      #expect(fuzzCase.async != nil)
      let result = rig.run(fuzzCase)
      #expect(result.outcome == .dispatched(.success), "\(fuzzCase)")
      #expect(result.problems.isEmpty, "\(fuzzCase): \(result.problems)")
    }
    #expect(rig.executor.events.pending.count <= 2)
    #expect(rig.executor.finishEvents() == [])
    #expect(rig.executor.events.pending.isEmpty)
  }

  @Test func theSyncAsyncMismatchIsBadArgumentEitherWay() throws {
    let rig = try Rig()
    var delayed = try firstCall(rig, to: "delayed")
    delayed.request = .call
    delayed.async = nil
    var noop = try firstCall(rig, to: "noop")
    noop.request = .callAsync
    noop.async = FuzzAsync()
    for fuzzCase in [delayed, noop] {
      let result = rig.run(fuzzCase)
      #expect(result.outcome == .dispatched(.badArgument), "\(fuzzCase)")
      #expect(result.problems.isEmpty, "\(fuzzCase): \(result.problems)")
    }
    #expect(rig.executor.finishEvents() == [])
  }

  @Test func aBadAsyncHeaderOrCallPointerIsRefused() throws {
    let rig = try Rig()
    let delayed = try firstCall(rig, to: "delayed")
    let changes: [(FuzzAsync) -> FuzzAsync] = [
      { var async = $0; async.flags = 1; return async },
      { var async = $0; async.size = 87; return async },
      { var async = $0; async.size = 96; async.tail = .nonZero(at: 3); return async },
      { var async = $0; async.placement = .kernel; return async },
      { var async = $0; async.callPointer = .null; return async },
      { var async = $0; async.callPointer = .straddlingGuard(inside: 32); return async },
    ]
    for change in changes {
      var fuzzCase = delayed
      fuzzCase.async = change(delayed.async!)
      let result = rig.run(fuzzCase)
      if case .failed = result.outcome {} else { Issue.record("\(fuzzCase): \(result.outcome)") }
      #expect(result.problems.isEmpty, "\(fuzzCase): \(result.problems)")
    }
    #expect(rig.executor.finishEvents() == [])
  }

  @Test func drawsReachEveryAsyncRequestAndPassOnTheMock() throws {
    let rig = try Rig()
    var requests: [String: Int] = [:]
    for index in 0..<3000 {
      let fuzzCase = rig.generator.makeCase(seed: 9, index: index)
      requests[fuzzCase.request.key, default: 0] += 1
      let result = rig.run(fuzzCase)
      #expect(result.problems.isEmpty, "\(fuzzCase): \(result.problems)")
    }
    for key in ["call_async", "cancel", "read_events"] {
      #expect(requests[key, default: 0] > 20, "\(key): \(requests)")
    }
    #expect(rig.executor.finishEvents() == [])
  }

  @Test func readsFollowTheRules() throws {
    let rig = try Rig()
    let record = UInt32(MemoryLayout<ucb_event>.size)
    var read = FuzzCase(index: 0, kind: .events, request: .readEvents, size: record - 1)
    #expect(rig.run(read).outcome == .failed(.invalidArgument))
    read.size = record
    #expect(rig.run(read).outcome == .failed(.resourceTemporarilyUnavailable))
    let delayed = try firstCall(rig, to: "delayed")
    #expect(rig.run(delayed).problems.isEmpty)
    _ = rig.executor.finishEvents()
  }

  // MARK: Positive controls

  /// A driver table that wrongly says delayed is a sync method: its async
  /// call, which the mock accepts, is a finding.
  @Test func aWrongExpectationIsAFinding() throws {
    let rig = try Rig()
    var methods = rig.generator.methods
    let delayed = try #require(methods.firstIndex { $0.name == "delayed" })
    methods[delayed].flags = MethodInfo.Flags(rawValue: 0)
    let executor = FuzzExecutor(
      connection: rig.executor.connection, arena: rig.executor.arena, methods: methods,
      driver: rig.executor.driver, memoryTypes: rig.executor.memoryTypes)
    let result = executor.execute(try firstCall(rig, to: "delayed"), watchdog: rig.watchdog)
    #expect(result.outcome == .dispatched(.success))
    #expect(result.problems.contains("got kIOReturnSuccess, expected kIOReturnBadArgument"))
    _ = executor.finishEvents()
  }

  @Test func aCompletionThatNeverComesIsAFinding() throws {
    let rig = try Rig()
    #expect(rig.executor.events.accepted(999) == [])
    #expect(rig.executor.finishEvents() == ["call id 999 was accepted but never completed"])
  }

  @Test func aCompletionTwiceOrForNoCallIsAFinding() throws {
    let events = FuzzEvents()
    var event = ucb_event()
    event.type = UInt32(UCB_EVENT_COMPLETION)
    event.id = 4
    #expect(events.accepted(4) == [])
    withUnsafeBytes(of: event) { #expect(events.received($0) == []) }
    withUnsafeBytes(of: event) {
      #expect(events.received($0) == ["a completion for id 4, which no pending call has"])
    }
  }

  @Test func notificationsOutOfOrderAreAFinding() throws {
    let events = FuzzEvents()
    var event = ucb_event()
    event.type = UInt32(UCB_EVENT_NOTIFICATION)
    event.id = 2
    withUnsafeBytes(of: event) { #expect(events.received($0) == []) }
    event.id = 1
    withUnsafeBytes(of: event) {
      #expect(events.received($0) == ["notification 1 after notification 2"])
    }
  }

  @Test func theRulesStateTheQueueBound() throws {
    let methods = try MockDevice().connect(privileged: true).methods()
    var call = IoctlShape(.callAsync, size: 64)
    call.selector = try #require(methods.first { $0.name == "delayed" }).selector
    call.scalarInputCount = 2
    call.asyncHeader = IoctlShape.AsyncHeader()
    call.eventQueueFull = true
    let full = ABIExpectation.of(call, methods: methods, memoryTypeCount: 0)
    #expect(full.results == [.noResources])
    #expect(!full.allows(.dispatched(.success)))
    call.eventQueueFull = false
    #expect(ABIExpectation.of(call, methods: methods, memoryTypeCount: 0).allows(.dispatched(.success)))
    call.request = .call
    call.asyncHeader = nil
    #expect(ABIExpectation.of(call, methods: methods, memoryTypeCount: 0).results == [.badArgument])
  }

  @Test func theRulesOfReadsAndCancels() {
    let methods = [MethodInfo]()
    var shape = IoctlShape(.readEvents, size: 0)
    #expect(ABIExpectation.of(shape, methods: methods, memoryTypeCount: 0).errnos == [.invalidArgument])
    shape.size = MemoryLayout<ucb_event>.size
    shape.eventWaiting = false
    #expect(ABIExpectation.of(shape, methods: methods, memoryTypeCount: 0).errnos == [.resourceTemporarilyUnavailable])
    var cancel = IoctlShape(.cancel, size: 16)
    #expect(ABIExpectation.of(cancel, methods: methods, memoryTypeCount: 0).allows(.failed(.noSuchFileOrDirectory)))
    cancel.flags = 1
    #expect(ABIExpectation.of(cancel, methods: methods, memoryTypeCount: 0).errnos == [.invalidArgument])
  }
}
