import CUCBridge
import SystemPackage

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// Batched calls: several calls in one UCB_IOC_CALL_BATCH ioctl, each
// copied, checked, run and written back exactly as a single UCB_IOC_CALL.

/// The calls of one batch, in the order they run: what the closure of
/// ``Connection/batch(stopOnError:_:)`` adds to.
///
/// Add typed calls with ``call(_:)``, ``call(_:_:)`` and ``call(_:_:_:)``,
/// as ``Connection/call(_:)`` would make them, and raw calls with
/// ``callMethod(_:scalarInput:structInput:scalarOutputRoom:structOutputRoom:)``.
/// Each returns a ``BatchCall`` handle that reads the call's result from
/// the ``BatchResults``:
///
/// ```swift
/// let results = try connection.batch { batch in
///   batch.call(.noop)
///   let sum = batch.call(.add, 40, 2)
///   let echoed = batch.call(.echo, [1, 2, 3] as [UInt8])
/// }
/// ```
///
/// Adding a call checks it as a single call is checked in Swift (a typed
/// method's ``MethodChecks``, the ABI's 32-bit fields).  Adding never
/// throws, so the closure needs no `try` and no typed-throws annotation: the
/// first call refused is kept in ``error``, and the batch then fails with
/// it as a whole, sending nothing.  Nothing is sent until the closure
/// returns.  Inputs are copied when the call is added, so the batch owns
/// every buffer it sends.
///
/// A typed method is batched by running its body twice: once when it is
/// added, to record the one call it makes, and once after the batch ran,
/// to turn that call's outputs into `Output`.  A method whose body makes
/// no call, or more than one, cannot be batched (``UCBridgeError/badArgument(_:)``).
/// (The reference driver's methods passing only scalars, such as
/// ``Method/noop`` and ``Method/add``, are encoded and decoded directly,
/// as their bodies would make the call.)
///
/// A batch is sent by ``Connection/batch(stopOnError:_:)``, or built
/// beforehand and sent, as often as wanted, by
/// ``Connection/callBatch(_:stopOnError:)``.
public struct Batch {
  /// One call as the batch sends it: its counts, and where its inputs
  /// are in the batch's ``scalarInputs`` and ``structInputs``.
  ///
  /// A trivial value, so that adding, laying out and decoding a call
  /// copies no references: a batch of 64 calls holds three buffers, not
  /// two arrays per call.
  internal struct Entry: Sendable {
    var selector: UInt32
    var scalarInputCount: UInt32
    var structInputSize: UInt32
    var scalarOutputRoom: UInt32
    var structOutputRoom: UInt32
    /// The index of the first input scalar in ``scalarInputs``.
    var scalarInputStart: Int
    /// The index of the first input byte in ``structInputs``.
    var structInputStart: Int
    var decoding: Decoding

    /// What stands for a refused call: never sent, as the batch fails.
    static let refused = Entry(
      selector: 0, scalarInputCount: 0, structInputSize: 0, scalarOutputRoom: 0,
      structOutputRoom: 0, scalarInputStart: 0, structInputStart: 0, decoding: .raw)
  }

  /// Turns a typed call's outcome into its `Output`, by replaying the
  /// method's body against it.
  ///
  /// It runs the body on `replay`, a connection whose transport is a
  /// ``BatchCallRecorder`` set to answer with `outcome`: one connection
  /// serves every typed call of a batch, so decoding allocates none.
  /// The connection is made by the first decoder that needs one
  /// (`replay` is nil until then): a method passing only scalars is
  /// decoded without one.
  internal typealias Decoder = (BatchOutcome, inout BatchCallRecorder.Session?)
    -> Result<any Sendable, UCBridgeError>

  internal private(set) var entries: [Entry] = []
  /// Every call's input scalars, one after another.
  internal private(set) var scalarInputs: [UInt64] = []
  /// Every call's input struct bytes, one after another.
  internal private(set) var structInputs: [UInt8] = []
  /// The decoders of the calls whose ``Decoding`` is `.body`, in order.
  internal private(set) var decoders: [Decoder] = []

