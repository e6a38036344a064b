#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A whole file as text, or nil when it cannot be opened.
///
/// Read to the end rather than by the size `stat()` gives: the bench reads
/// /proc files, which report a size of 0.
///
/// - Parameter path: The file.
/// - Returns: Its bytes decoded as UTF-8.
public func readTextFile(_ path: String) -> String? {
  guard let file = fopen(path, "r") else { return nil }
  defer { fclose(file) }
  var bytes = [UInt8]()
  var chunk = [UInt8](repeating: 0, count: 65536)
  while true {
    let got = fread(&chunk, 1, chunk.count, file)
    if got <= 0 { break }
    bytes += chunk[0..<got]
  }
  return String(decoding: bytes, as: UTF8.self)
}
