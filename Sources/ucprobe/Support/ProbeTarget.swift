import UCBridge

/// An open ucbridge device, with how ucprobe names it in its output.
struct ProbeTarget {
  /// The connection every call goes through.
  let connection: Connection
  /// The device node's path, or `"mock"`.
  let name: String
  /// The device options that open the same device again, for the
  /// commands ucprobe suggests (such as a fuzz replay).
  let reopeningOptions: [String]

  /// Describes the driver.
  ///
  /// - Returns: The driver's description.
  /// - Throws: ``ProbeFailure`` with the ioctl's error; for `ENOTTY`, a
  ///   hint that the node is not a ucbridge device.
  func driverInfo() throws(ProbeFailure) -> DriverInfo {
    do {
      return try connection.driverInfo()
    } catch {
      throw introspectionFailure(error)
    }
  }

  /// Describes every method of the driver's table, in selector order.
  ///
  /// - Returns: The method table.
  /// - Throws: ``ProbeFailure`` with the ioctl's error.
  func methods() throws(ProbeFailure) -> [MethodInfo] {
    do {
      return try connection.methods()
    } catch {
      throw introspectionFailure(error)
    }
  }

  /// Describes every memory type of the driver, in type order; empty
  /// for a driver with none.
  ///
  /// - Returns: The memory types.
  /// - Throws: ``ProbeFailure`` with the ioctl's error.
  func memoryTypes() throws(ProbeFailure) -> [MemoryInfo] {
    do {
      return try connection.memoryTypes()
    } catch {
      throw introspectionFailure(error)
    }
  }

  private func introspectionFailure(_ error: UCBridgeError) -> ProbeFailure {
    var failure = ProbeFailure.failed(
      "cannot describe the driver at \(name): \(error.explanation)")
    if case .errno(.inappropriateIOCTLForDevice) = error {
      failure.messages.append(
        "hint: \(name) does not answer ucbridge's ioctls; is it a ucbridge device?")
    }
    return failure
  }
}
