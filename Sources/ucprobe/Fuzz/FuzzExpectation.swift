import UCBridgeTestSupport

// What the ABI allows a fuzz case's ioctl to do is ABIExpectation, in
// UCBridgeTestSupport: the one statement of the rules, which the
// conformance corpus's expected outcomes are checked against too.  Here,
// a fuzz case as those rules see it.

extension FuzzCase.Request {
  /// The request as the ABI's rules name it.
  var shape: IoctlShape.Request {
    switch self {
    case .call: return .call
    case .driverInfo: return .driverInfo
    case .methodInfo: return .methodInfo
    case .open: return .open
    case .unknown: return .unknown
    case .callBatch: return .callBatch
    case .memoryInfo: return .memoryInfo
    case .callAsync: return .callAsync
    case .cancel: return .cancel
    case .readEvents: return .readEvents
    }
  }
}

extension FuzzCase {
  /// The case as the ABI's rules see it.
  ///
  /// - Parameters:
  ///   - memory: Which of its bytes can be read and written.
  ///   - asyncHeader: For `UCB_IOC_CALL_ASYNC`, its own header as the
  ///     rules see it.
  /// - Returns: Its ioctl.
  func shape(memory: IoctlShape.Memory, asyncHeader: IoctlShape.AsyncHeader? = nil) -> IoctlShape {
    var shape = IoctlShape(request.shape, size: Int(size))
    shape.hasNonZeroTail = hasNonZeroTail
    shape.flags = flags
    shape.selector = selector
    shape.scalarInputCount = Int(scalarInput.count)
    shape.structInputSize = Int(structInput.count)
    shape.scalarOutputRoom = Int(scalarOutput.count)
    shape.structOutputRoom = Int(structOutput.count)
    shape.memory = memory
    shape.asyncHeader = asyncHeader
    return shape
  }
}
