import CUCBridge
import UCBridgeTestSupport

extension CallRequest {
  /// The call as the ABI's rules see it (`ABIExpectation`): its header,
  /// its counts, and which of its bytes the placements leave readable and
  /// writable.
  var shape: IoctlShape {
    let header = self.header ?? .wellFormed
    let headerBytes = header.bufferCount
    var shape = IoctlShape(.call, size: Int(header.size))
    shape.flags = header.flags
    if case .nonZero(let offset) = header.tail {
      shape.hasNonZeroTail = (MemoryLayout<ucb_call>.size..<headerBytes).contains(offset)
    }
    shape.selector = selector
    shape.scalarInputCount = scalarInput.count
    shape.structInputSize = structInput.count
    shape.scalarOutputRoom = scalarOutputRoom
    shape.structOutputRoom = structOutputRoom
    let scalarInputBytes = 8 * scalarInput.count, scalarOutputBytes = 8 * scalarOutputRoom
    shape.memory.headerSizeReadable = header.placement.readable(headerBytes) >= 4
    shape.memory.headerReadable = header.placement.readable(headerBytes) == headerBytes
    shape.memory.headerWritable = header.placement.writable(headerBytes) == headerBytes
    shape.memory.inputsReadable =
      scalarInputPlacement.readable(scalarInputBytes) == scalarInputBytes
      && structInputPlacement.readable(structInput.count) == structInput.count
    shape.memory.outputsWritable =
      scalarOutputPlacement.writable(scalarOutputBytes) == scalarOutputBytes
      && structOutputPlacement.writable(structOutputRoom) == structOutputRoom
    if let async {
      shape.request = .callAsync
      var outer = IoctlShape.AsyncHeader()
      outer.size = Int(async.size)
      outer.flags = async.flags
      if case .nonZero(let offset) = async.tail {
        outer.hasNonZeroTail = (MemoryLayout<ucb_async_call>.size..<async.bufferCount).contains(offset)
      }
      outer.sizeReadable = async.placement.readable(async.bufferCount) >= 4
      outer.readable = async.placement.readable(async.bufferCount) == async.bufferCount
      outer.writable = async.placement.writable(async.bufferCount) == async.bufferCount
      shape.asyncHeader = outer
      if let elsewhere = async.callPointer {
        shape.memory.headerSizeReadable = elsewhere.readable(headerBytes) >= 4
        shape.memory.headerReadable = elsewhere.readable(headerBytes) == headerBytes
        shape.memory.headerWritable = elsewhere.writable(headerBytes) == headerBytes
      }
    }
    return shape
  }
}

extension Placement {
  /// How many of `count` bytes placed so can be read, from the first.
  func readable(_ count: Int) -> Int {
    switch self {
    case .aligned, .misaligned, .readOnly, .againstGuard: return count
    case .straddlingGuard(let inside): return min(inside, count)
    case .overrunningGuard(let overrun): return count - min(overrun, count)
    case .guardPage, .null, .address: return 0
    }
  }

  /// How many of `count` bytes placed so can be written, from the first.
  func writable(_ count: Int) -> Int {
    self == .readOnly ? 0 : readable(count)
  }
}
