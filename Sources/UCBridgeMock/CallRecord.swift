import CUCBridge
import SystemPackage
import UCBridge

/// One method call a ``MockDevice`` saw, for assertions.
public struct CallRecord: Hashable, Sendable {
  /// The selector called.
  public var selector: UInt32
  /// Input scalars passed.
  public var scalarInputCount: Int
  /// Input struct bytes passed.
  public var structInputSize: Int
  /// Room for output scalars passed.
  public var scalarOutputRoom: Int
  /// Room for the output struct passed.
  public var structOutputRoom: Int
  /// Output scalars written back (0 unless the call succeeded).
  public var scalarOutputCount: Int
  /// Output struct bytes written back (0 unless the call succeeded).
  public var structOutputSize: Int
  /// The dispatch's `IOReturn`, or the ioctl's error number.
  public var result: Result<IOReturn, Errno>
  /// Whether a ``MockFault`` decided the outcome.
  public var injected: Bool

  /// Records a call from its header before and after the ioctl.
  init(
    before: ucb_call, after: ucb_call, error: Errno?, injected: Bool
  ) {
    selector = before.selector
    scalarInputCount = Int(before.scalar_in_count)
    structInputSize = Int(before.struct_in_size)
    scalarOutputRoom = Int(before.scalar_out_count)
    structOutputRoom = Int(before.struct_out_size)
    if let error {
      scalarOutputCount = 0
      structOutputSize = 0
      result = .failure(error)
    } else {
      scalarOutputCount = Int(after.scalar_out_count)
      structOutputSize = Int(after.struct_out_size)
      result = .success(IOReturn(rawValue: after.result))
    }
    self.injected = injected
  }
}
