import CUCBridge
import Glibc
import Synchronization
import SystemPackage
import Testing
import UCBridge

/// A transport that checks the Connection's promises: no ioctl after
/// close, close exactly once.
final class CheckingTransport: ConnectionTransport {
  private let state = Mutex((inFlight: 0, closes: 0, callsAfterClose: 0, calls: 0))

  var closes: Int { state.withLock { $0.closes } }
  var callsAfterClose: Int { state.withLock { $0.callsAfterClose } }
  var calls: Int { state.withLock { $0.calls } }

  func ioctl(_ request: CUnsignedLong, _ argument: UnsafeMutableRawPointer?) -> Result<Void, Errno> {
    state.withLock {
      $0.inFlight += 1
      $0.calls += 1
      if $0.closes > 0 { $0.callsAfterClose += 1 }
    }
    // Stay in flight a little, so close() often finds calls in flight.
    for _ in 0..<20 { sched_yield() }
    state.withLock { $0.inFlight -= 1 }
    // Answer as a driver dispatching noop successfully.
    guard let argument else { return .failure(.badAddress) }
    argument.assumingMemoryBound(to: ucb_call.self).pointee.result = UCB_IORETURN_SUCCESS
    return .success(())
  }

  func close() -> Result<Void, Errno> {
    state.withLock {
      if $0.inFlight != 0 { $0.callsAfterClose += 1 }
      $0.closes += 1
    }
    return .success(())
  }
}

@Suite struct CloseOnce {
  @Test func closeIsOnceAndLaterCallsAreEBADF() throws {
    let transport = CheckingTransport()
    let connection = Connection(transport: transport)
    try connection.call(.noop)
    try connection.close()
    #expect(throws: UCBridgeError.errno(.badFileDescriptor)) { try connection.close() }
    #expect(throws: UCBridgeError.errno(.badFileDescriptor)) { try connection.call(.noop) }
    #expect(throws: UCBridgeError.errno(.badFileDescriptor)) { try connection.methods() }
    #expect(transport.closes == 1 && transport.calls == 1)
  }

  @Test func deinitClosesOnce() {
    let transport = CheckingTransport()
    do {
      let connection = Connection(transport: transport)
      _ = try? connection.call(.noop)
    }
    #expect(transport.closes == 1)
    do {
      let connection = Connection(transport: transport)
      try? connection.close()
    }
    #expect(transport.closes == 2, "close() then deinit: still once for that connection")
  }

  @Test(arguments: 0..<8)
  func concurrentCallsAndClosesCloseExactlyOnce(round: Int) {
    let transport = CheckingTransport()
    let connection = Connection(transport: transport)
    let successfulCloses = SharedCounter()
    onThreads(6) { thread in
      for i in 0..<300 {
        // Two threads race to close, part-way through everyone's calls.
        if thread < 2 && i == 50 + round {
          if (try? connection.close()) != nil { successfulCloses.increment() }
        }
        _ = try? connection.call(.noop)
      }
    }
    #expect(successfulCloses.value == 1)
    #expect(transport.closes == 1)
    #expect(transport.callsAfterClose == 0)
  }
}