  /// How a call's result is made from its outcome.
  internal enum Decoding: Sendable {
    /// A raw call: its ``MethodOutput``.
    case raw
    /// A method with a ``ScalarMethodShape``: decoded directly, with no
    /// closure to allocate at each call added.
    case scalars(ScalarMethodShape)
    /// A typed method: by replaying its body, the decoder at this index
    /// of ``decoders``.
    case body(Int)
  }
  /// The connection typed calls are recorded on, made at the first one
  /// and reused by the next (a copy of the batch makes its own).
  private var recording: BatchCallRecorder.Session?
  /// The arena of the batch's last send, for its next: a class, as a
  /// batch is sent by value.  Shared by copies of the batch until one adds
  /// a call.
  internal private(set) var sent = SentArena()

  /// An empty batch.
  public init() {}

  /// The number of calls added, refused ones included.
  public var count: Int { entries.count }

  /// Why the first call refused was refused, if one was: the error a
  /// single call would have thrown before its ioctl.  A batch with an
  /// error is never sent; it fails with this error.
  public private(set) var error: UCBridgeError?

  /// Adds a raw call, as ``Connection/callMethod(_:scalarInput:structInput:scalarOutputRoom:structOutputRoom:)``
  /// makes it.
  ///
  /// The driver checks the call when it runs; a call it refuses fails with
  /// its `IOReturn` in the results, or, for a malformed call (such as more
  /// than `UCB_MAX_SCALARS` input scalars), stops the batch with the errno
  /// a single call would fail with.
  ///
  /// - Parameters:
  ///   - selector: The method's index in the driver's table.
  ///   - scalarInput: The input scalars.
  ///   - structInput: The input struct bytes, copied into the batch.
  ///   - scalarOutputRoom: Room for output scalars, at most
  ///     `UCB_MAX_SCALARS`.
  ///   - structOutputRoom: Room for the output struct, in bytes.
  /// - Returns: The call's handle; its result is a ``MethodOutput``.
  ///
  /// Refused, setting ``error``, with ``UCBridgeError/badArgument(_:)``
  /// for a `scalarOutputRoom` above `UCB_MAX_SCALARS`, as a single call,
  /// or a count or size the ABI's 32-bit fields cannot carry.
  @discardableResult
  public mutating func callMethod(
    _ selector: UInt32,
    scalarInput: [UInt64] = [],
    structInput: some ContiguousBytes = [UInt8](),
    scalarOutputRoom: Int = 0,
    structOutputRoom: Int = 0
  ) -> BatchCall<MethodOutput> {
    BatchCall(index: structInput.withUnsafeBytes { bytes in
      guard (0...Int(UCB_MAX_SCALARS)).contains(scalarOutputRoom) else {
        return refuse(.badArgument(
          "room for \(scalarOutputRoom) output scalars: the ABI allows 0 to \(UCB_MAX_SCALARS)"))
      }
      guard (0...Int(UInt32.max)).contains(structOutputRoom) else {
        return refuse(.badArgument(
          "struct output room of \(structOutputRoom) bytes: the ABI carries 0 to \(UInt32.max)"))
      }
      guard UInt32(exactly: scalarInput.count) != nil,
        UInt32(exactly: bytes.count) != nil
      else {
        return refuse(.badArgument(
          "\(scalarInput.count) input scalars and \(bytes.count) struct bytes: the ABI's counts are 32-bit"))
      }
      return append(
        selector, scalarInput: scalarInput, structInput: bytes,
        scalarOutputRoom: UInt32(scalarOutputRoom),
        structOutputRoom: UInt32(structOutputRoom), decoding: .raw)
    })
  }

  /// Adds a call of a method that takes no input.
  ///
  /// - Parameter method: The method, such as ``Method/noop``.
  /// - Returns: The call's handle.
  ///
  /// Refused, setting ``error``, as a single call would be before its
  /// ioctl: with ``UCBridgeError/badArgument(_:)`` when the call breaks
  /// the method's ``MethodChecks``, or when the method cannot be batched.
  @discardableResult
  public mutating func call<Output: Sendable>(
    _ method: Method<Void, Output>
  ) -> BatchCall<Output> {
    BatchCall(index: add(method, ()))
  }

  /// Adds a call of a method with one input.
  ///
  /// - Parameters:
  ///   - method: The method, such as ``Method/echo``.
  ///   - input: Its input.
  /// - Returns: The call's handle.
  ///
  /// Refused as ``call(_:)``.
  @discardableResult
  public mutating func call<Input, Output: Sendable>(
    _ method: Method<Input, Output>, _ input: Input
  ) -> BatchCall<Output> {
    BatchCall(index: add(method, input))
  }

