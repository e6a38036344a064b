#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// ucprobe's `--json` output: one pretty-printed JSON document on standard
/// output, keys sorted so that the same result prints the same text.
enum JSONOutput {
  /// Prints a report as JSON.
  ///
  /// - Parameter report: The report.
  /// - Throws: An `EncodingError` when the report holds a value JSON cannot
  ///   carry (which ucprobe's reports never do).
  static func print(_ report: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    Swift.print(String(decoding: try encoder.encode(report), as: UTF8.self))
  }
}
