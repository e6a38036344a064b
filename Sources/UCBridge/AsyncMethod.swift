import CUCBridge
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A typed async method of a ucbridge driver (`UCB_METHOD_FLAG_ASYNC`): the
/// counterpart of ``Method`` whose checks say it is async
/// (``MethodChecks/isAsync``) and whose call is `async`, ending with its
/// completion.
///
/// ```swift
/// let value = try await connection.call(.delayed, 1_000, 42)   // 42, 1 ms later
/// let sum = try await connection.call(.asyncChecksum, bytes)   // Checksum
/// ```
///
/// Cancelling the calling task sends `UCB_IOC_CANCEL`; the call then ends
/// with the driver's result, usually ``IOReturn/aborted``, thrown as
/// ``UCBridgeError/ioReturn(_:)``.
///
/// It is a type of its own rather than a ``Method``: in an async context
/// Swift prefers an `async` overload of ``Connection/call(_:_:)-(AsyncMethod<Input,Output>,_)`` over the
/// synchronous one, so sharing the type would make every method's call
/// `async` there.
///
/// Declare a driver's own async methods as the reference ones are:
///
/// ```swift
/// extension AsyncMethod where Input == UInt64, Output == UInt64 {
///   static var measure: Self {
///     AsyncMethod(selector: 20, name: "measure",
///                 checks: MethodChecks(scalarInputCount: .exactly(1), isAsync: true)) {
///       input, invoke throws(UCBridgeError) in
///       try await invoke.completion(scalarInput: [input]).argument(at: 0)
///     }
///   }
/// }
/// ```
public struct AsyncMethod<Input, Output>: Sendable {
  /// The method's index in the driver's table.
  public let selector: UInt32
  /// The method's name, as the driver's table gives it.
  public let name: String
  /// What the driver's table checks on every call of the method;
  /// ``MethodChecks/isAsync`` is true.
  public let checks: MethodChecks

  private let body:
    @Sendable (Input, MethodInvocation) async throws(UCBridgeError) -> Output

  /// Declares a typed async method.
  ///
  /// - Parameters:
  ///   - selector: The method's index in the driver's table.
  ///   - name: The method's name.
  ///   - checks: The checks of the method's table entry, async.
  ///   - body: Makes the call with ``MethodInvocation/completion(scalarInput:structInput:)``
  ///     and turns the completion into `Output`.
  public init(
    selector: UInt32, name: String, checks: MethodChecks,
    body: @escaping @Sendable (Input, MethodInvocation) async throws(UCBridgeError) -> Output
  ) {
    precondition(checks.isAsync, "\(name): the checks of an async method say it is async")
    self.selector = selector
    self.name = name
    self.checks = checks
    self.body = body
  }

  /// Calls the method on `connection` and waits for its completion.
  ///
  /// - Parameters:
  ///   - input: The method's input.
  ///   - connection: Where to call it.
  /// - Returns: The method's output, from its completion.
  /// - Throws: ``UCBridgeError``: `.badArgument` when the call breaks
  ///   ``checks``; `.ioReturn` with the driver's refusal or the
  ///   completion's failure (``IOReturn/aborted`` when cancelled or the
  ///   connection closed); `.errno` as the raw call.
  public func invoke(
    _ input: Input, on connection: Connection
  ) async throws(UCBridgeError) -> Output {
    try await body(input, MethodInvocation(
      connection: connection, selector: selector, name: name, checks: checks))
  }
}

extension Connection {
  /// Calls an async method with one input and waits for its completion.
  ///
  /// - Parameters:
  ///   - method: The method, such as ``AsyncMethod/asyncChecksum``.
  ///   - input: Its input.
  /// - Returns: The method's output.
  /// - Throws: ``UCBridgeError``, as ``AsyncMethod/invoke(_:on:)``.
  ///
  /// The corresponding C call is `ioctl(fd, UCB_IOC_CALL_ASYNC, &async)`,
  /// then read(2) of its completion; cancelling the task adds
  /// `ioctl(fd, UCB_IOC_CANCEL, &cancel)`.
  public func call<Input, Output>(
    _ method: AsyncMethod<Input, Output>, _ input: Input
  ) async throws(UCBridgeError) -> Output {
    try await method.invoke(input, on: self)
  }

  /// Calls an async method with two inputs and waits for its completion.
  ///
  /// - Parameters:
  ///   - method: The method, such as ``AsyncMethod/delayed``.
  ///   - first: Its first input.
  ///   - second: Its second input.
  /// - Returns: The method's output.
  /// - Throws: ``UCBridgeError``, as ``AsyncMethod/invoke(_:on:)``.
  ///
  /// The corresponding C call is `ioctl(fd, UCB_IOC_CALL_ASYNC, &async)`,
  /// then read(2) of its completion.
  public func call<First, Second, Output>(
    _ method: AsyncMethod<(First, Second), Output>, _ first: First, _ second: Second
  ) async throws(UCBridgeError) -> Output {
    try await method.invoke((first, second), on: self)
  }
}

