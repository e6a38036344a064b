import CUCBridge
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// The reference driver's methods (ucbridge_reference.ko and the mock), with the
// selectors of `enum ucb_reference_selector` and the checks of the
// driver's table.  A variable struct size here carries the method's own
// maximum; the driver also bounds it by its max_struct_size, so a call the
// checks let through can still be refused by a driver set lower.

private var anySize: MethodChecks.StructSize {
  .variable(max: Int(UCB_STRUCT_SIZE_LIMIT))
}

/// The pathInfo method's own maximum input: `UCB_PATH_INFO_MAX`.
private var pathMax: Int { Int(UCB_PATH_INFO_MAX) }

extension Method where Input == Void, Output == Void {
  /// `noop`: nothing in, nothing out.
  @inlinable
  public static var noop: Self {
    Method(noInputOrOutput: ReferenceSelector.noop, name: "noop")
  }

  /// `resetStats`: zero every method's driver-wide call and error
  /// counters (a connection's own counters go on).  Admin
  /// only: without `CAP_SYS_ADMIN` it fails with
  /// ``IOReturn/notPrivileged``.
  @inlinable
  public static var resetStats: Self {
    Method(noInputOrOutput: ReferenceSelector.resetStats, name: "resetStats")
  }
}

extension Method where Input == (UInt64, UInt64), Output == UInt64 {
  /// `add`: two scalars in, their sum modulo 2⁶⁴ out.
  public static var add: Self {
    Method(
      selector: ReferenceSelector.add, name: "add",
      checks: MethodChecks(scalarInputCount: .exactly(2),
                           scalarOutputCount: .exactly(1)),
      shape: .twoInOneOut
    ) { input, invoke throws(UCBridgeError) in
      try invoke(scalarInput: [input.0, input.1]).scalar(at: 0)
    }
  }
}

extension Method where Input == any ContiguousBytes, Output == [UInt8] {
  /// `echo`: a variable struct in, the same bytes out.
  public static var echo: Self {
    Method(
      selector: ReferenceSelector.echo, name: "echo",
      checks: MethodChecks(structInputSize: anySize, structOutputSize: anySize)
    ) { input, invoke throws(UCBridgeError) in
      try invoke(
        structInput: input,
        structOutputRoom: input.withUnsafeBytes { $0.count }
      ).structBytes
    }
  }
}

extension Method where Input == any ContiguousBytes, Output == Checksum {
  /// `checksum`: a variable struct in, its CRC-32C and length out.
  public static var checksum: Self {
    Method(
      selector: ReferenceSelector.checksum, name: "checksum",
      checks: MethodChecks(structInputSize: anySize,
                           scalarOutputCount: .exactly(2))
    ) { input, invoke throws(UCBridgeError) in
      let output = try invoke(structInput: input)
      return Checksum(
        crc32c: UInt32(truncatingIfNeeded: output.scalar(at: 0)),
        length: Int(truncatingIfNeeded: output.scalar(at: 1)))
    }
  }
}

extension Method where Input == FilePath, Output == PathInfo {
  /// `pathInfo`: a path in (1 to `PATH_MAX` - 1 bytes), what the driver
  /// finds there out: the use case ucbridge grew from.  A path that names
  /// nothing gives `found == false`; a malformed one (empty, too long, a
  /// component over `NAME_MAX`) ``IOReturn/badArgument``.  The path's bytes
  /// are sent without a NUL; `FilePath` drops repeated and trailing
  /// separators, so send bytes through the raw call to pass them verbatim.
  public static var pathInfo: Self {
    Method(
      selector: ReferenceSelector.pathInfo, name: "pathInfo",
      checks: MethodChecks(structInputSize: .variable(max: pathMax),
                           scalarOutputCount: .exactly(4))
    ) { path, invoke throws(UCBridgeError) in
      let output = try invoke(structInput: path)
      return PathInfo(
        found: output.scalar(at: 0) != 0,
        inode: Inode(rawValue: CInterop.Inode(truncatingIfNeeded: output.scalar(at: 1))),
        mode: FileMode(rawValue: UInt32(truncatingIfNeeded: output.scalar(at: 2))),
        size: Int64(bitPattern: output.scalar(at: 3)))
    }
  }
}

extension Method where Input == ucb_transform, Output == ucb_transform {
  /// `fixedTransform`: a `struct ucb_transform` in and out, with `a` and
  /// `b` swapped, `c` the sum and `d` the XOR of the input's `c` and `d`.
  public static var fixedTransform: Self {
    let size = MemoryLayout<ucb_transform>.size
    return Method(
      selector: ReferenceSelector.fixedTransform,
      name: "fixedTransform",
      checks: MethodChecks(structInputSize: .exactly(size),
                           structOutputSize: .exactly(size))
    ) { input, invoke throws(UCBridgeError) in
      try invoke(structValue: input).structBytes(as: ucb_transform.self)
    }
  }
}

extension Method where Input == any ContiguousBytes, Output == Bool {
  /// `consistency`: reads the input twice, the default delay apart, and
  /// says whether both reads agree: always, since the driver reads a copy.
  public static var consistency: Self { consistency(delayMicroseconds: nil) }

  /// `consistency` with a delay between the two reads.
  ///
  /// - Parameter delayMicroseconds: The delay, at most
  ///   `UCB_CONSISTENCY_MAX_DELAY_US`; nil for the driver's default.
  /// - Returns: The method.
  public static func consistency(delayMicroseconds: UInt64?) -> Self {
    Method(
      selector: ReferenceSelector.consistency, name: "consistency",
      checks: MethodChecks(scalarInputCount: .variable,
                           structInputSize: anySize,
                           scalarOutputCount: .exactly(1))
    ) { input, invoke throws(UCBridgeError) in
      let delay = delayMicroseconds.map { [$0] } ?? []
      return try invoke(scalarInput: delay, structInput: input).scalar(at: 0) == 1
    }
  }
}

