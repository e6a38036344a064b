import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs a program to completion with posix_spawn(3) and collects its
/// standard output (its standard error is this process's).
///
/// Foundation's `Process` would do, but it needs all of Foundation, ICU
/// included, which would more than double the size of the static runner
/// that goes into the test VM; a spawn and a pipe are all that is needed.
enum ChildProcess {
  /// How a child ended.
  enum Termination: Equatable {
    /// It exited with this status.
    case exited(Int32)
    /// A signal ended it.
    case signaled(Int32)
  }

  /// Runs `executable` with `arguments` and waits for it.
  ///
  /// - Parameters:
  ///   - executable: The program's path.
  ///   - arguments: Its arguments, without its name.
  /// - Returns: Everything it wrote to standard output, and how it ended.
  /// - Throws: ``ConformanceError`` when it cannot be started or waited
  ///   for.
  static func run(
    _ executable: FilePath, arguments: [String]
  ) throws(ConformanceError) -> (output: [UInt8], termination: Termination) {
    let pipe: (readEnd: FileDescriptor, writeEnd: FileDescriptor)
    do {
      pipe = try FileDescriptor.pipe()
    } catch {
      throw ConformanceError("cannot make a pipe: \(error)")
    }
    defer { try? pipe.readEnd.close() }
    let pid: pid_t
    do {
      defer { try? pipe.writeEnd.close() }
      pid = try spawn(executable, arguments: arguments, standardOutput: pipe.writeEnd)
    }
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
      let count: Int
      do {
        count = try chunk.withUnsafeMutableBytes { try pipe.readEnd.read(into: $0) }
      } catch {
        break
      }
      if count == 0 { break }
      output += chunk[..<count]
    }
    return (output, try wait(for: pid, executable))
  }

  private static func spawn(
    _ executable: FilePath, arguments: [String], standardOutput: FileDescriptor
  ) throws(ConformanceError) -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, standardOutput.rawValue, STDOUT_FILENO)
    let argv = ([executable.string] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let error = executable.withPlatformString { path in
      posix_spawn(&pid, path, &actions, nil, argv, environ)
    }
    guard error == 0 else {
      throw ConformanceError("cannot start \(executable): \(Errno(rawValue: error))")
    }
    return pid
  }

  private static func wait(
    for pid: pid_t, _ executable: FilePath
  ) throws(ConformanceError) -> Termination {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
      guard errno == EINTR else {
        throw ConformanceError("cannot wait for \(executable): \(Errno(rawValue: errno))")
      }
    }
    // WIFEXITED, WEXITSTATUS and WTERMSIG, which Swift does not import.
    let signal = status & 0x7f
    return signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
  }
}
