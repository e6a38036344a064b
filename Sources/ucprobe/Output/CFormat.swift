#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Formats numbers as printf(3) does, through the C library's vsnprintf:
/// `cFormat("%.2f", 3.14159)` is `"3.14"`.
///
/// For the short numeric fields of ucprobe's tables only: the result is cut
/// at 127 bytes.
///
/// - Parameters:
///   - format: A printf format.
///   - arguments: Its arguments.
/// - Returns: The formatted text.
func cFormat(_ format: String, _ arguments: any CVarArg...) -> String {
  withVaList(arguments) { list in
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: 128) { buffer in
      _ = vsnprintf(buffer.baseAddress!, buffer.count, format, list)
      return String(cString: buffer.baseAddress!)
    }
  }
}
