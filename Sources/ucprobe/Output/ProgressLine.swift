/// A one-line progress indicator on standard error for long runs, redrawn
/// in place at most ten times a second and erased at the end.  It stays
/// silent unless enabled, so that output to a file or pipe stays clean.
struct ProgressLine {
  /// Whether the line is drawn at all.
  let isEnabled: Bool
  private var lastDrawn: UInt64 = 0
  private var isShown = false

  private static let interval: UInt64 = 100_000_000

  /// Creates a progress line.
  ///
  /// - Parameter forced: Draw it even when standard error is not a
  ///   terminal (`--progress`); by default it is drawn only on a terminal.
  init(forced: Bool) {
    isEnabled = forced || StandardError.isTerminal
  }

  /// Redraws the line with new text, unless it was drawn less than a tenth
  /// of a second ago; the text is only built when it is drawn.
  ///
  /// - Parameters:
  ///   - text: The progress, such as `"fuzz: 42% (4200 calls)"`.
  ///   - now: The time now, from ``MonotonicClock``.
  mutating func update(_ text: @autoclosure () -> String, now: UInt64) {
    guard isEnabled, now &- lastDrawn >= Self.interval else { return }
    lastDrawn = now
    isShown = true
    StandardError.write("\r\u{1B}[K" + text())
  }

  /// Erases the line, leaving the cursor at the start of an empty line.
  mutating func finish() {
    guard isShown else { return }
    StandardError.write("\r\u{1B}[K")
    isShown = false
  }
}
