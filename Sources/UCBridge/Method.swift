/// A typed method of a ucbridge driver: its selector, its name, the checks
/// of its table entry, and how its Swift input becomes the call's scalars
/// and struct and the call's outputs become its Swift output.
///
/// Call one with ``Connection/call(_:_:)``:
///
/// ```swift
/// let sum = try connection.call(.add, 40, 2)                 // UInt64
/// let info = try connection.call(.pathInfo, "/etc/hostname") // PathInfo
/// let bytes = try connection.call(.echo, [1, 2, 3] as [UInt8])
/// ```
///
/// Every call is checked against ``checks`` in Swift first: a count or
/// size the driver's table would refuse throws
/// ``UCBridgeError/badArgument(_:)`` with a message saying which, and no
/// system call is made.
///
/// The reference driver's methods are declared as static members
/// (``add``, ``echo``, …).  Declare a driver's own methods the same way:
///
/// ```swift
/// extension Method where Input == (UInt64, UInt64), Output == UInt64 {
///   static var multiply: Self {
///     Method(selector: 12, name: "multiply",
///            checks: MethodChecks(scalarInputCount: .exactly(2),
///                                 scalarOutputCount: .exactly(1))) {
///       input, invoke throws(UCBridgeError) in
///       try invoke(scalarInput: [input.0, input.1]).scalar(at: 0)
///     }
///   }
/// }
/// ```
public struct Method<Input, Output>: Sendable {
  /// The method's index in the driver's table.
  public let selector: UInt32
  /// The method's name, as the driver's table gives it.
  public let name: String
  /// What the driver's table checks on every call of the method.
  public let checks: MethodChecks

  /// nil for a method declared with a ``ScalarShape``, whose body would
  /// only call it (and capturing it would allocate at each declaration).
  @usableFromInline
  internal let body:
    (@Sendable (Input, MethodInvocation) throws(UCBridgeError) -> Output)?

  /// How a method that passes only scalars is called without running
  /// ``body`` on a connection: nil for a method declared with a body.
  /// A batch encodes and decodes such a call directly with it.
  @usableFromInline
  internal let scalarShape: ScalarShape?

  /// A method that passes only scalars (no struct input): what ``body``
  /// does, in two halves.
  @usableFromInline
  internal struct ScalarShape: Sendable {
    /// The call's input scalars.
    @usableFromInline
    let scalarInput: @Sendable (Input) -> [UInt64]
    /// The method's output, from what it wrote.
    @usableFromInline
    let output: @Sendable (MethodOutput) throws(UCBridgeError) -> Output
  }

  /// Declares a typed method.
  ///
  /// - Parameters:
  ///   - selector: The method's index in the driver's table.
  ///   - name: The method's name.
  ///   - checks: The checks of the method's table entry.
  ///   - body: Makes the call: passes `Input` to the ``MethodInvocation``
  ///     as scalars and struct bytes, and turns the ``MethodOutput`` it
  ///     returns into `Output`.
  public init(
    selector: UInt32, name: String, checks: MethodChecks,
    body: @escaping @Sendable (Input, MethodInvocation) throws(UCBridgeError) -> Output
  ) {
    self.selector = selector
    self.name = name
    self.checks = checks
    self.body = body
    self.scalarShape = nil
  }

  /// Declares a typed method that passes only scalars: it makes the
  /// call, as a body would, with `scalarInput(input)` and the default output room, and
  /// returns `output` of what the method wrote.  A batch calls it without
  /// running a body.
  internal init(
    selector: UInt32, name: String, checks: MethodChecks,
    scalarInput: @escaping @Sendable (Input) -> [UInt64],
    output: @escaping @Sendable (MethodOutput) throws(UCBridgeError) -> Output
  ) {
    self.selector = selector
    self.name = name
    self.checks = checks
    self.body = nil
    self.scalarShape = ScalarShape(scalarInput: scalarInput, output: output)
  }

  /// Calls the method on `connection`.
  ///
  /// - Parameters:
  ///   - input: The method's input.
  ///   - connection: Where to call it.
  /// - Returns: The method's output.
  /// - Throws: ``UCBridgeError``: `.badArgument` when the call breaks
  ///   ``checks``, otherwise as ``Connection/callMethod(_:scalarInput:structInput:scalarOutput:structOutput:)``.
  @inlinable
  public func invoke(
    _ input: Input, on connection: Connection
  ) throws(UCBridgeError) -> Output {
    // Inlined, so that the caller's specialization calls the method
    // without generic code in between.
    if let scalarShape {
      // What the body would do, without a MethodInvocation or the
      // body's closure in between.
      return try scalarShape.output(connection._callScalarMethod(
        selector, name: name, checks: checks,
        scalarInput: scalarShape.scalarInput(input)))
    }
    return try invokeBody(input, on: connection)
  }

