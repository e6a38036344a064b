import UCBridge

/// A method of a mock driver written in Swift: a table entry, like the C
/// `struct ucb_method` of a kernel driver, whose handler is a closure.
///
/// The dispatch core checks each call against ``checks`` and copies its
/// inputs before the handler runs, exactly as for a kernel driver, so the
/// handler sees only calls that passed.
///
/// A Swift method answers synchronously: async methods
/// (`MethodChecks.isAsync`, `UCB_METHOD_FLAG_ASYNC`) are not supported,
/// and a device declaring one is refused with `UCBridgeError.badArgument`.
/// The reference device's async methods (`delayed`, `asyncChecksum`) and
/// notifications run in the C core as in the kernel.
///
/// ```swift
/// let multiply = MockMethod(
///   selector: 0, name: "multiply",
///   checks: MethodChecks(scalarInputCount: .exactly(2),
///                        scalarOutputCount: .exactly(1))
/// ) { call in
///   let input = call.scalarInput
///   call.setScalarOutput([input[0] &* input[1]])
///   return .success
/// }
/// let device = try MockDevice(name: "calc", methods: [multiply])
/// ```
public struct MockMethod: Sendable {
  /// Runs a call that passed the checks; returns its `IOReturn`.  Outputs
  /// reach the caller only on `IOReturn.success`.
  public typealias Handler = @Sendable (inout MockCall) -> IOReturn

  /// The method's index in the table.
  public var selector: UInt32
  /// The method's name, under `UCB_NAME_SIZE` bytes.
  public var name: String
  /// The checks of the table entry; a variable struct size's maximum is
  /// the method's own (the device's max_struct_size bounds it too).
  public var checks: MethodChecks
  /// Whether only a privileged connection may call it
  /// (`UCB_METHOD_FLAG_ADMIN`).
  public var requiresAdmin: Bool
  /// The implementation.
  public var handler: Handler

  /// Declares a mock method.
  ///
  /// - Parameters:
  ///   - selector: The method's index in the table.
  ///   - name: Its name.
  ///   - checks: The checks of its table entry.
  ///   - requiresAdmin: Whether only a privileged connection may call it.
  ///   - handler: The implementation.
  public init(
    selector: UInt32, name: String, checks: MethodChecks,
    requiresAdmin: Bool = false, handler: @escaping Handler
  ) {
    self.selector = selector
    self.name = name
    self.checks = checks
    self.requiresAdmin = requiresAdmin
    self.handler = handler
  }

  /// Declares the mock implementation of a typed method, taking its
  /// selector, name and checks.
  ///
  /// - Parameters:
  ///   - method: The typed method the app calls.
  ///   - requiresAdmin: Whether only a privileged connection may call it.
  ///   - handler: The implementation.
  public init<Input, Output>(
    _ method: Method<Input, Output>, requiresAdmin: Bool = false,
    handler: @escaping Handler
  ) {
    self.init(
      selector: method.selector, name: method.name, checks: method.checks,
      requiresAdmin: requiresAdmin, handler: handler)
  }
}

/// A handler kept alive for the C table's `context` pointer.
final class MockHandlerBox: Sendable {
  let handler: MockMethod.Handler

  init(_ handler: @escaping MockMethod.Handler) {
    self.handler = handler
  }
}