extension Method where Input == Int, Output == [UInt8] {
  /// `generate`: a count in, that many pattern bytes out (byte `i` is
  /// `i % 251`).
  public static var generate: Self {
    Method(
      selector: ReferenceSelector.generate, name: "generate",
      checks: MethodChecks(scalarInputCount: .exactly(1),
                           structOutputSize: anySize)
    ) { count, invoke throws(UCBridgeError) in
      guard count >= 0 else {
        throw .badArgument("generate: a byte count of \(count)")
      }
      return try invoke(
        scalarInput: [UInt64(count)], structOutputRoom: count
      ).structBytes
    }
  }
}

extension Method where Input == any ContiguousBytes, Output == Void {
  /// `sink`: a variable struct in, nothing out; the cost of the copy alone.
  public static var sink: Self {
    Method(
      selector: ReferenceSelector.sink, name: "sink",
      checks: MethodChecks(structInputSize: anySize)
    ) { input, invoke throws(UCBridgeError) in
      _ = try invoke(structInput: input)
    }
  }
}

extension Method where Input == (UInt64, UInt64), Output == SharedChecksum {
  /// `sharedChecksum`: an offset and a length in, the CRC-32C of that
  /// range of the connection's shared buffer (memory type
  /// `UCB_REFERENCE_MEMORY_BUFFER`, mapped with
  /// ``Connection/map(type:readOnly:length:)``) out, with its length and
  /// whether two reads of it, the default delay (none) apart, agree:
  /// always, since the driver reads a snapshot.  A range past the buffer
  /// (or whose end overflows) gives ``IOReturn/badArgument``.
  public static var sharedChecksum: Self { sharedChecksum(delayMicroseconds: 0) }

  /// `sharedChecksum` with a delay between the two reads of the snapshot.
  ///
  /// - Parameter delayMicroseconds: The delay, at most
  ///   `UCB_CONSISTENCY_MAX_DELAY_US`; a longer one gives
  ///   ``IOReturn/badArgument``.
  /// - Returns: The method.
  public static func sharedChecksum(delayMicroseconds: UInt64) -> Self {
    Method(
      selector: ReferenceSelector.sharedChecksum, name: "sharedChecksum",
      checks: MethodChecks(scalarInputCount: .exactly(3),
                           scalarOutputCount: .exactly(3))
    ) { input, invoke throws(UCBridgeError) in
      let output = try invoke(scalarInput: [input.0, input.1, delayMicroseconds])
      return SharedChecksum(
        crc32c: UInt32(truncatingIfNeeded: output.scalar(at: 0)),
        length: Int(truncatingIfNeeded: output.scalar(at: 1)),
        stable: output.scalar(at: 2) == 1)
    }
  }
}

extension AsyncMethod where Input == (UInt64, UInt64), Output == UInt64 {
  /// `delayed` (async): a delay in microseconds, at most
  /// `UCB_DELAYED_MAX_DELAY_US`, and a value in; the value back once the
  /// delay has passed.  Cancelled (the task, or ``Connection/cancelAsyncCall(_:)``),
  /// it ends with ``IOReturn/aborted``; a longer delay gives
  /// ``IOReturn/badArgument``.
  public static var delayed: Self {
    AsyncMethod(
      selector: ReferenceSelector.delayed, name: "delayed",
      checks: MethodChecks(scalarInputCount: .exactly(2), isAsync: true)
    ) { input, invoke throws(UCBridgeError) in
      try await invoke.completion(scalarInput: [input.0, input.1]).argument(at: 0)
    }
  }
}

extension AsyncMethod where Input == any ContiguousBytes, Output == Checksum {
  /// `asyncChecksum` (async): a variable struct in; its CRC-32C and length
  /// back from a worker, as ``Method/checksum`` computes them.
  public static var asyncChecksum: Self {
    AsyncMethod(
      selector: ReferenceSelector.asyncChecksum, name: "asyncChecksum",
      checks: MethodChecks(structInputSize: anySize, isAsync: true)
    ) { input, invoke throws(UCBridgeError) in
      let completion = try await invoke.completion(structInput: input)
      return Checksum(
        crc32c: UInt32(truncatingIfNeeded: completion.argument(at: 0)),
        length: Int(truncatingIfNeeded: completion.argument(at: 1)))
    }
  }
}

extension Method
where Input == (count: Int, intervalMicroseconds: UInt64, canDrop: Bool), Output == Void {
  /// `notify`: starts a sequence of `count` notifications (at most
  /// `UCB_NOTIFY_MAX_COUNT`) of message `UCB_NOTIFY_MESSAGE` to this
  /// connection, `intervalMicroseconds` apart (at most
  /// `UCB_DELAYED_MAX_DELAY_US`), the first at once, each carrying its
  /// index from 0 and `count`; droppable (`UCB_EVENT_CAN_DROP`) when
  /// `canDrop`.  It replaces a sequence still running; a count of 0 stops
  /// it.  Receive them with ``Connection/notifications`` or
  /// ``Connection/addNotificationHandler(_:)``.
  public static var notify: Self {
    Method(
      selector: ReferenceSelector.notify, name: "notify",
      checks: MethodChecks(scalarInputCount: .exactly(3))
    ) { input, invoke throws(UCBridgeError) in
      guard input.count >= 0 else {
        throw .badArgument("notify: a count of \(input.count)")
      }
      _ = try invoke(scalarInput: [
        UInt64(input.count), input.intervalMicroseconds,
        input.canDrop ? UInt64(UCB_EVENT_CAN_DROP) : 0,
      ])
    }
  }
}
