import SystemPackage
import UCBridge
import UCBridgeMock

/// Shell completion of method names: asks the driver the command line
/// names (`--mock`, `--service NAME`, `--device PATH`, or the default
/// service) for its method table.
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
    func value(of option: String) -> String? {
      words.firstIndex(of: option).flatMap { flag in
        words.indices.contains(flag + 1) ? words[flag + 1] : nil
      }
    }
    let connection: Connection
    if words.contains("--mock") {
      guard let device = try? MockDevice() else { return [] }
      connection = device.connect()
    } else if let path = value(of: "--device") {
      guard let opened = try? Connection.open(FilePath(path)) else { return [] }
      connection = opened
    } else {
      let service = value(of: "--service").map { try? Service.named($0) }
        ?? (try? DeviceOptions.defaultService())
      guard let opened = try? service?.open() else { return [] }
      connection = opened
    }
    let names = (try? connection.methods().map(\.name)) ?? []
    return names.filter { $0.hasPrefix(prefix) }
  }
}