  /// Adds a call of a method with two inputs.
  ///
  /// - Parameters:
  ///   - method: The method, such as ``Method/add``.
  ///   - first: Its first input.
  ///   - second: Its second input.
  /// - Returns: The call's handle.
  ///
  /// Refused as ``call(_:)``.
  @discardableResult
  public mutating func call<First, Second, Output: Sendable>(
    _ method: Method<(First, Second), Output>, _ first: First, _ second: Second
  ) -> BatchCall<Output> {
    BatchCall(index: add(method, (first, second)))
  }

  /// Adds a typed call; returns its index.
  private mutating func add<Input, Output: Sendable>(
    _ method: Method<Input, Output>, _ input: Input
  ) -> Int {
    if let shape = method.scalarShape {
      return add(method, input, shape)
    }
    if !isKnownUniquelyReferenced(&recording) {
      recording = BatchCallRecorder.Session(.capture)
    }
    let session = recording!
    let recorder = session.recorder
    recorder.reset(.capture)
    defer { recorder.reset(.capture) }
    do throws(UCBridgeError) {
      _ = try method.invoke(input, on: session.connection)
    } catch {
      // Before any call, the error is the call's own (its checks).
      // After the one captured, the body was making its output from
      // nothing written, which may fail: it is made again, from the
      // call's real outputs, after the batch ran.
      if recorder.captured == nil { return refuse(error) }
    }
    guard let call = recorder.captured, recorder.calls == 1 else {
      return refuse(.badArgument(
        recorder.calls == 0
          ? "\(method.name) makes no call: it cannot be batched"
          : "\(method.name) makes more than one call: it cannot be batched"))
    }
    decoders.append { outcome, replay in
      if replay == nil { replay = BatchCallRecorder.Session(.capture) }
      let session = replay!
      session.recorder.reset(.replay(outcome))
      defer { session.recorder.reset(.capture) }
      return Result { () throws(UCBridgeError) -> any Sendable in
        try method.invoke(input, on: session.connection)
      }
    }
    let decoding = Decoding.body(decoders.count - 1)
    return call.structInput.withUnsafeBytes { structInput in
      append(
        call.selector, scalarInput: call.scalarInput, structInput: structInput,
        scalarOutputRoom: call.scalarOutputRoom, structOutputRoom: call.structOutputRoom,
        decoding: decoding)
    }
  }

  /// Adds a call of a method passing only scalars, encoded and decoded
  /// directly, as its body would make the call and read its outputs.
  private mutating func add<Input, Output: Sendable>(
    _ method: Method<Input, Output>, _ input: Input,
    _ shape: ScalarMethodShape
  ) -> Int {
    let scalarInput = shape.scalarInput(input)
    let checks = method.checks
    let scalarOutputRoom = checks.defaultScalarOutputRoom
    let structOutputRoom = checks.defaultStructOutputRoom
    do throws(UCBridgeError) {
      try checks.validate(
        scalarInputCount: scalarInput.count, structInputSize: 0,
        scalarOutputRoom: scalarOutputRoom, structOutputRoom: structOutputRoom,
        method: method.name)
    } catch {
      return refuse(error)
    }
    guard (0...Int(UInt32.max)).contains(structOutputRoom),
      UInt32(exactly: scalarInput.count) != nil
    else {
      return refuse(.badArgument(
        "\(scalarInput.count) input scalars and \(structOutputRoom) bytes of struct output room: the ABI's counts are 32-bit"))
    }
    return append(
      method.selector, scalarInput: scalarInput,
      structInput: UnsafeRawBufferPointer(start: nil, count: 0),
      scalarOutputRoom: UInt32(scalarOutputRoom),
      structOutputRoom: UInt32(structOutputRoom), decoding: .scalars(shape))
  }

  /// The calls a batch has room for at its first: a batch of 64 calls
  /// costs about what one of 256 does per call, so a batch is often about
  /// this long, and growing one call by call to it would cost more than
  /// the ioctl saves.
  private static var initialCapacity: Int { 64 }

