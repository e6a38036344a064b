import CUCBridge
import SystemPackage

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// The raw call: IOKit's IOConnectCallMethod, one UCB_IOC_CALL ioctl.

extension Connection {
  /// Calls a method with caller-provided buffers, making no heap
  /// allocation.
  ///
  /// The driver checks the counts and sizes against its method table,
  /// copies the inputs once, runs the method and copies back what it
  /// wrote.  Nothing is written to the output buffers unless the call
  /// succeeds; then only the counts returned were written.
  ///
  /// - Parameters:
  ///   - selector: The method's index in the driver's table.
  ///   - scalarInput: The input scalars, at most `UCB_MAX_SCALARS`.
  ///   - structInput: The input struct bytes.
  ///   - scalarOutput: Room for output scalars, at most `UCB_MAX_SCALARS`.
  ///   - structOutput: Room for the output struct.
  /// - Returns: How many scalars and struct bytes the method wrote.
  /// - Throws: ``UCBridgeError/ioReturn(_:)`` when the driver answers
  ///   anything but success (an unknown selector, a failed check, the
  ///   method's own failure); ``UCBridgeError/errno(_:)`` when the ioctl
  ///   fails (`EINVAL` for more than `UCB_MAX_SCALARS` scalars, `EFAULT`
  ///   for a bad buffer address, `ENOMEM`); ``UCBridgeError/badArgument(_:)``
  ///   for a buffer larger than the ABI's 32-bit sizes can describe.
  ///
  /// The corresponding C call is `ioctl(fd, UCB_IOC_CALL, &call)`; IOKit's
  /// is `IOConnectCallMethod`.
  @inlinable @inline(always)
  public func callMethod(
    _ selector: UInt32,
    scalarInput: UnsafeBufferPointer<UInt64>,
    structInput: UnsafeRawBufferPointer,
    scalarOutput: UnsafeMutableBufferPointer<UInt64>,
    structOutput: UnsafeMutableRawBufferPointer
  ) throws(UCBridgeError) -> OutputCounts {
    try _callMethod(
      selector, scalarInput: scalarInput, structInput: structInput,
      scalarOutput: scalarOutput, structOutput: structOutput)
  }

  /// The raw call in one function: the header, the use count, the ioctl
  /// and the driver's answer, with no `Result` or call in between (each
  /// cost a frame and a copy of the answer).
  ///
  /// Inlined down to the ioctl (`@inline(always)`: the optimizer's own
  /// choice, even with `@inline(__always)`, was a call), so that it costs
  /// about what the same call written in C does: the caller's compiler
  /// sees the counts and addresses it passes and builds the header from
  /// them as a C caller's does.  Out of line, this function cost 81
  /// instructions a call; inlined, it adds 16 to a noop's C loop (the use
  /// count, the descriptor test and the answer's checks).  Failures and
  /// the custom transport stay out of line.
  ///
  /// - Parameter useHeld: Whether the caller holds a use of the
  ///   descriptor (``enterDescriptorUse()``) for longer than the call, so
  ///   that the call need not count itself (see ``ioctlHoldingUse(_:_:)``):
  ///   the IOKit shim's handle table holds one for each open handle, and a
  ///   call through a handle counts itself once, in the handle's slot.
  @inlinable @inline(always)
  package func _callMethod(
    _ selector: UInt32,
    scalarInput: UnsafeBufferPointer<UInt64>,
    structInput: UnsafeRawBufferPointer,
    scalarOutput: UnsafeMutableBufferPointer<UInt64>,
    structOutput: UnsafeMutableRawBufferPointer,
    useHeld: Bool = false
  ) throws(UCBridgeError) -> OutputCounts {
    // `Connection.`, not `Self.`: inlined into a caller outside a
    // Connection method, `Self` made Swift 6.3's IRGen crash.
    var call = try Connection.callHeader(
      selector, scalarInput: scalarInput, structInput: structInput,
      scalarOutput: scalarOutput, structOutput: structOutput)
    let scalarOutRoom = call.scalar_out_count
    let structOutRoom = call.struct_out_size
    // The driver writes back into `call` only the header of the size
    // `call.size` gives, so a stack protector's canary beside it (5
    // instructions a call) would guard against nothing.
    let sent = _withUnprotectedUnsafeMutablePointer(to: &call) {
      useHeld ? ioctlHoldingUse(ucb_ioc_call, $0) : ioctl(ucb_ioc_call, $0)
    }
    if case .failure(let error) = sent { throw .errno(error) }
    return try Connection.outputCounts(
      of: call, scalarOutRoom: scalarOutRoom, structOutRoom: structOutRoom
    ).get()
  }

