import UCBridge

/// One raw method call as the command line describes it: exactly the
/// counts and sizes given, with no check in Swift, so that the driver
/// answers for itself.
struct MethodCall {
  /// The selector.
  var selector: UInt32
  /// The input scalars; more than `UCB_MAX_SCALARS` are sent as they are.
  var scalarInput: [UInt64]
  /// The struct input.
  var structInput: [UInt8]
  /// Room offered for output scalars.
  var scalarOutputRoom: Int
  /// Room offered for the output struct, in bytes.
  var structOutputRoom: Int

  /// Makes the call with the raw, buffer-taking call.
  ///
  /// - Parameter connection: Where to make it.
  /// - Returns: What the method wrote, or how the call failed.
  func make(on connection: Connection) -> Result<MethodOutput, UCBridgeError> {
    withBuffers { scalarInput, structInput, scalarOutput, structOutput throws(UCBridgeError) in
      ((), try connection.callMethod(
        selector, scalarInput: scalarInput, structInput: structInput,
        scalarOutput: scalarOutput, structOutput: structOutput))
    }.map(\.output)
  }

  /// Submits the call as an async call, with the raw, buffer-taking
  /// submission.
  ///
  /// - Parameters:
  ///   - connection: Where to submit it.
  ///   - reference: The reference words the completion carries back.
  ///   - completion: Runs once with the completion, on the connection's
  ///     event reader, when the call was accepted.
  /// - Returns: The accepted call's id and its synchronous outputs, or how
  ///   the submission failed (then `completion` never runs).
  func submit(
    on connection: Connection, reference: [UInt64],
    completion: @escaping @Sendable (AsyncCompletion) -> Void
  ) -> Result<(id: UInt64, output: MethodOutput), UCBridgeError> {
    withBuffers { scalarInput, structInput, scalarOutput, structOutput throws(UCBridgeError) in
      try connection.submitAsyncMethod(
        selector, reference: reference, scalarInput: scalarInput,
        structInput: structInput, scalarOutput: scalarOutput,
        structOutput: structOutput, completion: completion)
    }.map { (id: $0.value, output: $0.output) }
  }

  /// Runs a raw call with the inputs and fresh output room, and keeps of
  /// the room what the driver says it wrote.
  private func withBuffers<Value>(
    _ call: (
      UnsafeBufferPointer<UInt64>, UnsafeRawBufferPointer,
      UnsafeMutableBufferPointer<UInt64>, UnsafeMutableRawBufferPointer
    ) throws(UCBridgeError) -> (Value, OutputCounts)
  ) -> Result<(value: Value, output: MethodOutput), UCBridgeError> {
    var scalars = [UInt64](repeating: 0, count: scalarOutputRoom)
    var bytes = [UInt8](repeating: 0, count: structOutputRoom)
    let made = scalarInput.withUnsafeBufferPointer { scalarInput in
      structInput.withUnsafeBytes { structInput in
        scalars.withUnsafeMutableBufferPointer { scalarOutput in
          bytes.withUnsafeMutableBytes { structOutput in
            Result { () throws(UCBridgeError) in
              try call(scalarInput, structInput, scalarOutput, structOutput)
            }
          }
        }
      }
    }
    return made.map { value, counts in
      (value, MethodOutput(
        scalars: Array(scalars.prefix(counts.scalarCount)),
        structBytes: Array(bytes.prefix(counts.structSize))))
    }
  }
}
