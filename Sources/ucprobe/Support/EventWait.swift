import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Messages from other threads — completions and notifications from the
/// connection's event reader, Ctrl-C from a signal source — that a
/// command's main thread waits for, one at a time, in the order they came.
final class Mailbox<Message: Sendable>: Sendable {
  private let messages = Mutex<[Message]>([])
  private let arrived = DispatchSemaphore(value: 0)

  /// Leaves a message for the waiting thread.
  func post(_ message: Message) {
    messages.withLock { $0.append(message) }
    arrived.signal()
  }

  /// Waits for the next message.
  ///
  /// - Parameter deadline: When to stop waiting; never by default.
  /// - Returns: The message, or nil when the deadline came first.
  func next(before deadline: DispatchTime = .distantFuture) -> Message? {
    guard arrived.wait(timeout: deadline) == .success else { return nil }
    return messages.withLock { $0.removeFirst() }
  }
}

/// Ctrl-C as an event rather than the end of the process, while a command
/// waits for the driver.
///
/// SIGINT is ignored by the process and seen by a dispatch source instead
/// (libdispatch requires the signal ignored, signal(2) with `SIG_IGN`).
/// The first one runs the handler and gives SIGINT back its default
/// action, so that a second Ctrl-C ends a wait that is stuck.
final class Interruption {
  private let source: any DispatchSourceSignal

  /// Starts seeing Ctrl-C.
  ///
  /// - Parameter handler: What the first one does; it runs on a dispatch
  ///   queue of its own.
  init(_ handler: @escaping @Sendable () -> Void) {
    signal(SIGINT, SIG_IGN)
    source = DispatchSource.makeSignalSource(
      signal: SIGINT, queue: DispatchQueue(label: "ucprobe.interruption"))
    source.setEventHandler {
      signal(SIGINT, SIG_DFL)
      handler()
    }
    source.resume()
  }

  /// Stops seeing Ctrl-C: SIGINT ends the process again.
  func end() {
    source.cancel()
    signal(SIGINT, SIG_DFL)
  }
}
