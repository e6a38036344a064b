import CUCBridge

/// The four buffers of a ``CallRequest``, placed and filled: the inputs
/// with their bytes, the outputs and every slack with
/// ``CallExecutor/canary``.
struct CallBuffers {
  let scalarInput: PlacedBuffer
  let structInput: PlacedBuffer
  let scalarOutput: PlacedBuffer
  let structOutput: PlacedBuffer

  /// Places and fills the buffers of a call.
  ///
  /// - Parameter request: The call.
  /// - Throws: ``ConformanceError`` when memory cannot be set up.
  init(_ request: CallRequest) throws(ConformanceError) {
    let scalarSize = MemoryLayout<UInt64>.size
    scalarInput = try PlacedBuffer(
      count: request.scalarInput.count * scalarSize, placement: request.scalarInputPlacement)
    structInput = try PlacedBuffer(
      count: request.structInput.count, placement: request.structInputPlacement)
    scalarOutput = try PlacedBuffer(
      count: request.scalarOutputRoom * scalarSize, placement: request.scalarOutputPlacement)
    structOutput = try PlacedBuffer(
      count: request.structOutputRoom, placement: request.structOutputPlacement)

    scalarInput.fill(CallExecutor.canary)
    let scalarBytes = request.scalarInput.flatMap { value in
      withUnsafeBytes(of: value.littleEndian, Array.init)
    }
    Bytes.literal(scalarBytes).write(to: scalarInput.bytes)
    structInput.fill(CallExecutor.canary)
    request.structInput.write(to: structInput.bytes)
    scalarOutput.fill(CallExecutor.canary)
    structOutput.fill(CallExecutor.canary)
    for (buffer, placement) in [
      (scalarInput, request.scalarInputPlacement), (structInput, request.structInputPlacement),
      (scalarOutput, request.scalarOutputPlacement), (structOutput, request.structOutputPlacement),
    ] where placement == .readOnly {
      try buffer.makeReadOnly()
    }
  }

  /// Whether `Connection.callMethod` can pass these buffers: its buffer
  /// pointers cannot be NULL with a non-zero count, and its scalar
  /// pointers must be aligned.
  var apiCanCarry: Bool {
    let alignment = UInt64(MemoryLayout<UInt64>.alignment)
    return [scalarInput, structInput, scalarOutput, structOutput].allSatisfy {
      $0.address != 0 || $0.count == 0
    } && scalarInput.address % alignment == 0 && scalarOutput.address % alignment == 0
  }

  /// Copies of the inputs' reachable bytes.
  var inputSnapshot: [[UInt8]] { [scalarInput.snapshot, structInput.snapshot] }

  /// Whether the inputs still hold what `snapshot` copied.
  func inputsMatch(_ snapshot: [[UInt8]]) -> Bool {
    scalarInput.matches(snapshot[0]) && structInput.matches(snapshot[1])
  }
}

extension CallHeader {
  /// Bytes of header memory a case writes: `size` bytes when the driver
  /// may read that many (64 to 4096), else the 64 of `struct ucb_call`.
  var bufferCount: Int {
    let known = MemoryLayout<ucb_call>.size
    return (known...4096).contains(Int(size)) ? Int(size) : known
  }

  /// The header's bytes for a call: `struct ucb_call` with the request's
  /// counts and the buffers' addresses, then the tail.
  func image(of request: CallRequest, buffers: CallBuffers) -> [UInt8] {
    var call = ucb_call()
    call.size = size
    call.selector = request.selector
    call.flags = flags
    call.scalar_in_count = UInt32(request.scalarInput.count)
    call.struct_in_size = UInt32(request.structInput.count)
    call.result = resultBefore
    call.scalar_out_count = UInt32(request.scalarOutputRoom)
    call.struct_out_size = UInt32(request.structOutputRoom)
    call.scalar_in = buffers.scalarInput.address
    call.struct_in = buffers.structInput.address
    call.scalar_out = buffers.scalarOutput.address
    call.struct_out = buffers.structOutput.address
    var image = withUnsafeBytes(of: call, Array.init)
    image += [UInt8](repeating: 0, count: bufferCount - image.count)
    if case .nonZero(let offset) = tail, image.indices.contains(offset) {
      image[offset] = 0x01
    }
    return image
  }
}