  /// The `struct ucb_call` of a raw call, sync or async, with the buffers'
  /// addresses and sizes.
  @inlinable @inline(always)
  internal static func callHeader(
    _ selector: UInt32,
    scalarInput: UnsafeBufferPointer<UInt64>,
    structInput: UnsafeRawBufferPointer,
    scalarOutput: UnsafeMutableBufferPointer<UInt64>,
    structOutput: UnsafeMutableRawBufferPointer
  ) throws(UCBridgeError) -> ucb_call {
    let scalarInCount = scalarInput.count, scalarOutRoom = scalarOutput.count
    let structInSize = structInput.count, structOutRoom = structOutput.count
    // A buffer's count is never negative, so one test of the high bits of
    // all four says whether each fits the ABI's 32 bits.
    guard (scalarInCount | scalarOutRoom | structInSize | structOutRoom) >> 32 == 0
    else {
      throw countsRefused(
        scalarInput: scalarInCount, scalarOutput: scalarOutRoom,
        structInput: structInSize, structOutput: structOutRoom)
    }
    var call = ucb_call()
    call.size = UInt32(MemoryLayout<ucb_call>.size)
    call.selector = selector
    call.scalar_in_count = UInt32(truncatingIfNeeded: scalarInCount)
    call.struct_in_size = UInt32(truncatingIfNeeded: structInSize)
    call.scalar_out_count = UInt32(truncatingIfNeeded: scalarOutRoom)
    call.struct_out_size = UInt32(truncatingIfNeeded: structOutRoom)
    call.scalar_in = UInt64(UInt(bitPattern: scalarInput.baseAddress))
    call.struct_in = UInt64(UInt(bitPattern: structInput.baseAddress))
    call.scalar_out = UInt64(UInt(bitPattern: scalarOutput.baseAddress))
    call.struct_out = UInt64(UInt(bitPattern: structOutput.baseAddress))
    return call
  }

  /// Why ``callHeader(_:scalarInput:structInput:scalarOutput:structOutput:)``
  /// refused counts of which at least one does not fit 32 bits.
  @usableFromInline
  internal static func countsRefused(
    scalarInput: Int, scalarOutput: Int, structInput: Int, structOutput: Int
  ) -> UCBridgeError {
    if UInt32(exactly: scalarInput) == nil || UInt32(exactly: scalarOutput) == nil {
      return .badArgument(
        "\(scalarInput) input and \(scalarOutput) output scalars: the ABI's counts are 32-bit")
    }
    return .badArgument(
      "struct input of \(structInput) and output of \(structOutput) bytes: the ABI carries at most \(UInt32.max)")
  }

  /// What a `struct ucb_call` the driver wrote back says: the output
  /// counts, or the driver's refusal.
  @inlinable @inline(always)
  internal static func outputCounts(
    of call: ucb_call, scalarOutRoom: UInt32, structOutRoom: UInt32
  ) -> Result<OutputCounts, UCBridgeError> {
    guard call.result == UCB_IORETURN_SUCCESS else {
      return .failure(.ioReturn(IOReturn(rawValue: call.result)))
    }
    // The driver never reports more than the room it was given; if one
    // did, it has already written past the caller's buffers.
    precondition(
      call.scalar_out_count <= scalarOutRoom
        && call.struct_out_size <= structOutRoom,
      "ucbridge driver reported more output than the room it was given")
    return .success(OutputCounts(
      scalarCount: Int(call.scalar_out_count),
      structSize: Int(call.struct_out_size)))
  }

