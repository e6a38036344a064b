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

  /// The four checks and ``isAsync`` in one vector: each check's count or
  /// size in lanes 0 to 3, and in lane 4 a bit for each check that is
  /// variable (bit `n` for lane `n`) and `asyncFlag`.
  ///
  /// One value, not four enums with payloads and a `Bool`: Swift keeps a struct of
  /// more than about seven scalar parts in memory, and a ``Method``
  /// holding these checks field by field was built in memory at every
  /// typed call and destroyed through its type's metadata: about 65
  /// instructions of a `call(.noop)`, which now adds about 15 to the same
  /// call from C.
  @usableFromInline
  internal var storage: SIMD8<Int>

  @inlinable
  internal static var flagsLane: Int { 4 }

  @inlinable
  internal static var asyncFlag: Int { 1 << 4 }

  /// The check on the number of input scalars.
  @inlinable
  public var scalarInputCount: ScalarCount {
    get { scalarCount(lane: 0) }
    set { setScalarCount(newValue, lane: 0) }
  }

  /// The check on the size of the input struct.
  @inlinable
  public var structInputSize: StructSize {
    get { structSize(lane: 1) }
    set { setStructSize(newValue, lane: 1) }
  }

  /// The check on the room for output scalars.
  @inlinable
  public var scalarOutputCount: ScalarCount {
    get { scalarCount(lane: 2) }
    set { setScalarCount(newValue, lane: 2) }
  }

  /// The check on the room for the output struct.
  @inlinable
  public var structOutputSize: StructSize {
    get { structSize(lane: 3) }
    set { setStructSize(newValue, lane: 3) }
  }

  /// Whether the method answers later and is called only as an async call
  /// (``AsyncMethod``, ``Connection/submitAsyncMethod(_:reference:scalarInput:structInput:scalarOutput:structOutput:completion:)``).
  @inlinable
  public var isAsync: Bool {
    get { storage[Self.flagsLane] & Self.asyncFlag != 0 }
    set { setFlag(Self.asyncFlag, newValue) }
  }

  /// Creates the checks of a method; by default, one that takes and
  /// returns nothing.
  ///
  /// - Parameters:
  ///   - scalarInputCount: The check on the number of input scalars.
  ///   - structInputSize: The check on the input struct's size.
  ///   - scalarOutputCount: The check on the room for output scalars.
  ///   - structOutputSize: The check on the room for the output struct.
  ///   - isAsync: Whether the method is async.
  @inlinable
  public init(
    scalarInputCount: ScalarCount = .exactly(0),
    structInputSize: StructSize = .exactly(0),
    scalarOutputCount: ScalarCount = .exactly(0),
    structOutputSize: StructSize = .exactly(0),
    isAsync: Bool = false
  ) {
    storage = .zero
    self.scalarInputCount = scalarInputCount
    self.structInputSize = structInputSize
    self.scalarOutputCount = scalarOutputCount
    self.structOutputSize = structOutputSize
    self.isAsync = isAsync
  }

  @inlinable
  internal func isVariable(lane: Int) -> Bool {
    storage[Self.flagsLane] & (1 << lane) != 0
  }

  @inlinable
  internal mutating func setFlag(_ flag: Int, _ on: Bool) {
    storage[Self.flagsLane] = on
      ? storage[Self.flagsLane] | flag : storage[Self.flagsLane] & ~flag
  }

  @inlinable
  internal func scalarCount(lane: Int) -> ScalarCount {
    isVariable(lane: lane) ? .variable : .exactly(storage[lane])
  }

  /// A variable count keeps 0 in its lane, so that equal checks have equal
  /// storage.
  @inlinable
  internal mutating func setScalarCount(_ check: ScalarCount, lane: Int) {
    switch check {
    case .exactly(let count): setLane(lane, to: count, isVariable: false)
    case .variable: setLane(lane, to: 0, isVariable: true)
    }
  }

  @inlinable
  internal func structSize(lane: Int) -> StructSize {
    isVariable(lane: lane) ? .variable(max: storage[lane]) : .exactly(storage[lane])
  }

  @inlinable
  internal mutating func setStructSize(_ check: StructSize, lane: Int) {
    switch check {
    case .exactly(let size): setLane(lane, to: size, isVariable: false)
    case .variable(let max): setLane(lane, to: max, isVariable: true)
    }
  }

  @inlinable
  internal mutating func setLane(_ lane: Int, to value: Int, isVariable: Bool) {
    storage[lane] = value
    setFlag(1 << lane, isVariable)
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
