import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Watches the fuzz case in flight from a thread of its own, and reports
/// one whose ioctl has not returned within the limit: a hang.  The ioctl
/// itself cannot be interrupted, so the report is the last thing the run
/// does (``Fuzz`` exits from it).
final class Watchdog: Sendable {
  /// The case in flight and when its ioctl started.
  private struct InFlight {
    var fuzzCase: FuzzCase
    var started: UInt64
  }

  private let inFlight = Mutex<InFlight?>(nil)
  private let stopping = Atomic<Bool>(false)
  private let limit: UInt64
  private let onHang: @Sendable (FuzzCase, _ elapsed: UInt64) -> Void

  /// Creates a watchdog; ``watch()`` starts it.
  ///
  /// - Parameters:
  ///   - limitNanoseconds: How long an ioctl may take.
  ///   - onHang: Called once, on the watchdog's thread, with the case
  ///     that hung and how long it has been running.
  init(
    limitNanoseconds: UInt64,
    onHang: @escaping @Sendable (FuzzCase, _ elapsed: UInt64) -> Void
  ) {
    limit = limitNanoseconds
    self.onHang = onHang
  }

  /// Marks the start of a case's ioctl.
  func begin(_ fuzzCase: FuzzCase) {
    inFlight.withLock { $0 = InFlight(fuzzCase: fuzzCase, started: MonotonicClock.now()) }
  }

  /// Marks the end of the ioctl in flight.
  func end() {
    inFlight.withLock { $0 = nil }
  }

  /// Watches on a new thread until `body` returns.
  ///
  /// - Parameter body: The work to watch.
  /// - Returns: What `body` returns.
  /// - Throws: ``ProbeFailure`` when the thread cannot start.
  func watch<Result>(_ body: () -> Result) throws(ProbeFailure) -> Result {
    stopping.store(false, ordering: .relaxed)
    let thread = try JoinableThread { [self] in poll() }
    defer {
      stopping.store(true, ordering: .relaxed)
      thread.join()
    }
    return body()
  }

  /// Checks the case in flight a few times per limit, at most every
  /// 50 ms, until stopped or until one hangs.
  private func poll() {
    let interval = min(max(limit / 4, 1_000_000), 50_000_000)
    var pause = timespec(
      tv_sec: Int(interval / 1_000_000_000), tv_nsec: Int(interval % 1_000_000_000))
    while !stopping.load(ordering: .relaxed) {
      nanosleep(&pause, nil)
      // The clock is read under the lock, after any begin() it can see,
      // so that a start is never later than now.
      let hung = inFlight.withLock { inFlight -> (FuzzCase, UInt64)? in
        let now = MonotonicClock.now()
        guard let inFlight, now - inFlight.started > limit else { return nil }
        return (inFlight.fuzzCase, now - inFlight.started)
      }
      if let (fuzzCase, elapsed) = hung {
        onHang(fuzzCase, elapsed)
        return
      }
    }
  }
}
