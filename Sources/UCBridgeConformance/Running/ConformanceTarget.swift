import SystemPackage
import UCBridge
import UCBridgeMock

/// Where the corpus runs: the reference driver in this process
/// (UCBridgeMock), or a device node.
///
/// A target gives the runner a privileged connection, sets the driver's
/// max_struct_size, and runs unprivileged cases: on the mock through a
/// connection opened with `privileged: false`, on a device in a worker
/// process that drops to uid and gid 65534 before it opens the node.
public struct ConformanceTarget: Sendable {
  private enum Kind: Sendable {
    case mock(MockDevice)
    case device(FilePath, parameter: FilePath, worker: UnprivilegedWorker)
  }

  private let kind: Kind
  /// The privileged connection root's cases use.
  let connection: Connection

  /// The reference driver in this process, fresh, with its default
  /// max_struct_size.
  ///
  /// - Returns: The target.
  /// - Throws: ``ConformanceError`` when the mock cannot be created.
  public static func mock() throws(ConformanceError) -> ConformanceTarget {
    do {
      let device = try MockDevice()
      return ConformanceTarget(kind: .mock(device), connection: device.connect(privileged: true))
    } catch {
      throw ConformanceError("cannot create the mock device: \(error)")
    }
  }

  /// A device node, called by this process as root.
  ///
  /// - Parameters:
  ///   - path: The node, such as `/dev/ucbridge/reference`.
  ///   - parameter: The driver's max_struct_size attribute in sysfs.
  ///   - worker: How to start a worker process for unprivileged cases.
  /// - Returns: The target.
  /// - Throws: ``ConformanceError`` when the node cannot be opened.
  public static func device(
    _ path: FilePath,
    parameter: FilePath = "/sys/class/ucbridge/reference/max_struct_size",
    worker: UnprivilegedWorker
  ) throws(ConformanceError) -> ConformanceTarget {
    do {
      return ConformanceTarget(
        kind: .device(path, parameter: parameter, worker: worker),
        connection: try Connection.open(path))
    } catch {
      throw ConformanceError("cannot open \(path): \(error)")
    }
  }

  /// Opens another privileged connection, new to the driver.
  @Sendable func connect() throws(ConformanceError) -> Connection {
    switch kind {
    case .mock(let device):
      return device.connect(privileged: true)
    case .device(let path, _, _):
      do {
        return try Connection.open(path)
      } catch {
        throw ConformanceError("cannot open \(path): \(error)")
      }
    }
  }

  /// The driver's max_struct_size now.
  func maxStructSize() throws(ConformanceError) -> Int {
    do {
      return try connection.driverInfo().maxStructSize
    } catch {
      throw ConformanceError("cannot read the driver's max_struct_size: \(error)")
    }
  }

  /// Sets the driver's max_struct_size: directly on the mock, through the
  /// sysfs attribute on a device.
  func setMaxStructSize(_ size: Int) throws(ConformanceError) {
    switch kind {
    case .mock(let device):
      do {
        try device.setMaxStructSize(size)
      } catch {
        throw ConformanceError("cannot set the mock's max_struct_size to \(size): \(error)")
      }
    case .device(_, let parameter, _):
      do {
        let file = try FileDescriptor.open(parameter, .writeOnly)
        try file.closeAfter { _ = try file.writeAll("\(size)".utf8) }
      } catch {
        throw ConformanceError("cannot write \(size) to \(parameter): \(error)")
      }
    }
  }

  /// Runs unprivileged cases, in order.
  ///
  /// - Parameters:
  ///   - cases: The cases.
  ///   - fixture: The files of this process's cases (a worker process
  ///     makes its own).
  /// - Returns: One result per case, in order.
  func runUnprivileged(_ cases: [ConformanceCase], fixture: PathFixture) -> [CaseResult] {
    switch kind {
    case .mock(let device):
      let context = CaseContext(
        connection: device.connect(privileged: false), fixture: fixture,
        connect: { device.connect(privileged: false) })
      return cases.map { $0.run(in: context) }
    case .device(let path, _, let worker):
      return worker.run(cases, device: path)
    }
  }
}