  /// Adds a call, its inputs copied into the batch; returns its index.
  ///
  /// Not generic, nor is ``refuse(_:)``: a `BatchCall<Output>` made in
  /// unspecialized code, or returned through a generic closure, costs a
  /// metadata lookup per call.
  private mutating func append(
    _ selector: UInt32, scalarInput: [UInt64],
    structInput: UnsafeRawBufferPointer, scalarOutputRoom: UInt32,
    structOutputRoom: UInt32, decoding: Decoding
  ) -> Int {
    forgetSentArena()
    if entries.capacity == 0 { entries.reserveCapacity(Self.initialCapacity) }
    entries.append(Entry(
      selector: selector, scalarInputCount: UInt32(scalarInput.count),
      structInputSize: UInt32(structInput.count), scalarOutputRoom: scalarOutputRoom,
      structOutputRoom: structOutputRoom, scalarInputStart: scalarInputs.count,
      structInputStart: structInputs.count, decoding: decoding))
    if !scalarInput.isEmpty { scalarInputs.append(contentsOf: scalarInput) }
    if !structInput.isEmpty { structInputs.append(contentsOf: structInput) }
    return entries.count - 1
  }

  /// Lets go of the arena of a send before a call is added: its layout is
  /// the batch's before.  A copy of the batch made earlier keeps it.
  private mutating func forgetSentArena() {
    if isKnownUniquelyReferenced(&sent) {
      sent.arena = nil
    } else {
      sent = SentArena()
    }
  }

  /// Adds a placeholder for a refused call (never sent: the batch fails
  /// with ``error``); returns its index.
  private mutating func refuse(_ refusal: UCBridgeError) -> Int {
    if error == nil { error = refusal }
    forgetSentArena()
    entries.append(.refused)
    return entries.count - 1
  }
}

/// A call added to a ``Batch``: reads its result from the batch's
/// ``BatchResults`` with ``BatchResults/subscript(_:)``.
public struct BatchCall<Output>: Hashable, Sendable {
  /// The call's position in its batch, from 0.
  public let index: Int
}

/// What became of one call of a batch.
public enum BatchOutcome: Hashable, Sendable {
  /// The method ran and succeeded: the scalars and struct bytes it wrote.
  case success(MethodOutput)
  /// The driver dispatched the call and answered this non-success
  /// `IOReturn`; nothing was written.
  case failure(IOReturn)
  /// The call did not run: the batch stopped before it (after a failure
  /// with `stopOnError`, or at an errno, which this call may be the cause
  /// of).
  case notRun
}

/// The results of a batch: each call's outcome, in the order they were
/// added, and how many ran.
public struct BatchResults: Sendable {
  /// Each call's outcome, one per call added.
  ///
  /// Made from what the driver wrote back each time it is read: read it
  /// once, not once per call.  ``subscript(_:)`` reads one call's result
  /// without it.
  public var outcomes: [BatchOutcome] {
    (0..<count).map(outcome(at:))
  }
  /// The index of the first call that did not succeed: the driver
  /// answered it with an `IOReturn` other than success, or it did not
  /// run; nil when every call succeeded.
  ///
  /// Read from what the driver wrote back, making no outcome: the test a
  /// C caller makes of each entry's `result`, where ``outcomes`` makes
  /// every call's output.  A call decoded by its method's body may still
  /// fail making its output (``subscript(_:)``).
  public var firstUnsuccessful: Int? {
    // No arena: nothing ran, and `completed` is 0.
    if let arena {
      for index in 0..<completed where arena.calls[index].result != UCB_IORETURN_SUCCESS {
        return index
      }
    }
    return completed < count ? completed : nil
  }
  /// How many calls ran, in order from the first: `struct
  /// ucb_batch.completed`.  Every outcome from here on is
  /// ``BatchOutcome/notRun``.
  public let completed: Int
  /// The number of calls in the batch.
  public let count: Int
  /// The calls as the driver wrote them back, and their outputs; nil when
  /// none ran.
  private let arena: BatchArena?
  /// The batch's calls, whose ``Batch/Decoding`` says how each result is
  /// made from its outcome when it is read: a call decoded directly
  /// costs nothing until then.  Empty when no call ran.
  private let entries: [Batch.Entry]
  /// The typed results of the calls decoded by their bodies, which run
  /// when the batch has run, in the order of ``Batch/decoders``; nil for
  /// a call that did not run.
  private let bodyResults: [Result<any Sendable, UCBridgeError>?]

  internal init(
    count: Int, completed: Int, arena: BatchArena?, entries: [Batch.Entry],
    bodyResults: [Result<any Sendable, UCBridgeError>?]
  ) {
    self.count = count
    self.completed = completed
    self.arena = arena
    self.entries = entries
    self.bodyResults = bodyResults
  }

