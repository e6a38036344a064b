/// A whole transcript: a two-line comment saying what it is, then one
/// ``TranscriptEntry`` line per case, in corpus order.
///
/// It records nothing about where it was made, so the transcripts of the
/// mock and of a kernel are byte for byte equal when they agree.
/// `scripts/conformance-diff` compares two of them case by case.
public struct Transcript: Hashable, Sendable {
  /// The entries, in corpus order.
  public var entries: [TranscriptEntry]

  /// Creates a transcript.
  ///
  /// - Parameter entries: The entries, in corpus order.
  public init(entries: [TranscriptEntry]) {
    self.entries = entries
  }

  /// The comment lines a transcript begins with.
  public static let preamble = """
    # ucbridge conformance transcript, format 1
    # case outcome scalars=N struct=N hash=FNV-1a-64(output scalars little-endian, then output struct)

    """

  /// The transcript as a file's text: the preamble, then one line per
  /// entry, each ending in a newline.
  public var text: String {
    Self.preamble + entries.map { $0.line + "\n" }.joined()
  }

  /// Parses a transcript's text; comment (`#`) and blank lines are skipped.
  ///
  /// - Parameter text: The text.
  /// - Returns: The transcript, or nil when a line is neither a comment
  ///   nor an entry.
  public init?(parsing text: String) {
    var entries: [TranscriptEntry] = []
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
      guard let entry = TranscriptEntry(line: line) else { return nil }
      entries.append(entry)
    }
    self.init(entries: entries)
  }
}