  /// Runs ``body`` on `connection`.
  @usableFromInline
  internal func invokeBody(
    _ input: Input, on connection: Connection
  ) throws(UCBridgeError) -> Output {
    guard let body else {
      let shape = scalarShape!
      return try shape.output(connection._callScalarMethod(
        selector, name: name, checks: checks,
        scalarInput: shape.scalarInput(input)))
    }
    return try body(input, MethodInvocation(
      connection: connection, selector: selector, name: name, checks: checks))
  }
}

extension Connection {
  /// Calls a method that takes no input.
  ///
  /// - Parameter method: The method, such as ``Method/noop``.
  /// - Returns: The method's output.
  /// - Throws: ``UCBridgeError``, as ``Method/invoke(_:on:)``.
  ///
  /// The corresponding C call is `ioctl(fd, UCB_IOC_CALL, &call)`.
  @inlinable
  public func call<Output>(
    _ method: Method<Void, Output>
  ) throws(UCBridgeError) -> Output {
    try method.invoke((), on: self)
  }

  /// Calls a method with one input.
  ///
  /// - Parameters:
  ///   - method: The method, such as ``Method/pathInfo``.
  ///   - input: Its input.
  /// - Returns: The method's output.
  /// - Throws: ``UCBridgeError``, as ``Method/invoke(_:on:)``.
  ///
  /// The corresponding C call is `ioctl(fd, UCB_IOC_CALL, &call)`.
  @inlinable
  public func call<Input, Output>(
    _ method: Method<Input, Output>, _ input: Input
  ) throws(UCBridgeError) -> Output {
    try method.invoke(input, on: self)
  }

  /// Calls a method with two inputs.
  ///
  /// - Parameters:
  ///   - method: The method, such as ``Method/add``.
  ///   - first: Its first input.
  ///   - second: Its second input.
  /// - Returns: The method's output.
  /// - Throws: ``UCBridgeError``, as ``Method/invoke(_:on:)``.
  ///
  /// The corresponding C call is `ioctl(fd, UCB_IOC_CALL, &call)`.
  @inlinable
  public func call<First, Second, Output>(
    _ method: Method<(First, Second), Output>, _ first: First, _ second: Second
  ) throws(UCBridgeError) -> Output {
    try method.invoke((first, second), on: self)
  }
}

extension Connection {
  /// A call of a method passing only scalars, as its body would make it
  /// with a ``MethodInvocation``: checked against `checks`, with the
  /// checks' default output room and no struct input.
  @usableFromInline
  internal func _callScalarMethod(
    _ selector: UInt32, name: String, checks: MethodChecks,
    scalarInput: [UInt64]
  ) throws(UCBridgeError) -> MethodOutput {
    let scalarOutputRoom = checks.defaultScalarOutputRoom
    let structOutputRoom = checks.defaultStructOutputRoom
    try checks.validate(
      scalarInputCount: scalarInput.count, structInputSize: 0,
      scalarOutputRoom: scalarOutputRoom, structOutputRoom: structOutputRoom,
      method: name)
    guard structOutputRoom == 0 else {
      return try callMethod(
        selector, scalarInput: scalarInput, structInput: [UInt8](),
        scalarOutputRoom: scalarOutputRoom, structOutputRoom: structOutputRoom)
    }
    // What callMethod does for no struct, without its generic struct
    // input and its checks, which `checks` made (a scalar output room
    // fits the ABI's).
    return try scalarInput.withUnsafeBufferPointer { scalarInput in
      withUnsafeTemporaryAllocation(
        of: UInt64.self, capacity: scalarOutputRoom
      ) { scalarOutput in
        _callMethod(
          selector, scalarInput: scalarInput,
          structInput: UnsafeRawBufferPointer(start: nil, count: 0),
          scalarOutput: scalarOutput,
          structOutput: UnsafeMutableRawBufferPointer(start: nil, count: 0)
        ).map { counts in
          MethodOutput(scalars: counts.scalarCount == 0
            ? [] : Array(scalarOutput[..<counts.scalarCount]))
        }
      }
    }.get()
  }
}