  /// Results in which no call ran.
  internal static func notRun(count: Int) -> BatchResults {
    BatchResults(count: count, completed: 0, arena: nil, entries: [], bodyResults: [])
  }

  /// The outcome of the call at `index`.
  private func outcome(at index: Int) -> BatchOutcome {
    guard index < completed, let arena else { return .notRun }
    return BatchOutcome(arena.calls[index])
  }

  /// A call's result, as a single call of it would have returned or
  /// thrown it.
  ///
  /// - Parameter call: A handle from this batch.
  /// - Returns: The call's output or its ``UCBridgeError`` (an
  ///   ``UCBridgeError/ioReturn(_:)`` from the driver, or what the method's
  ///   body threw making its output); nil when the call did not run.
  public subscript<Output>(_ call: BatchCall<Output>) -> Result<Output, UCBridgeError>? {
    precondition((0..<count).contains(call.index), "a BatchCall of another batch")
    let output: MethodOutput
    switch outcome(at: call.index) {
    case .notRun: return nil
    case .failure(let ioReturn):
      if case .body(let decoder) = entries[call.index].decoding {
        return bodyResults[decoder].map { $0.map { $0 as! Output } }
      }
      return .failure(.ioReturn(ioReturn))
    case .success(let written): output = written
    }
    switch entries[call.index].decoding {
    case .raw: return .success(output as! Output)
    case .scalars(let shape): return .success(shape.output(output) as! Output)
    case .body(let decoder): return bodyResults[decoder].map { $0.map { $0 as! Output } }
    }
  }
}

/// A batch that failed as a whole: the error, and the results of the calls
/// that ran before it.
///
/// ```swift
/// do {
///   let results = try connection.batch { … }
/// } catch {
///   print(error.error, "after", error.completed, "calls")
///   // error.results.outcomes[..<error.completed] ran
/// }
/// ```
public struct BatchError: Error, Sendable, CustomStringConvertible {
  /// Why the batch failed: ``UCBridgeError/errno(_:)`` with the ioctl's
  /// error, or the error adding a call or refusing the batch threw.
  public var error: UCBridgeError
  /// The calls that ran and their results; the rest are
  /// ``BatchOutcome/notRun``.
  public var results: BatchResults

  /// How many calls ran before the failure.  When the ioctl failed at a
  /// call (as a single call would fail with an errno), that call is the
  /// one at this index.
  public var completed: Int { results.completed }

  /// The error, and how many calls ran.
  public var description: String {
    "\(error), after \(completed) of \(results.count) calls of the batch"
  }
}

extension Connection {
  /// Calls several methods in one system call.
  ///
  /// The closure adds the calls; they run in order, each copied, checked,
  /// dispatched and written back exactly as a single call, so a call may
  /// use what an earlier one did.  Every call's outcome comes back, with a
  /// typed result for each handle the closure got.
  ///
  /// ```swift
  /// var sum: BatchCall<UInt64>!
  /// let results = try connection.batch { batch in
  ///   batch.call(.noop)
  ///   sum = batch.call(.add, 40, 2)
  /// }
  /// print(try results[sum]!.get())   // 42
  /// ```
  ///
  /// - Parameters:
  ///   - stopOnError: Stop after the first call whose result is not
  ///     success (`UCB_BATCH_STOP_ON_ERROR`); the calls after it are
  ///     ``BatchOutcome/notRun``.  Without it every call runs.
  ///   - body: Adds the calls to the batch.
  /// - Returns: Each call's outcome, in order, and how many ran.
  /// - Throws: ``BatchError``, carrying the calls that ran: with the
  ///   error `body` threw, or the first call refused as it was added
  ///   (``Batch/error``), before the ioctl; with
  ///   ``UCBridgeError/badArgument(_:)``, before the ioctl, for more than
  ///   `UCB_BATCH_MAX_CALLS` calls; with the ioctl's
  ///   errno when a call fails as a single call would fail with one
  ///   (`EINVAL`, `EFAULT`, `ENOMEM`), or would take the batch's struct
  ///   bytes (inputs plus output room) over `UCB_BATCH_BYTES_MAX`
  ///   (`E2BIG`): the calls before it keep their results.
  ///
  /// The corresponding C call is `ioctl(fd, UCB_IOC_CALL_BATCH, &batch)`.
  public func batch(
    stopOnError: Bool = false,
    _ body: (inout Batch) throws(UCBridgeError) -> Void
  ) throws(BatchError) -> BatchResults {
    var batch = Batch()
    do throws(UCBridgeError) {
      try body(&batch)
    } catch {
      throw BatchError(error: error, results: .notRun(count: batch.count))
    }
    return try callBatch(batch, stopOnError: stopOnError)
  }

