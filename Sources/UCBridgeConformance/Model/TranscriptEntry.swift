/// One case's line of a transcript: the case's name, its outcome, how
/// many output scalars and struct bytes it recorded, and the FNV-1a 64
/// hash of them (the scalars as little-endian bytes, then the struct).
///
/// ```
/// echo/struct_in=8193/room=exact kIOReturnSuccess scalars=0 struct=8193 hash=4c1e3bd0a5e0c6a1
/// call-header/size=0 EINVAL scalars=0 struct=0 hash=cbf29ce484222325
/// ```
///
/// Two runs of the corpus agree on a case exactly when its lines are
/// equal.
public struct TranscriptEntry: Hashable, Sendable, Codable {
  /// The case's name, such as `echo/struct_in=8193/room=exact`.
  public var name: String
  /// The outcome's name: an IOReturn's, an errno's, or `ok`.
  public var outcome: String
  /// Output scalars recorded.
  public var scalarCount: Int
  /// Output struct bytes recorded.
  public var structSize: Int
  /// FNV-1a 64 of the recorded outputs, 16 hexadecimal digits.
  public var hash: String

  /// Creates an entry.
  ///
  /// - Parameters:
  ///   - name: The case's name.
  ///   - outcome: The outcome's name.
  ///   - scalarCount: Output scalars recorded.
  ///   - structSize: Output struct bytes recorded.
  ///   - hash: The outputs' hash.
  public init(
    name: String, outcome: String, scalarCount: Int, structSize: Int, hash: String
  ) {
    self.name = name
    self.outcome = outcome
    self.scalarCount = scalarCount
    self.structSize = structSize
    self.hash = hash
  }

  /// What the entry records about the case, without its name:
  /// `kIOReturnSuccess scalars=0 struct=8193 hash=…`.
  public var details: String {
    "\(outcome) scalars=\(scalarCount) struct=\(structSize) hash=\(hash)"
  }

  /// The entry as a transcript line, without a newline.
  public var line: String { "\(name) \(details)" }

  /// Parses a transcript line.
  ///
  /// - Parameter line: A line as ``line`` writes it.
  /// - Returns: The entry, or nil when the line is not one.
  public init?(line: Substring) {
    let fields = line.split(separator: " ", omittingEmptySubsequences: false)
    guard fields.count == 5,
      let scalars = Self.value(of: "scalars", in: fields[2]).flatMap({ Int($0) }),
      let size = Self.value(of: "struct", in: fields[3]).flatMap({ Int($0) }),
      let hash = Self.value(of: "hash", in: fields[4]), hash.count == 16
    else { return nil }
    self.init(
      name: String(fields[0]), outcome: String(fields[1]), scalarCount: scalars,
      structSize: size, hash: String(hash))
  }

  private static func value(of key: String, in field: Substring) -> Substring? {
    let prefix = key + "="
    guard field.hasPrefix(prefix) else { return nil }
    return field.dropFirst(prefix.count)
  }
}
