#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Files the pathInfo cases look up, made by the runner in a fresh
/// directory under the temporary directory (`/tmp`) and removed with it,
/// so that every machine has them with the same types and sizes:
///
/// - `file`: a regular file of ``fileSize`` bytes;
/// - `dir`: an empty directory;
/// - `link`: a symbolic link to `file`;
/// - `dangling`: a symbolic link to a name that does not exist;
/// - `loop`: a symbolic link to itself.
///
/// Everything is readable by everyone, so an unprivileged caller sees it
/// as root does.
final class PathFixture: Sendable {
  /// The size of `file`: one byte past a page.
  static let fileSize = 4097
  /// `S_IFMT`: the file type bits of a mode.
  static let fileTypeMask = UInt32(S_IFMT)
  /// `S_IFREG`: a regular file's type bits.
  static let regularFileType = UInt32(S_IFREG)

  /// The directory, an absolute path.
  let directory: String

  /// Makes the files.
  ///
  /// - Throws: ``ConformanceError`` when they cannot be made.
  init() throws(ConformanceError) {
    let manager = FileManager.default
    let directory = manager.temporaryDirectory
      .appendingPathComponent("ucb-conformance-\(UUID().uuidString)").path
    do {
      try manager.createDirectory(
        atPath: directory + "/dir", withIntermediateDirectories: true,
        attributes: [.posixPermissions: 0o755])
      try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory)
      guard
        manager.createFile(
          atPath: directory + "/file",
          contents: Data(Bytes.pattern(Self.fileSize).array),
          attributes: [.posixPermissions: 0o644])
      else { throw ConformanceError("cannot create \(directory)/file") }
      try manager.createSymbolicLink(atPath: directory + "/link", withDestinationPath: "file")
      try manager.createSymbolicLink(atPath: directory + "/dangling", withDestinationPath: "missing")
      try manager.createSymbolicLink(atPath: directory + "/loop", withDestinationPath: "loop")
    } catch {
      try? manager.removeItem(atPath: directory)
      throw ConformanceError("cannot make the pathInfo files in \(directory): \(error)")
    }
    self.directory = directory
  }

  deinit {
    try? FileManager.default.removeItem(atPath: directory)
  }

  /// The absolute path of a name in the directory.
  func path(_ name: String) -> String { directory + "/" + name }

  /// What `stat(2)` says of a path, as pathInfo reports it:
  /// `{found, inode, mode, size}`; `{0, 0, 0, 0}` when nothing is there.
  ///
  /// - Parameter path: The path.
  /// - Returns: The four scalars pathInfo must return for it.
  static func expectedScalars(for path: String) -> [UInt64] {
    var status = stat()
    guard stat(path, &status) == 0 else { return [0, 0, 0, 0] }
    return [1, UInt64(status.st_ino), UInt64(status.st_mode), UInt64(status.st_size)]
  }
}