  /// Calls the methods of a batch built beforehand, in one system call; a
  /// batch may be sent any number of times.
  ///
  /// The results of a send read the outputs the driver wrote in place.
  /// Once they are gone, the batch's next send reuses that memory: a
  /// batch sent again and again allocates nothing.
  ///
  /// - Parameters:
  ///   - batch: The calls.
  ///   - stopOnError: Stop after the first call whose result is not
  ///     success (`UCB_BATCH_STOP_ON_ERROR`).
  /// - Returns: Each call's outcome, in order, and how many ran.
  /// - Throws: As ``batch(stopOnError:_:)``.
  ///
  /// The corresponding C call is `ioctl(fd, UCB_IOC_CALL_BATCH, &batch)`.
  public func callBatch(
    _ batch: Batch, stopOnError: Bool = false
  ) throws(BatchError) -> BatchResults {
    if let error = batch.error {
      throw BatchError(error: error, results: .notRun(count: batch.count))
    }
    guard batch.count <= Int(UCB_BATCH_MAX_CALLS) else {
      throw BatchError(
        error: .badArgument(
          "\(batch.count) calls: a batch carries at most \(UCB_BATCH_MAX_CALLS)"),
        results: .notRun(count: batch.count))
    }
    // The arena of the last send when its results are gone, else a new
    // one, kept for the next.
    let arena: BatchArena
    if isKnownUniquelyReferenced(&batch.sent.arena) {
      arena = batch.sent.arena!
      arena.rearm(batch.entries)
    } else {
      arena = BatchArena(batch)
      batch.sent.arena = arena
    }
    let count = batch.count
    var header = ucb_batch()
    header.size = UInt32(MemoryLayout<ucb_batch>.size)
    header.flags = stopOnError ? UCB_BATCH_STOP_ON_ERROR : 0
    header.count = UInt32(count)
    header.call_size = UInt32(MemoryLayout<ucb_call>.size)
    header.calls = UInt64(UInt(bitPattern: arena.calls))
    let failure = ioctl(ucb_ioc_call_batch, &header).failure
    // A malformed header, or a connection that is closed, writes
    // nothing: completed stays 0.
    let completed = min(Int(header.completed), count)
    var bodyResults: [Result<any Sendable, UCBridgeError>?] = []
    if !batch.decoders.isEmpty {
      bodyResults.reserveCapacity(batch.decoders.count)
      var replay: BatchCallRecorder.Session?
      for (index, entry) in batch.entries.enumerated() {
        guard case .body(let decoder) = entry.decoding else { continue }
        if index < completed {
          bodyResults.append(batch.decoders[decoder](BatchOutcome(arena.calls[index]), &replay))
        } else {
          bodyResults.append(nil)
        }
      }
    }
    let results = BatchResults(
      count: count, completed: completed, arena: arena, entries: batch.entries,
      bodyResults: bodyResults)
    if let failure { throw BatchError(error: .errno(failure), results: results) }
    return results
  }
}

extension BatchOutcome {
  /// A call's outcome as the driver wrote it back, its outputs read from
  /// the rooms its entry points to.
  fileprivate init(_ call: ucb_call) {
    guard call.result == UCB_IORETURN_SUCCESS else {
      self = .failure(IOReturn(rawValue: call.result))
      return
    }
    let scalars = call.scalar_out_count == 0
      ? [] : Array(UnsafeBufferPointer(
        start: UnsafePointer<UInt64>(bitPattern: UInt(call.scalar_out)),
        count: Int(call.scalar_out_count)))
    let bytes = call.struct_out_size == 0
      ? [] : [UInt8](UnsafeRawBufferPointer(
        start: UnsafeRawPointer(bitPattern: UInt(call.struct_out)),
        count: Int(call.struct_out_size)))
    self = .success(MethodOutput(scalars: scalars, structBytes: bytes))
  }
}

