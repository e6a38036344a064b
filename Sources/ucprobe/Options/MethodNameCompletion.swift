import SystemPackage
import UCBridge
import UCBridgeMock

/// Shell completion of method names: asks the driver the command line
/// names (`--mock`, `--device PATH` or /dev/ucbridge/reference) for its method table.
enum MethodNameCompletion {
  /// The names of the driver's methods that start with `prefix`; none
  /// when the device cannot be opened.
  ///
  /// - Parameters:
  ///   - words: The command line being completed.
  ///   - index: The index of the word being completed.
  ///   - prefix: What has been typed of that word.
  /// - Returns: The candidate names.
  @Sendable
  static func candidates(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
    let connection: Connection
    if words.contains("--mock") {
      guard let device = try? MockDevice() else { return [] }
      connection = device.connect()
    } else {
      let path = words.firstIndex(of: "--device").flatMap { flag in
        words.indices.contains(flag + 1) ? FilePath(words[flag + 1]) : nil
      } ?? Connection.defaultDevicePath
      guard let opened = try? Connection.open(path) else { return [] }
      connection = opened
    }
    let names = (try? connection.methods().map(\.name)) ?? []
    return names.filter { $0.hasPrefix(prefix) }
  }
}
