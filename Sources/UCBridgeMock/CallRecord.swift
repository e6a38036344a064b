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
  public var scalarOutputWritten: Int
  /// Output struct bytes written back (0 unless the call succeeded).
  public var structOutputWritten: Int
  /// The dispatch's `IOReturn`, or the ioctl's error number.
  public var result: Result<IOReturn, Errno>
  /// Whether a ``MockFault`` decided the outcome.
  public var injected: Bool

  /// Creates a record, for comparing with ``MockDevice/callLog``.
  ///
  /// - Parameters:
  ///   - selector: The selector called.
  ///   - scalarInputCount: Input scalars passed.
  ///   - structInputSize: Input struct bytes passed.
  ///   - scalarOutputRoom: Room for output scalars passed.
  ///   - structOutputRoom: Room for the output struct passed.
  ///   - scalarOutputWritten: Output scalars written back.
  ///   - structOutputWritten: Output struct bytes written back.
  ///   - result: The dispatch's `IOReturn` or the ioctl's error number.
  ///   - injected: Whether a fault decided the outcome.
  public init(
    selector: UInt32, scalarInputCount: Int, structInputSize: Int,
    scalarOutputRoom: Int, structOutputRoom: Int,
    scalarOutputWritten: Int, structOutputWritten: Int,
    result: Result<IOReturn, Errno>, injected: Bool
  ) {
    self.selector = selector
    self.scalarInputCount = scalarInputCount
    self.structInputSize = structInputSize
    self.scalarOutputRoom = scalarOutputRoom
    self.structOutputRoom = structOutputRoom
    self.scalarOutputWritten = scalarOutputWritten
    self.structOutputWritten = structOutputWritten
    self.result = result
    self.injected = injected
  }

  /// Records a call from its header before and after the ioctl.
  init(
    before: ucb_call, after: ucb_call, error: Errno?, injected: Bool
  ) {
    self.init(
      selector: before.selector,
      scalarInputCount: Int(before.scalar_in_count),
      structInputSize: Int(before.struct_in_size),
      scalarOutputRoom: Int(before.scalar_out_count),
      structOutputRoom: Int(before.struct_out_size),
      scalarOutputWritten: error == nil ? Int(after.scalar_out_count) : 0,
      structOutputWritten: error == nil ? Int(after.struct_out_size) : 0,
      result: error.map { .failure($0) } ?? .success(IOReturn(rawValue: after.result)),
      injected: injected)
  }
}