/// Where a ``Batch`` keeps the arena of its last send.
internal final class SentArena {
  /// The arena, laid out for the batch's calls; also held by the results
  /// of that send while they live.
  var arena: BatchArena?
}

/// Every buffer of one send of a batch in one allocation: the `struct
/// ucb_call` entries first, then each call's scalars and struct bytes,
/// 8-byte aligned.
///
/// The results of the send read their outcomes from it, in place.  The
/// batch sends it again once those results are gone, with only the
/// fields the driver writes back made as they were (``rearm(_:)``): its
/// inputs stay as they were laid out.
///
/// An entry whose struct bytes take the batch's running total over
/// `UCB_BATCH_BYTES_MAX` is refused by the driver before its buffers are
/// touched, and so is every entry after it: they get no buffers (their
/// pointers are 0), so a batch over the bound never allocates its rooms.
///
/// `@unchecked Sendable`: written only before the ioctl and by it, while
/// no results hold it; read only after.
internal final class BatchArena: @unchecked Sendable {
  /// The entries, one per call of the batch.
  let calls: UnsafeMutablePointer<ucb_call>

  /// Lays `batch` out.
  init(_ batch: Batch) {
    func aligned(_ size: Int) -> Int { (size + 7) & ~7 }
    let callSize = MemoryLayout<ucb_call>.size
    var total = callSize * batch.count
    var structBytes = 0
    // The entries given buffers: those before the bound.
    var laidOut = 0
    for entry in batch.entries {
      structBytes += Int(entry.structInputSize) + Int(entry.structOutputRoom)
      guard structBytes <= Int(UCB_BATCH_BYTES_MAX) else { break }
      total += aligned(Int(entry.scalarInputCount) * 8) + Int(entry.scalarOutputRoom) * 8
        + aligned(Int(entry.structInputSize)) + aligned(Int(entry.structOutputRoom))
      laidOut += 1
    }
    let base = UnsafeMutableRawPointer.allocate(
      byteCount: max(total, 1), alignment: MemoryLayout<ucb_call>.alignment)
    let calls = base.bindMemory(to: ucb_call.self, capacity: batch.count)
    self.calls = calls
    func address(_ pointer: UnsafeRawPointer) -> UInt64 {
      UInt64(UInt(bitPattern: pointer))
    }
    batch.entries.withUnsafeBufferPointer { entries in
      batch.scalarInputs.withUnsafeBufferPointer { scalarInputs in
        batch.structInputs.withUnsafeBytes { structInputs in
          var next = base + callSize * entries.count
          for index in entries.indices {
            let entry = entries[index]
            var call = ucb_call()
            call.size = UInt32(callSize)
            call.selector = entry.selector
            call.scalar_in_count = entry.scalarInputCount
            call.struct_in_size = entry.structInputSize
            call.scalar_out_count = entry.scalarOutputRoom
            call.struct_out_size = entry.structOutputRoom
            guard index < laidOut else {
              (calls + index).initialize(to: call)
              continue
            }
            if entry.scalarInputCount != 0 {
              let count = Int(entry.scalarInputCount)
              next.bindMemory(to: UInt64.self, capacity: count).initialize(
                from: scalarInputs.baseAddress! + entry.scalarInputStart, count: count)
              call.scalar_in = address(next)
              next += aligned(count * 8)
            }
            if entry.scalarOutputRoom != 0 {
              call.scalar_out = address(next)
              next += Int(entry.scalarOutputRoom) * 8
            }
            if entry.structInputSize != 0 {
              next.copyMemory(
                from: structInputs.baseAddress! + entry.structInputStart,
                byteCount: Int(entry.structInputSize))
              call.struct_in = address(next)
              next += aligned(Int(entry.structInputSize))
            }
            if entry.structOutputRoom != 0 {
              call.struct_out = address(next)
              next += aligned(Int(entry.structOutputRoom))
            }
            (calls + index).initialize(to: call)
          }
        }
      }
    }
  }

  deinit { UnsafeMutableRawPointer(calls).deallocate() }

  /// Makes what the driver writes back of each entry (its result and
  /// output counts) as it was laid out, for the batch whose arena it is.
  func rearm(_ entries: [Batch.Entry]) {
    entries.withUnsafeBufferPointer { entries in
      for index in entries.indices {
        calls[index].result = 0
        calls[index].scalar_out_count = entries[index].scalarOutputRoom
        calls[index].struct_out_size = entries[index].structOutputRoom
      }
    }
  }
}

