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

/// One call of a typed ``Method`` in the making: what a method's body uses
/// to pass its input to the driver.  It checks the counts and sizes
/// against the method's ``MethodChecks`` and then makes the raw call.
///
/// Output room defaults to what the checks fix: the exact count or size
/// when fixed; for a variable scalar output, `UCB_MAX_SCALARS`; for a
/// variable struct output, none (pass `structOutputRoom`).
public struct MethodInvocation: Sendable {
  /// The connection the call goes to.
  public let connection: Connection
  /// The method's selector.
  public let selector: UInt32
  /// The method's name, for messages.
  public let name: String
  /// The checks the call must pass.
  public let checks: MethodChecks

  /// Makes the call with struct input bytes.
  ///
  /// - Parameters:
  ///   - scalarInput: The input scalars.
  ///   - structInput: The input struct bytes, passed in place.
  ///   - scalarOutputRoom: Room for output scalars; see the type's
  ///     defaults.
  ///   - structOutputRoom: Room for the output struct; see the type's
  ///     defaults.
  /// - Returns: What the method wrote.
  /// - Throws: ``UCBridgeError/badArgument(_:)`` when a check fails, else
  ///   as ``Connection/callMethod(_:scalarInput:structInput:scalarOutput:structOutput:)``.
  ///
  /// The corresponding C call is `ioctl(fd, UCB_IOC_CALL, &call)`.
  public func callAsFunction(
    scalarInput: [UInt64] = [],
    structInput: some ContiguousBytes = [UInt8](),
    scalarOutputRoom: Int? = nil,
    structOutputRoom: Int? = nil
  ) throws(UCBridgeError) -> MethodOutput {
    let scalarOutputRoom = scalarOutputRoom ?? defaultScalarOutputRoom
    let structOutputRoom = structOutputRoom ?? defaultStructOutputRoom
    let structInputSize = structInput.withUnsafeBytes { $0.count }
    try checks.validate(
      scalarInputCount: scalarInput.count, structInputSize: structInputSize,
      scalarOutputRoom: scalarOutputRoom, structOutputRoom: structOutputRoom,
      method: name)
    return try connection.callMethod(
      selector, scalarInput: scalarInput, structInput: structInput,
      scalarOutputRoom: scalarOutputRoom, structOutputRoom: structOutputRoom)
  }

  /// Makes the call with a string's UTF-8 bytes, without a terminating
  /// NUL, as the struct input.
  ///
  /// - Parameters:
  ///   - scalarInput: The input scalars.
  ///   - structInput: The string.
  ///   - scalarOutputRoom: Room for output scalars.
  ///   - structOutputRoom: Room for the output struct.
  /// - Returns: What the method wrote.
  /// - Throws: As the `ContiguousBytes` form.
  public func callAsFunction(
    scalarInput: [UInt64] = [],
    structInput: String,
    scalarOutputRoom: Int? = nil,
    structOutputRoom: Int? = nil
  ) throws(UCBridgeError) -> MethodOutput {
    var string = structInput
    return try string.withUTF8 { bytes in
      Result { () throws(UCBridgeError) in
        try self(
          scalarInput: scalarInput, structInput: UnsafeRawBufferPointer(bytes),
          scalarOutputRoom: scalarOutputRoom, structOutputRoom: structOutputRoom)
      }
    }.get()
  }

  /// Makes the call with a path's bytes, without a terminating NUL, as the
  /// struct input.
  ///
  /// - Parameters:
  ///   - scalarInput: The input scalars.
  ///   - structInput: The path.
  ///   - scalarOutputRoom: Room for output scalars.
  ///   - structOutputRoom: Room for the output struct.
  /// - Returns: What the method wrote.
  /// - Throws: As the `ContiguousBytes` form.
  public func callAsFunction(
    scalarInput: [UInt64] = [],
    structInput: FilePath,
    scalarOutputRoom: Int? = nil,
    structOutputRoom: Int? = nil
  ) throws(UCBridgeError) -> MethodOutput {
    try structInput.withPlatformString { path in
      Result { () throws(UCBridgeError) in
        try self(
          scalarInput: scalarInput,
          structInput: UnsafeRawBufferPointer(start: path, count: strlen(path)),
          scalarOutputRoom: scalarOutputRoom, structOutputRoom: structOutputRoom)
      }
    }.get()
  }

  /// Makes the call with a trivially copyable value's bytes as the struct
  /// input, `MemoryLayout<Value>.size` of them.
  ///
  /// - Parameters:
  ///   - scalarInput: The input scalars.
  ///   - structValue: The value, such as a `ucb_transform`.
  ///   - scalarOutputRoom: Room for output scalars.
  ///   - structOutputRoom: Room for the output struct.
  /// - Returns: What the method wrote; read a struct output with
  ///   ``MethodOutput/structBytes(as:)``.
  /// - Throws: As the `ContiguousBytes` form.
  public func callAsFunction<Value: BitwiseCopyable>(
    scalarInput: [UInt64] = [],
    structValue: Value,
    scalarOutputRoom: Int? = nil,
    structOutputRoom: Int? = nil
  ) throws(UCBridgeError) -> MethodOutput {
    try withUnsafeBytes(of: structValue) { bytes in
      Result { () throws(UCBridgeError) in
        try self(
          scalarInput: scalarInput, structInput: bytes,
          scalarOutputRoom: scalarOutputRoom, structOutputRoom: structOutputRoom)
      }
    }.get()
  }

  private var defaultScalarOutputRoom: Int { checks.defaultScalarOutputRoom }

  private var defaultStructOutputRoom: Int { checks.defaultStructOutputRoom }
}

extension MethodChecks {
  /// The scalar output room a typed call gives by default.
  internal var defaultScalarOutputRoom: Int {
    switch scalarOutputCount {
    case .exactly(let count): return count
    case .variable: return Int(UCB_MAX_SCALARS)
    }
  }

  /// The struct output room a typed call gives by default.
  internal var defaultStructOutputRoom: Int {
    switch structOutputSize {
    case .exactly(let size): return size
    case .variable: return 0
    }
  }
}
