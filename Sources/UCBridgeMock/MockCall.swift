import CUCBridge
import CUCBridgeCore
import UCBridge

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What a ``MockMethod`` handler sees of a call: the dispatch core's
/// `struct ucb_args`, with every input already checked and copied and
/// zeroed room for the outputs.
///
/// The handler reads the inputs and reports outputs with the `set…`
/// methods, which never write past the room.  Unless it reports otherwise,
/// a method returns its whole (zeroed) output room, as a C method that
/// leaves `scalar_out_count` and `struct_out_size` alone.  Reporting more
/// than the room is a driver bug that the core answers with
/// `IOReturn.internalError`, as it does for a kernel driver.
public struct MockCall: ~Copyable {
  private let args: UnsafeMutablePointer<ucb_args>

  /// Room for output scalars the call gave.
  public let scalarOutputCapacity: Int
  /// Room for the output struct the call gave, after the core bounded a
  /// variable output by the method's maximum.
  public let structOutputCapacity: Int

  init(_ args: UnsafeMutablePointer<ucb_args>) {
    self.args = args
    scalarOutputCapacity = Int(args.pointee.scalar_out_count)
    structOutputCapacity = Int(args.pointee.struct_out_size)
  }

  /// Whether the caller's connection is privileged (`CAP_SYS_ADMIN`).
  public var callerIsPrivileged: Bool {
    args.pointee.client.pointee.env.admin
  }

  /// The input scalars.
  public var scalarInput: [UInt64] {
    Array(UnsafeBufferPointer(
      start: args.pointee.scalar_in, count: Int(args.pointee.scalar_in_count)))
  }

  /// The input struct's size in bytes.
  public var structInputSize: Int { Int(args.pointee.struct_in_size) }

  /// The input struct's bytes, copied out of the core's buffer.
  public var structInput: [UInt8] {
    withStructInput { Array($0) }
  }

  /// Runs `body` on the input struct in the core's own buffer.
  ///
  /// - Parameter body: Reads the bytes; they are valid only during `body`.
  /// - Returns: What `body` returns.
  /// - Throws: What `body` throws.
  public func withStructInput<Result, Failure: Error>(
    _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
  ) throws(Failure) -> Result {
    try body(UnsafeRawBufferPointer(
      start: args.pointee.struct_in, count: structInputSize))
  }

  /// The input struct read as a value of a trivially copyable type; bytes
  /// past the input read as zero.
  ///
  /// - Parameter type: The type to read.
  /// - Returns: The value.
  public func structInput<T: BitwiseCopyable>(as type: T.Type) -> T {
    withStructInput { input in
      withUnsafeTemporaryAllocation(of: T.self, capacity: 1) { value in
        let raw = UnsafeMutableRawBufferPointer(value)
        raw.initializeMemory(as: UInt8.self, repeating: 0)
        raw.copyMemory(from: UnsafeRawBufferPointer(rebasing: input.prefix(raw.count)))
        return value[0]
      }
    }
  }

  /// Reports the output scalars: stores those that fit the room and
  /// claims them all.
  ///
  /// - Parameter scalars: The output scalars.
  public mutating func setScalarOutput(_ scalars: [UInt64]) {
    let room = UnsafeMutableBufferPointer(
      start: args.pointee.scalar_out, count: scalarOutputCapacity)
    _ = room.update(fromContentsOf: scalars.prefix(room.count))
    args.pointee.scalar_out_count = UInt32(truncatingIfNeeded: scalars.count)
  }

  /// Reports the output struct: stores the bytes that fit the room and
  /// claims them all.
  ///
  /// - Parameter bytes: The output struct bytes.
  public mutating func setStructOutput(_ bytes: some ContiguousBytes) {
    bytes.withUnsafeBytes { bytes in
      room.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes.prefix(room.count)))
      args.pointee.struct_out_size = UInt32(truncatingIfNeeded: bytes.count)
    }
  }

  /// Reports a trivially copyable value as the output struct.
  ///
  /// - Parameter value: The value, `MemoryLayout<T>.size` bytes.
  public mutating func setStructOutput<T: BitwiseCopyable>(value: T) {
    withUnsafeBytes(of: value) { setStructOutput($0) }
  }

  /// Lets `body` write the output struct in place.
  ///
  /// - Parameter body: Writes into the room and returns how many bytes it
  ///   wrote; that many are claimed.
  public mutating func withStructOutput(
    _ body: (UnsafeMutableRawBufferPointer) -> Int
  ) {
    args.pointee.struct_out_size = UInt32(truncatingIfNeeded: body(room))
  }

  private var room: UnsafeMutableRawBufferPointer {
    UnsafeMutableRawBufferPointer(
      start: args.pointee.struct_out, count: structOutputCapacity)
  }
}

/// The one C handler of every Swift method: finds the method's closure
/// through the table entry's context and runs it.
func mockMethodTrampoline(_ args: UnsafeMutablePointer<ucb_args>?) -> UInt32 {
  guard let args, let context = args.pointee.method?.pointee.context else {
    return UCB_IORETURN_INTERNAL_ERROR
  }
  let box = Unmanaged<MockHandlerBox>.fromOpaque(context).takeUnretainedValue()
  var call = MockCall(args)
  return box.handler(&call).rawValue
}