/// The transport of the connection a typed method's body calls when it is
/// added to a batch: it records the one call the body makes, and later
/// answers it with the batch's outcome for that call, as the driver's
/// write-back would.
///
/// `@unchecked Sendable`: each recorder is used by one thread, inside
/// ``Batch`` and ``Connection/callBatch(_:stopOnError:)``.
internal final class BatchCallRecorder: ConnectionTransport, @unchecked Sendable {
  /// A recorder and the connection whose transport it is, made once and
  /// reused for many calls (``reset(_:)`` between them).
  final class Session {
    let recorder: BatchCallRecorder
    let connection: Connection

    init(_ mode: Mode) {
      recorder = BatchCallRecorder(mode)
      connection = Connection(transport: recorder)
    }
  }

  enum Mode {
    /// Record the first call and answer it with success and nothing
    /// written, so that a body making a second call is seen to; answer
    /// any further call with a failure, so that the body stops there.
    case capture
    /// Answer the call with this outcome.
    case replay(BatchOutcome)
  }

  private(set) var mode: Mode
  /// The calls the body made.
  private(set) var calls = 0
  /// A call as the body made it, its inputs copied.
  struct Call {
    var selector: UInt32
    var scalarInput: [UInt64]
    var structInput: [UInt8]
    var scalarOutputRoom: UInt32
    var structOutputRoom: UInt32
  }

  /// The first call.
  private(set) var captured: Call?

  init(_ mode: Mode) { self.mode = mode }

  /// Forgets the calls made, to record or answer another.
  func reset(_ mode: Mode) {
    self.mode = mode
    calls = 0
    captured = nil
  }

  func ioctl(
    _ request: CUnsignedLong, _ argument: UnsafeMutableRawPointer?
  ) -> Result<Void, Errno> {
    guard request == ucb_ioc_call, let argument else { return .failure(.notSupported) }
    calls += 1
    var call = argument.load(as: ucb_call.self)
    switch mode {
    case .capture:
      if calls == 1 {
        let scalars = UnsafeBufferPointer(
          start: UnsafePointer<UInt64>(bitPattern: UInt(call.scalar_in)),
          count: Int(call.scalar_in_count))
        let bytes = UnsafeRawBufferPointer(
          start: UnsafeRawPointer(bitPattern: UInt(call.struct_in)),
          count: Int(call.struct_in_size))
        captured = Call(
          selector: call.selector, scalarInput: Array(scalars),
          structInput: [UInt8](bytes), scalarOutputRoom: call.scalar_out_count,
          structOutputRoom: call.struct_out_size)
      }
      call.result = calls == 1 ? UCB_IORETURN_SUCCESS : IOReturn.notReady.rawValue
      call.scalar_out_count = 0
      call.struct_out_size = 0
    case .replay(let outcome):
      guard calls == 1, case .success(let output) = outcome else {
        if case .failure(let ioReturn) = outcome { call.result = ioReturn.rawValue }
        else { call.result = IOReturn.error.rawValue }
        call.scalar_out_count = 0
        call.struct_out_size = 0
        break
      }
      // The body asks for the room it asked for when it was added.
      guard output.scalars.count <= Int(call.scalar_out_count),
        output.structBytes.count <= Int(call.struct_out_size)
      else { return .failure(.invalidArgument) }
      if let scalarOut = UnsafeMutablePointer<UInt64>(bitPattern: UInt(call.scalar_out)) {
        scalarOut.update(from: output.scalars, count: output.scalars.count)
      }
      if let structOut = UnsafeMutableRawPointer(bitPattern: UInt(call.struct_out)) {
        output.structBytes.withUnsafeBytes {
          if let source = $0.baseAddress {
            structOut.copyMemory(from: source, byteCount: $0.count)
          }
        }
      }
      call.result = UCB_IORETURN_SUCCESS
      call.scalar_out_count = UInt32(output.scalars.count)
      call.struct_out_size = UInt32(output.structBytes.count)
    }
    argument.storeBytes(of: call, as: ucb_call.self)
    return .success(())
  }

  func close() -> Result<Void, Errno> { .success(()) }
}

extension Result {
  fileprivate var failure: Failure? {
    if case .failure(let error) = self { return error }
    return nil
  }
}
