@_spi(RawIoctl) import UCBridge

/// Makes one ``InfoRequest`` through the raw ioctl SPI and checks what the
/// ABI promises of any such ioctl: a failed one writes nothing; a
/// successful one writes only the structure the driver knows, as much of
/// it as the caller's `size` covers, never the tail past it.
struct InfoExecutor {
  /// What the bytes past the argument hold before the ioctl.
  static let canary: UInt8 = 0xa5

  /// The connection the ioctl goes through.
  let connection: Connection

  /// Makes the ioctl.
  ///
  /// - Parameter request: The ioctl.
  /// - Returns: The outcome and, on success, the structure as written.
  /// - Throws: ``ConformanceError`` when memory cannot be set up.
  func execute(_ request: InfoRequest) throws(ConformanceError) -> Observation {
    let argument = try PlacedBuffer(count: request.bufferCount, placement: request.placement)
    request.image.withUnsafeBytes {
      argument.bytes.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[..<argument.bytes.count]))
    }
    argument.slack.initializeMemory(as: UInt8.self, repeating: Self.canary)
    if request.placement == .readOnly { try argument.makeReadOnly() }
    let before = argument.snapshot
    do {
      try connection.rawIoctl(request.command, argument.pointer)
    } catch {
      var observation = try Observation(thrown: error)
      if argument.snapshot != before {
        observation.problems.append("the ioctl failed but its argument was written")
      }
      return observation
    }
    let written = min(Int(request.size), request.knownSize)
    guard argument.bytes.count >= written else {
      return Observation(
        outcome: .succeeded, problems: ["the ioctl succeeded on an argument it cannot have read"])
    }
    var observation = Observation(
      outcome: .succeeded, structOutput: Array(argument.bytes[..<written]))
    let after = argument.snapshot
    if after[written...] != before[written...] {
      observation.problems.append("the driver wrote past the \(written) bytes of its structure")
    }
    return observation
  }
}
