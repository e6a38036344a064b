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

  private let body:
    @Sendable (Input, MethodInvocation) throws(UCBridgeError) -> Output

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

  /// Calls the method on `connection`.
  ///
  /// - Parameters:
  ///   - input: The method's input.
  ///   - connection: Where to call it.
  /// - Returns: The method's output.
  /// - Throws: ``UCBridgeError``: `.badArgument` when the call breaks
  ///   ``checks``, otherwise as ``Connection/callMethod(_:scalarInput:structInput:scalarOutput:structOutput:)``.
  public func invoke(
    _ input: Input, on connection: Connection
  ) throws(UCBridgeError) -> Output {
    try body(input, MethodInvocation(
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
  public func call<First, Second, Output>(
    _ method: Method<(First, Second), Output>, _ first: First, _ second: Second
  ) throws(UCBridgeError) -> Output {
    try method.invoke((first, second), on: self)
  }
}
