import Synchronization

/// The calls in flight on a connection and whether it has been closed, in
/// one atomic word, so that its descriptor is released exactly once and
/// only after the last call using it has returned: a call can never land on
/// a descriptor number that close(2) has already handed back to the system.
///
/// Bit 0 is the closed flag; the rest counts calls in flight.  Whoever
/// brings the word to "closed, no calls" releases the descriptor: `close()`
/// when nothing is in flight, otherwise the last call to leave.
internal struct UseCount: ~Copyable, Sendable {
  private let state = Atomic<Int>(0)

  private static var closed: Int { 1 }
  private static var oneCall: Int { 2 }

  /// What closing found.
  enum CloseOutcome {
    /// No call was in flight: the caller releases the descriptor now.
    case releaseNow
    /// Calls are in flight: the last to leave releases the descriptor.
    case releaseWhenIdle
    /// Another close came first.
    case alreadyClosed
  }

  /// Registers a call.  Returns false, registering nothing, once closed.
  func enter() -> Bool {
    var current = state.load(ordering: .relaxed)
    while current & Self.closed == 0 {
      let (entered, original) = state.compareExchange(
        expected: current, desired: current + Self.oneCall,
        ordering: .acquiring)
      if entered { return true }
      current = original
    }
    return false
  }

  /// Unregisters a call.  Returns true when the caller was the last call
  /// of a closed connection and must release the descriptor.
  func leave() -> Bool {
    state.wrappingSubtract(Self.oneCall, ordering: .acquiringAndReleasing)
      .newValue == Self.closed
  }

  /// Marks the connection closed; later ``enter()`` calls fail.
  func close() -> CloseOutcome {
    let before = state.bitwiseOr(Self.closed, ordering: .acquiringAndReleasing)
      .oldValue
    if before & Self.closed != 0 { return .alreadyClosed }
    return before == 0 ? .releaseNow : .releaseWhenIdle
  }
}
