import CUCBridge
import Synchronization
import Testing
import UCBridge

extension DeviceTests {
  /// Async calls and notifications through the callback layer, the async
  /// layer and the typed methods, on the mock or the real device.
  @Suite struct AsyncCalls {
    let device: DeviceUnderTest
    var connection: Connection { device.connection }

    init() throws { device = try DeviceUnderTest.open() }

    @Test func aCompletionCarriesTheValueAndTheReferenceWordsUntouched() async throws {
      let reference: [UInt64] = [.max, 0, 1, 0x0123_4567_89ab_cdef, 5, 6, 7, 8]
      let (id, completion) = try await connection.submitAwaitingCompletion(
        Sel.delayed, reference: reference, scalars: [0, 0xfeed])
      #expect(completion == AsyncCompletion(
        id: id, selector: Sel.delayed, result: .success, arguments: [0xfeed],
        reference: reference))

      let short = try await connection.submitAwaitingCompletion(
        Sel.delayed, reference: [42], scalars: [100, 7]).completion
      #expect(short.reference == [42, 0, 0, 0, 0, 0, 0, 0], "zero-padded")
      #expect(short.arguments == [7])
    }

    @Test func aHandlerSeesEveryNotificationInOrder() async throws {
      let count = 50
      let (seen, continuation) = AsyncStream.makeStream(of: DriverNotification.self)
      let token = connection.addNotificationHandler { continuation.yield($0) }
      defer { connection.removeNotificationHandler(token) }
      _ = try connection.callMethod(Sel.notify, scalarInput: [UInt64(count), 0, 0])
      var notes: [DriverNotification] = []
      for await note in seen {
        notes.append(note)
        if notes.count == count { break }
      }
      #expect(notes.map(\.message) == Array(repeating: UCB_NOTIFY_MESSAGE, count: count))
      #expect(notes.map(\.arguments) == (0..<count).map { [UInt64($0), UInt64(count)] })
      #expect(notes.map(\.id) == notes.map(\.id).sorted() && Set(notes.map(\.id)).count == count)
      #expect(notes.allSatisfy { $0.dropped == 0 && !$0.canDrop })
    }
  }
}

extension Connection {
  /// Submits an async call through the callback layer and waits for its
  /// completion.
  func submitAwaitingCompletion(
    _ selector: UInt32, reference: [UInt64] = [], scalars: [UInt64] = [],
    bytes: [UInt8] = []
  ) async throws -> (id: UInt64, completion: AsyncCompletion) {
    let id = Mutex<UInt64?>(nil)
    let outcome: Result<AsyncCompletion, any Error> = await withCheckedContinuation { continuation in
      do {
        let submitted = try scalars.withUnsafeBufferPointer { scalars in
          try bytes.withUnsafeBytes { bytes in
            try submitAsyncMethod(
              selector, reference: reference, scalarInput: scalars, structInput: bytes,
              scalarOutput: UnsafeMutableBufferPointer(start: nil, count: 0),
              structOutput: UnsafeMutableRawBufferPointer(start: nil, count: 0)
            ) { continuation.resume(returning: .success($0)) }
          }
        }
        id.withLock { $0 = submitted.id }
      } catch {
        continuation.resume(returning: .failure(error))
      }
    }
    let completion = try outcome.get()
    return (id.withLock { $0 }!, completion)
  }
}