extension MethodInvocation {
  /// Makes the call as an async call and waits for its completion.
  ///
  /// The output room is what the checks fix (see ``MethodInvocation``);
  /// synchronous outputs are not returned (the callback layer,
  /// ``Connection/submitAsyncMethod(_:reference:scalarInput:structInput:scalarOutput:structOutput:completion:)``,
  /// has them).  Cancelling the task asks the driver to cancel the call
  /// (`UCB_IOC_CANCEL`), which then ends with the driver's result.
  ///
  /// - Parameters:
  ///   - scalarInput: The input scalars.
  ///   - structInput: The input struct bytes, copied by the driver before
  ///     the submission returns.
  /// - Returns: The completion, whose result is ``IOReturn/success``.
  /// - Throws: ``UCBridgeError/badArgument(_:)`` when a check fails;
  ///   ``UCBridgeError/ioReturn(_:)`` with the driver's refusal or the
  ///   completion's result when it is not success; else as
  ///   ``Connection/submitAsyncMethod(_:reference:scalarInput:structInput:scalarOutput:structOutput:completion:)``.
  ///
  /// The corresponding C call is `ioctl(fd, UCB_IOC_CALL_ASYNC, &async)`.
  public func completion(
    scalarInput: [UInt64] = [],
    structInput: some ContiguousBytes = [UInt8]()
  ) async throws(UCBridgeError) -> AsyncCompletion {
    let scalarOutputRoom = checks.defaultScalarOutputRoom
    let structOutputRoom = checks.defaultStructOutputRoom
    try checks.validate(
      scalarInputCount: scalarInput.count,
      structInputSize: structInput.withUnsafeBytes { $0.count },
      scalarOutputRoom: scalarOutputRoom, structOutputRoom: structOutputRoom,
      method: name)
    let cancellation = AsyncCallCancellation()
    let connection = connection, selector = selector
    let outcome = await withTaskCancellationHandler {
      await withCheckedContinuation {
        (continuation: CheckedContinuation<Result<AsyncCompletion, UCBridgeError>, Never>) in
        let submitted = withUnsafeTemporaryAllocation(
          of: UInt64.self, capacity: scalarOutputRoom
        ) { scalarOutput in
          withUnsafeTemporaryAllocation(
            byteCount: structOutputRoom, alignment: 16
          ) { structOutput in
            scalarInput.withUnsafeBufferPointer { scalarInput in
              structInput.withUnsafeBytes { structInput in
                connection._submitAsyncMethod(
                  selector, reference: [], scalarInput: scalarInput,
                  structInput: structInput, scalarOutput: scalarOutput,
                  structOutput: structOutput
                ) { completion in
                  cancellation.completed()
                  continuation.resume(returning: .success(completion))
                }
              }
            }
          }
        }
        switch submitted {
        case .success(let (id, _)): cancellation.submitted(id, on: connection)
        case .failure(let error): continuation.resume(returning: .failure(error))
        }
      }
    } onCancel: {
      cancellation.cancel(on: connection)
    }
    let completion = try outcome.get()
    guard completion.result == .success else { throw .ioReturn(completion.result) }
    return completion
  }
}

extension AsyncCompletion {
  /// The completion's argument at `index`, or 0 when it carries fewer, as
  /// ``MethodOutput/scalar(at:)`` reads a call's scalars.
  ///
  /// - Parameter index: The argument's position, from 0.
  /// - Returns: The argument, or 0.
  public func argument(at index: Int) -> UInt64 {
    arguments.indices.contains(index) ? arguments[index] : 0
  }
}

/// Where a typed async call is on its way to cancellation: a task can be
/// cancelled before its call has an id, and must then cancel the call as
/// soon as it has one.
private final class AsyncCallCancellation: Sendable {
  private enum Phase {
    case submitting
    case cancelRequested
    case submitted(UInt64)
    case completed
  }

  private let phase = Mutex(Phase.submitting)

  /// The call has its id: cancels it when the task was cancelled first.
  func submitted(_ id: UInt64, on connection: Connection) {
    let cancelNow = phase.withLock { phase in
      switch phase {
      case .submitting:
        phase = .submitted(id)
        return false
      case .cancelRequested:
        phase = .submitted(id)
        return true
      case .submitted, .completed:
        // The completion ran before the submitter got here.
        return false
      }
    }
    // ENOENT: it completed meanwhile, which ends it as well.
    if cancelNow { _ = connection._cancelAsyncCall(id) }
  }

  /// The task is cancelled: cancels the call, now or once it has its id.
  func cancel(on connection: Connection) {
    let id: UInt64? = phase.withLock { phase in
      switch phase {
      case .submitting:
        phase = .cancelRequested
        return nil
      case .submitted(let id): return id
      case .cancelRequested, .completed: return nil
      }
    }
    if let id { _ = connection._cancelAsyncCall(id) }
  }

  /// The completion arrived: nothing is left to cancel.
  func completed() {
    phase.withLock { $0 = .completed }
  }
}
