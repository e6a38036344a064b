/// A typed method of a ucbridge driver: its selector, its name, the checks
/// of its table entry, and how its Swift input becomes the call's scalars
/// and struct and the call's outputs become its Swift output.
///
/// Call one with ``Connection/call(_:_:)-(Method<Input,Output>,_)``:
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

  /// Makes the call; nil for a method of shape ``ScalarMethodShape/none``,
  /// whose call needs none, so that `.noop` made at each use has nothing
  /// to release.
  @usableFromInline
  internal let body:
    (@Sendable (Input, MethodInvocation) throws(UCBridgeError) -> Output)?

  /// For a reference method passing only scalars, which one, so that a
  /// batch encodes and decodes its calls without running ``body``; nil
  /// for any other.  A trivial value, so that a method value made at each
  /// use (`.noop`) costs no more than one with only a body.
  @usableFromInline
  internal var scalarShape: ScalarShape? = nil

  /// The shapes of the reference methods a batch calls directly.
  @usableFromInline
  internal typealias ScalarShape = ScalarMethodShape

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
  }

  /// Gives a method declared with a body its shape: the body must do
  /// what the shape says.
  fileprivate func shaped(_ shape: ScalarShape) -> Self {
    var method = self
    method.scalarShape = shape
    return method
  }

  /// Calls the method on `connection`.
  ///
  /// - Parameters:
  ///   - input: The method's input.
  ///   - connection: Where to call it.
  /// - Returns: The method's output.
  /// - Throws: ``UCBridgeError``: `.badArgument` when the call breaks
  ///   ``checks``, otherwise as ``Connection/callMethod(_:scalarInput:structInput:scalarOutput:structOutput:)``.
  @inlinable @inline(always)
  public func invoke(
    _ input: Input, on connection: Connection
  ) throws(UCBridgeError) -> Output {
    if case .none? = scalarShape {
      // What the body does (no input, no output, checks that such a call
      // always passes), without a MethodInvocation, the body's closure or
      // the checks in between.
      try connection._callWithoutInput(selector)
      return unsafeBitCast((), to: Output.self)
    }
    return try invokeBody(input, on: connection)
  }

  /// Runs ``body`` on `connection`.
  @usableFromInline
  internal func invokeBody(
    _ input: Input, on connection: Connection
  ) throws(UCBridgeError) -> Output {
    // Only a method of shape none has no body, and invoke(_:on:) calls
    // that itself.
    try body!(input, MethodInvocation(
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
  @inlinable @inline(always)
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

extension Method where Input == Void, Output == Void {
  /// Declares a reference method that takes nothing and returns nothing:
  /// its checks are all zero, so a call without input always passes them,
  /// and it has the shape ``ScalarMethodShape/none``.
  ///
  /// Inlinable, as the methods declared with it are, so that a caller
  /// making `.noop` at each call sees the shape and a body without
  /// context, and makes and destroys nothing.
  @inlinable @inline(always)
  internal init(noInputOrOutput selector: UInt32, name: String) {
    self.selector = selector
    self.name = name
    checks = MethodChecks()
    body = nil
    scalarShape = ScalarShape.none
  }
}

extension Method where Input == (UInt64, UInt64), Output == UInt64 {
  /// Declares a reference method taking two scalars and returning the
  /// first written, its body making the call with the default room.
  internal init(
    selector: UInt32, name: String, checks: MethodChecks, shape: ScalarShape,
    body: @escaping @Sendable (Input, MethodInvocation) throws(UCBridgeError) -> Output
  ) {
    precondition(shape == .twoInOneOut, "a shape for other types")
    self = Method(selector: selector, name: name, checks: checks, body: body).shaped(shape)
  }
}

/// The shapes of the reference methods a batch calls directly, each what
/// the method's body does.  A method has one only where its `Input` and
/// `Output` are the types the shape names (see ``scalarInput(_:)``).
@usableFromInline
internal enum ScalarMethodShape: Sendable {
  /// No input, nothing written read: `Input` and `Output` are `Void`.
  case none
  /// Two scalars in, one out: `Input` is `(UInt64, UInt64)` and `Output`
  /// `UInt64`.
  case twoInOneOut

  /// The call's input scalars, from the method's input.
  func scalarInput<Input>(_ input: Input) -> [UInt64] {
    switch self {
    case .none: return []
    case .twoInOneOut:
      let pair = unsafeBitCast(input, to: (UInt64, UInt64).self)
      return [pair.0, pair.1]
    }
  }

  /// The method's output, from what it wrote.
  func output(_ written: MethodOutput) -> any Sendable {
    switch self {
    case .none: return ()
    case .twoInOneOut: return written.scalar(at: 0)
    }
  }
}

extension Connection {
  /// The call of a method of shape ``ScalarMethodShape/none``, as its body
  /// makes it with a ``MethodInvocation`` and no arguments: nothing in,
  /// no room out, checks of all zero that it passes.
  @inlinable @inline(always)
  internal func _callWithoutInput(_ selector: UInt32) throws(UCBridgeError) {
    _ = try _callMethod(
      selector, scalarInput: UnsafeBufferPointer(start: nil, count: 0),
      structInput: UnsafeRawBufferPointer(start: nil, count: 0),
      scalarOutput: UnsafeMutableBufferPointer(start: nil, count: 0),
      structOutput: UnsafeMutableRawBufferPointer(start: nil, count: 0))
  }
}
