import CUCBridge
@_spi(RawIoctl) import UCBridge

/// Makes one ``CallRequest`` on a connection and checks everything the ABI
/// promises about any call, whatever its method: on success nothing past
/// the reported counts is written; on failure no output is written and
/// both counts are 0; after an errno the header is as it was (only an
/// `EFAULT` may leave one output buffer partly written); the inputs are
/// never written; through the SPI, only `result` and the two output counts
/// of the header change.
struct CallExecutor {
  /// What the output buffers and slack hold before the call.
  static let canary: UInt8 = 0xa5

  /// The connection the call goes through.
  let connection: Connection

  /// Makes the call.
  ///
  /// - Parameter request: The call.
  /// - Returns: The outcome, the output scalars and struct bytes as
  ///   reported written, and any broken promise.
  /// - Throws: ``ConformanceError`` when memory cannot be set up.
  func execute(_ request: CallRequest) throws(ConformanceError) -> Observation {
    let buffers = try CallBuffers(request)
    let inputsBefore = buffers.inputSnapshot
    let sent: Sent
    if let header = request.header ?? (buffers.apiCanCarry ? nil : .wellFormed) {
      sent = try sendRaw(request, header: header, buffers: buffers)
    } else {
      sent = try sendThroughAPI(request, buffers: buffers)
    }
    var observation = Observation(outcome: sent.outcome, problems: sent.problems)
    readOutputs(sent.counts, into: &observation, buffers: buffers)
    if !buffers.inputsMatch(inputsBefore) {
      observation.problems.append("the driver wrote into the call's inputs")
    }
    return observation
  }

  /// How the ioctl ended, before the outputs are read.
  private struct Sent {
    var outcome: Outcome
    /// The output counts the driver reported; zero unless it dispatched.
    var counts = OutputCounts(scalarCount: 0, structSize: 0)
    var problems: [String] = []
  }

  /// Sends the call through `Connection.callMethod`.
  private func sendThroughAPI(
    _ request: CallRequest, buffers: CallBuffers
  ) throws(ConformanceError) -> Sent {
    let result = Result { () throws(UCBridgeError) in
      try connection.callMethod(
        request.selector,
        scalarInput: UnsafeBufferPointer(
          start: UnsafePointer(bitPattern: UInt(buffers.scalarInput.address)),
          count: request.scalarInput.count),
        structInput: UnsafeRawBufferPointer(
          start: buffers.structInput.pointer, count: buffers.structInput.count),
        scalarOutput: UnsafeMutableBufferPointer(
          start: UnsafeMutablePointer(bitPattern: UInt(buffers.scalarOutput.address)),
          count: request.scalarOutputRoom),
        structOutput: UnsafeMutableRawBufferPointer(
          start: buffers.structOutput.pointer, count: buffers.structOutput.count))
    }
    switch result {
    case .success(let counts):
      return Sent(outcome: .success, counts: counts)
    case .failure(let error):
      return Sent(outcome: try Observation(thrown: error).outcome)
    }
  }

  /// Sends the call through the raw ioctl SPI with `header`.
  private func sendRaw(
    _ request: CallRequest, header shape: CallHeader, buffers: CallBuffers
  ) throws(ConformanceError) -> Sent {
    let header = try PlacedBuffer(count: shape.bufferCount, placement: shape.placement)
    shape.image(of: request, buffers: buffers).withUnsafeBytes {
      header.bytes.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[..<header.bytes.count]))
    }
    header.slack.initializeMemory(as: UInt8.self, repeating: Self.canary)
    if shape.placement == .readOnly { try header.makeReadOnly() }
    let before = header.snapshot
    do {
      try connection.rawIoctl(ucb_ioc_call, header.pointer)
    } catch {
      var sent = Sent(outcome: try Observation(thrown: error).outcome)
      if header.snapshot != before {
        sent.problems.append("the ioctl failed but the header was written")
      }
      return sent
    }
    guard header.bytes.count >= MemoryLayout<ucb_call>.size else {
      return Sent(
        outcome: .succeeded, problems: ["the ioctl succeeded on a header it cannot have read"])
    }
    let written = header.bytes.loadUnaligned(as: ucb_call.self)
    var sent = Sent(
      outcome: .dispatched(IOReturn(rawValue: written.result)),
      counts: OutputCounts(
        scalarCount: Int(written.scalar_out_count), structSize: Int(written.struct_out_size)))
    if !Self.onlyWriteBack(changed: before, header.snapshot) {
      sent.problems.append(
        "the driver wrote header bytes other than result, scalar_out_count and struct_out_size")
    }
    if written.result != UCB_IORETURN_SUCCESS,
      written.scalar_out_count != 0 || written.struct_out_size != 0
    {
      sent.problems.append(
        "non-success result with output counts \(written.scalar_out_count) and \(written.struct_out_size), not 0")
    }
    return sent
  }

  /// Whether two header images differ at most in the three fields the
  /// driver writes back.
  private static func onlyWriteBack(changed before: [UInt8], _ after: [UInt8]) -> Bool {
    let start = MemoryLayout<ucb_call>.offset(of: \.result)!
    let writeBack = start..<start + 3 * MemoryLayout<UInt32>.size
    return before.count == after.count
      && before.indices.allSatisfy { writeBack.contains($0) || before[$0] == after[$0] }
  }

  /// Reads the outputs a successful call reports and checks that nothing
  /// else of the output buffers was written.
  private func readOutputs(
    _ counts: OutputCounts, into observation: inout Observation, buffers: CallBuffers
  ) {
    let scalarOutput = buffers.scalarOutput, structOutput = buffers.structOutput
    switch observation.outcome {
    case .dispatched(.success):
      guard counts.scalarCount * 8 <= scalarOutput.count, counts.structSize <= structOutput.count
      else {
        observation.problems.append(
          "reported \(counts.scalarCount) scalars and \(counts.structSize) bytes written, more than the room")
        return
      }
      guard counts.scalarCount * 8 <= scalarOutput.bytes.count,
        counts.structSize <= structOutput.bytes.count
      else {
        observation.problems.append("reported output written to memory that cannot be written")
        return
      }
      observation.scalars = (0..<counts.scalarCount).map {
        UInt64(littleEndian: scalarOutput.bytes.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))
      }
      observation.structOutput = Array(structOutput.bytes[..<counts.structSize])
      if !scalarOutput.untouched(from: counts.scalarCount * 8, value: Self.canary)
        || !structOutput.untouched(from: counts.structSize, value: Self.canary)
      {
        observation.problems.append("the driver wrote output past the counts it reported")
      }
    case .failed(.badAddress):
      break  // the ABI lets a faulting output copy leave one buffer partly written
    case .dispatched, .failed, .succeeded:
      if !scalarOutput.untouched(value: Self.canary) || !structOutput.untouched(value: Self.canary) {
        observation.problems.append("the call failed but output was written")
      }
    }
  }
}
