import Synchronization

/// The calls in flight on a connection and whether it has been closed, in
/// one atomic word, so that its descriptor is released exactly once and
/// only after the last call using it has returned: a call can never land on
/// a descriptor number that close(2) has already handed back to the system.
///
/// Bit 0 is the closed flag, bit 1 says the descriptor was released, and
/// the rest counts calls in flight.  Whoever finds the connection closed
/// with no call in flight sets the second and so releases the descriptor:
/// `close()` when nothing is in flight, otherwise the last call to leave.
///
/// A call counts itself with one atomic add, not a compare-and-swap loop
/// that counts only while open: a third of the instructions, and no retry
/// when other threads' calls change the count.  A call that then finds the
/// connection closed leaves again at once; the released flag keeps it from
/// releasing the descriptor a second time.
///
/// Entering and leaving are inlinable, as the raw call that makes them is.
@usableFromInline
internal struct UseCount: ~Copyable, Sendable {
  @usableFromInline
  internal let state = Atomic<Int>(0)

  @inlinable
  internal static var closed: Int { 1 }
  private static var released: Int { 2 }
  @inlinable
  internal static var oneCall: Int { 4 }

  /// What closing found.
  enum CloseOutcome {
    /// No call was in flight: the caller releases the descriptor now.
    case releaseNow
    /// Calls are in flight: the last to leave releases the descriptor.
    case releaseWhenIdle
    /// Another close came first.
    case alreadyClosed
  }

  /// Registers a call.  Returns false once closed: the call was counted
  /// all the same and must ``leave()`` again, releasing the descriptor
  /// when that says so.
  @inlinable
  func enter() -> Bool {
    state.wrappingAdd(Self.oneCall, ordering: .acquiring).oldValue
      & Self.closed == 0
  }

  /// Whether the connection was closed: for a caller whose held use keeps
  /// the descriptor open, so that the answer may be stale by the time it
  /// is acted on, as for a call that started just before a close.
  @inlinable
  var isClosed: Bool {
    state.load(ordering: .relaxed) & Self.closed != 0
  }

  /// Unregisters a call.  Returns true when the caller was the last call
  /// of a closed connection and must release the descriptor.
  @inlinable
  func leave() -> Bool {
    let left = state.wrappingSubtract(Self.oneCall, ordering: .acquiringAndReleasing)
      .newValue
    return left == Self.closed && claimRelease()
  }

  /// Marks the connection closed; later ``enter()`` calls fail.
  func close() -> CloseOutcome {
    let before = state.bitwiseOr(Self.closed, ordering: .acquiringAndReleasing)
      .oldValue
    if before & Self.closed != 0 { return .alreadyClosed }
    return before == 0 && claimRelease() ? .releaseNow : .releaseWhenIdle
  }

  /// Takes the release on for the caller, which found the connection
  /// closed and no call in flight; false when a call that came and went
  /// since took it.
  @usableFromInline
  internal func claimRelease() -> Bool {
    state.bitwiseOr(Self.released, ordering: .acquiringAndReleasing)
      .oldValue & Self.released == 0
  }
}
