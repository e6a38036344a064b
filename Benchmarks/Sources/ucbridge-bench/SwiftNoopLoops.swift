import CUCBridge
import UCBridge
import UCBridgeIOKit

/// The Swift layers a noop goes through, one timed loop each: the same
/// loops measure a device, the mock, and (for callgrind) a device whose
/// calls are answered in user space.
enum SwiftNoopLayer: String, CaseIterable {
  case raw = "swift-raw"
  case typed = "swift-typed"
  case iokitScalar = "iokit-scalar"
  case iokitMethod = "iokit-method"

  /// How the reports name it.
  var label: String {
    switch self {
    case .raw: return "Swift raw callMethod (buffers)"
    case .typed: return "Swift typed connection.call(.noop)"
    case .iokitScalar: return "IOKit shim IOConnectCallScalarMethod"
    case .iokitMethod: return "IOKit shim IOConnectCallMethod"
    }
  }

  /// `n` noop calls through this layer; the nanoseconds they took.
  ///
  /// - Parameters:
  ///   - n: How many calls.
  ///   - connection: The connection, for the UCBridge layers.
  ///   - handle: The same device's `io_connect_t`, for the IOKit shim.
  func run(_ n: Int, connection: Connection, handle: io_connect_t) throws -> UInt64 {
    switch self {
    case .raw:
      return try timed {
        for _ in 0..<n {
          _ = try connection.callMethod(
            selectorNoop, scalarInput: UnsafeBufferPointer(start: nil, count: 0),
            structInput: UnsafeRawBufferPointer(start: nil, count: 0),
            scalarOutput: UnsafeMutableBufferPointer(start: nil, count: 0),
            structOutput: UnsafeMutableRawBufferPointer(start: nil, count: 0))
        }
      }
    case .typed:
      return try timed {
        for _ in 0..<n { try connection.call(.noop) }
      }
    case .iokitScalar:
      return try timed {
        var count: UInt32 = 0
        for _ in 0..<n {
          count = 0
          guard IOConnectCallScalarMethod(handle, selectorNoop, nil, 0, nil, &count)
            == kIOReturnSuccess
          else { throw BenchFailure("IOConnectCallScalarMethod failed") }
        }
      }
    case .iokitMethod:
      return try timed {
        var count: UInt32 = 0
        var structCount = 0
        for _ in 0..<n {
          count = 0
          structCount = 0
          guard IOConnectCallMethod(
            handle, selectorNoop, nil, 0, nil, 0, nil, &count, nil, &structCount)
            == kIOReturnSuccess
          else { throw BenchFailure("IOConnectCallMethod failed") }
        }
      }
    }
  }
}
