import CUCBridge

/// The four checks a driver's method table makes on every call, as IOKit's
/// `IOExternalMethodDispatch` (`checkScalarInputCount`,
/// `checkStructureInputSize`, `checkScalarOutputCount`,
/// `checkStructureOutputSize`).
///
/// A fixed count or size must match exactly.  A variable one
/// (`UCB_VARIABLE_SIZE`, IOKit's `kIOUCVariableStructureSize`) accepts any
/// value up to its maximum: `UCB_MAX_SCALARS` for scalars, the method's own
/// maximum for struct inputs.  A variable struct output accepts any room;
/// the driver hands the method at most the maximum of it.
///
/// ``validate(scalarInputCount:structInputSize:scalarOutputRoom:structOutputRoom:method:)``
/// applies the same rule as the driver, so a typed ``Method`` refuses a
/// call the driver would refuse before making the system call.
/// ``MethodInfo/checks`` gives the checks of a live driver's table.
///
/// An async method (``isAsync``, `UCB_METHOD_FLAG_ASYNC`, IOKit's
/// `checkCompletionExists`) is checked the same way, and the driver refuses
/// it through the wrong call, sync or async, with ``IOReturn/badArgument``.
public struct MethodChecks: Hashable, Sendable {
  /// The check on a scalar count.
  public enum ScalarCount: Hashable, Sendable {
    /// Exactly this many scalars.
    case exactly(Int)
    /// Any number of scalars up to `UCB_MAX_SCALARS`.
    case variable
  }

  /// The check on a struct size.
  public enum StructSize: Hashable, Sendable {
    /// Exactly this many bytes.
    case exactly(Int)
    /// Any size up to `max` bytes.
    case variable(max: Int)
  }

  /// The check on the number of input scalars.
  public var scalarInputCount: ScalarCount
  /// The check on the size of the input struct.
  public var structInputSize: StructSize
  /// The check on the room for output scalars.
  public var scalarOutputCount: ScalarCount
  /// The check on the room for the output struct.
  public var structOutputSize: StructSize
  /// Whether the method answers later and is called only as an async call
  /// (``AsyncMethod``, ``Connection/submitAsyncMethod(_:reference:scalarInput:structInput:scalarOutput:structOutput:completion:)``).
  public var isAsync: Bool

  /// Creates the checks of a method; by default, one that takes and
  /// returns nothing.
  ///
  /// - Parameters:
  ///   - scalarInputCount: The check on the number of input scalars.
  ///   - structInputSize: The check on the input struct's size.
  ///   - scalarOutputCount: The check on the room for output scalars.
  ///   - structOutputSize: The check on the room for the output struct.
  ///   - isAsync: Whether the method is async.
  public init(
    scalarInputCount: ScalarCount = .exactly(0),
    structInputSize: StructSize = .exactly(0),
    scalarOutputCount: ScalarCount = .exactly(0),
    structOutputSize: StructSize = .exactly(0),
    isAsync: Bool = false
  ) {
    self.scalarInputCount = scalarInputCount
    self.structInputSize = structInputSize
    self.scalarOutputCount = scalarOutputCount
    self.structOutputSize = structOutputSize
    self.isAsync = isAsync
  }

  /// Checks a call's counts and sizes as the driver will, in the driver's
  /// order: scalar counts, then the struct input, then the struct output.
  ///
  /// - Parameters:
  ///   - scalarInputCount: Input scalars the call passes.
  ///   - structInputSize: Input struct bytes the call passes.
  ///   - scalarOutputRoom: Room for output scalars the call passes.
  ///   - structOutputRoom: Room for the output struct the call passes.
  ///   - method: The method's name, for the message.
  /// - Throws: ``UCBridgeError/badArgument(_:)`` saying which check failed;
  ///   the driver would answer ``IOReturn/badArgument`` (or `EINVAL` for
  ///   more than `UCB_MAX_SCALARS` scalars).
  public func validate(
    scalarInputCount: Int, structInputSize: Int,
    scalarOutputRoom: Int, structOutputRoom: Int,
    method: String
  ) throws(UCBridgeError) {
    // The common case, a call that fits, with integer comparisons only;
    // the messages are built only for a call that does not.
    if Self.fits(scalarInputCount, self.scalarInputCount),
      Self.fits(scalarOutputRoom, self.scalarOutputCount),
      Self.fits(structInputSize, self.structInputSize, roomOnly: false),
      Self.fits(structOutputRoom, self.structOutputSize, roomOnly: true)
    {
      return
    }
    if let problem =
      Self.problem(scalarInputCount, self.scalarInputCount, "scalar inputs")
      ?? Self.problem(scalarOutputRoom, self.scalarOutputCount, "scalar outputs")
      ?? Self.problem(structInputSize, self.structInputSize, "struct input",
                      roomOnly: false)
      ?? Self.problem(structOutputRoom, self.structOutputSize, "struct output room",
                      roomOnly: true)
    {
      throw .badArgument("\(method): \(problem)")
    }
  }

  private static func fits(_ count: Int, _ check: ScalarCount) -> Bool {
    switch check {
    case .exactly(let want): return count == want
    case .variable: return (0...Int(UCB_MAX_SCALARS)).contains(count)
    }
  }

  private static func fits(_ size: Int, _ check: StructSize, roomOnly: Bool) -> Bool {
    switch check {
    case .exactly(let want): return size == want
    case .variable(let max): return size >= 0 && (roomOnly || size <= max)
    }
  }

  private static func problem(
    _ count: Int, _ check: ScalarCount, _ what: String
  ) -> String? {
    let limit = Int(UCB_MAX_SCALARS)
    switch check {
    case .exactly(let want) where count != want:
      return "\(count) \(what), the method takes exactly \(want)"
    case .variable where !(0...limit).contains(count):
      return "\(count) \(what), a call carries 0 to \(limit)"
    default:
      return nil
    }
  }

  /// A variable struct output accepts any room (the driver clamps it to
  /// the maximum), so only an input is held to its maximum.
  private static func problem(
    _ size: Int, _ check: StructSize, _ what: String, roomOnly: Bool
  ) -> String? {
    switch check {
    case .exactly(let want) where size != want:
      return "\(what) of \(size) bytes, the method takes exactly \(want)"
    case .variable(let max) where size < 0 || (!roomOnly && size > max):
      return "\(what) of \(size) bytes, the method takes 0 to \(max)"
    default:
      return nil
    }
  }
}