  /// The raw call with the output scalars returned as an array of what
  /// was written: the room for them is on the stack, so an array is made
  /// only when the method wrote scalars.
  private func _callMethodCollectingScalars(
    _ selector: UInt32,
    scalarInput: [UInt64],
    structInput: some ContiguousBytes,
    scalarOutputRoom: Int,
    structOutput: UnsafeMutableRawBufferPointer
  ) -> Result<(scalars: [UInt64], structSize: Int), UCBridgeError> {
    // The ABI's room is at most UCB_MAX_SCALARS; more would be the
    // driver's EINVAL, but the room is made here, so it is refused here.
    guard (0...Int(UCB_MAX_SCALARS)).contains(scalarOutputRoom) else {
      return .failure(.badArgument(
        "room for \(scalarOutputRoom) output scalars: the ABI allows 0 to \(UCB_MAX_SCALARS)"))
    }
    return withUnsafeTemporaryAllocation(
      of: UInt64.self, capacity: scalarOutputRoom
    ) { scalarOutput in
      scalarInput.withUnsafeBufferPointer { scalarInput in
        structInput.withUnsafeBytes { structInput in
          Result { () throws(UCBridgeError) in
            try _callMethod(
              selector, scalarInput: scalarInput, structInput: structInput,
              scalarOutput: scalarOutput, structOutput: structOutput)
          }
        }
      }.map { counts in
        // Array(_:) of an empty slice still walks the generic path.
        let scalars = counts.scalarCount == 0
          ? [] : Array(scalarOutput[..<counts.scalarCount])
        return (scalars, counts.structSize)
      }
    }
  }

  /// Calls a method, returning its outputs as arrays.
  ///
  /// - Parameters:
  ///   - selector: The method's index in the driver's table.
  ///   - scalarInput: The input scalars, at most `UCB_MAX_SCALARS`.
  ///   - structInput: The input struct bytes, passed to the driver in
  ///     place (an `Array`, `Data` or `UnsafeRawBufferPointer` is not
  ///     copied).
  ///   - scalarOutputRoom: Room for output scalars, at most
  ///     `UCB_MAX_SCALARS`.
  ///   - structOutputRoom: Room for the output struct, in bytes.
  /// - Returns: The scalars and struct bytes the method wrote.
  /// - Throws: As ``callMethod(_:scalarInput:structInput:scalarOutput:structOutput:)``.
  ///   A `scalarOutputRoom` above `UCB_MAX_SCALARS` fails with
  ///   ``UCBridgeError/badArgument(_:)``, before the ioctl.
  ///
  /// The corresponding C call is `ioctl(fd, UCB_IOC_CALL, &call)`; IOKit's
  /// is `IOConnectCallMethod`.
  public func callMethod(
    _ selector: UInt32,
    scalarInput: [UInt64] = [],
    structInput: some ContiguousBytes = [UInt8](),
    scalarOutputRoom: Int = 0,
    structOutputRoom: Int = 0
  ) throws(UCBridgeError) -> MethodOutput {
    guard (0...Int(UInt32.max)).contains(structOutputRoom) else {
      throw .badArgument(
        "struct output room of \(structOutputRoom) bytes: the ABI carries 0 to \(UInt32.max)")
    }
    // An empty array needs no buffer: skip making one.
    if structOutputRoom == 0 {
      let (scalars, _) = try _callMethodCollectingScalars(
        selector, scalarInput: scalarInput, structInput: structInput,
        scalarOutputRoom: scalarOutputRoom,
        structOutput: UnsafeMutableRawBufferPointer(start: nil, count: 0)
      ).get()
      return MethodOutput(scalars: scalars)
    }
    var outcome: Result<[UInt64], UCBridgeError> = .success([])
    let structBytes = [UInt8](unsafeUninitializedCapacity: structOutputRoom) {
      buffer, initializedCount in
      outcome = _callMethodCollectingScalars(
        selector, scalarInput: scalarInput, structInput: structInput,
        scalarOutputRoom: scalarOutputRoom,
        structOutput: UnsafeMutableRawBufferPointer(buffer)
      ).map { scalars, structSize in
        initializedCount = structSize
        return scalars
      }
    }
    return MethodOutput(scalars: try outcome.get(), structBytes: structBytes)
  }
}
