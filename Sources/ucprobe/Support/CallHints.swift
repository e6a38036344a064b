import CUCBridge
import UCBridge

/// Hints that explain a failed call from what ucprobe knows: the method's
/// table entry and the ABI's limits.
enum CallHints {
  /// The hints for a failed call, each as `hint: ...`; none when nothing
  /// more can be said.
  ///
  /// - Parameters:
  ///   - error: How the call failed.
  ///   - call: The call as made.
  ///   - method: The method called.
  ///   - async: Whether it was called with `--async`.
  ///   - methodCount: The number of methods in the driver's table.
  /// - Returns: The hints.
  static func hints(
    for error: UCBridgeError, of call: MethodCall, to method: TargetMethod, async: Bool,
    methodCount: Int
  ) -> [String] {
    hint(for: error, of: call, to: method, async: async, methodCount: methodCount)
      .map { ["hint: \($0)"] } ?? []
  }

  private static func hint(
    for error: UCBridgeError, of call: MethodCall, to method: TargetMethod, async: Bool,
    methodCount: Int
  ) -> String? {
    let maxScalars = Int(UCB_MAX_SCALARS)
    switch error {
    case .ioReturn(.badArgument) where method.info != nil && method.isAsync != async:
      let name = method.info!.name
      return async
        ? "\(name) is not an async method: call it without --async"
        : "\(name) is an async method: call it with --async"
    case .ioReturn(.unsupported) where method.info == nil:
      return "selector \(method.selector) is past the driver's table, which has selectors 0 to \(methodCount - 1); see 'ucprobe list'"
    case .ioReturn(.notPrivileged):
      return "\(method.info?.name ?? "the method") is admin-only: it needs a caller with CAP_SYS_ADMIN"
    case .ioReturn(.badArgument):
      guard let info = method.info else { return nil }
      do {
        try info.checks.validate(
          scalarInputCount: call.scalarInput.count, structInputSize: call.structInput.count,
          scalarOutputRoom: call.scalarOutputRoom, structOutputRoom: call.structOutputRoom,
          method: info.name)
        return "the call passes the table's checks, so \(info.name) itself refused its input"
      } catch {
        if case .badArgument(let problem) = error { return problem }
        return nil
      }
    case .ioReturn(.overrun):
      return "the output did not fit the room offered (\(Units.bytes(call.structOutputRoom))); offer more with --out-size"
    case .errno(.invalidArgument)
    where call.scalarInput.count > maxScalars || call.scalarOutputRoom > maxScalars:
      return "a call carries at most \(maxScalars) scalars each way"
    default:
      return nil
    }
  }
}
