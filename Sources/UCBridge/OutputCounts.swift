/// How much a method wrote: what the driver reports back in
/// `struct ucb_call` after a successful call.
@frozen
public struct OutputCounts: Hashable, Sendable {
  /// Output scalars written, from the start of the scalar output buffer.
  public var scalarCount: Int
  /// Output struct bytes written, from the start of the struct output
  /// buffer.  Bytes past them are untouched.
  public var structSize: Int

  /// Creates output counts.
  ///
  /// - Parameters:
  ///   - scalarCount: Output scalars written.
  ///   - structSize: Output struct bytes written.
  @inlinable
  public init(scalarCount: Int, structSize: Int) {
    self.scalarCount = scalarCount
    self.structSize = structSize
  }
}

/// What a method wrote, as values: its output scalars and output struct
/// bytes.
public struct MethodOutput: Hashable, Sendable {
  /// The output scalars the method wrote.
  public var scalars: [UInt64]
  /// The output struct bytes the method wrote.
  public var structBytes: [UInt8]

  /// Creates a method output.
  ///
  /// - Parameters:
  ///   - scalars: The output scalars.
  ///   - structBytes: The output struct bytes.
  public init(scalars: [UInt64] = [], structBytes: [UInt8] = []) {
    self.scalars = scalars
    self.structBytes = structBytes
  }

  /// The output scalar at `index`, or 0 when the method wrote fewer
  /// scalars: what the driver's zeroed output room held there.
  ///
  /// - Parameter index: The scalar's position, from 0.
  /// - Returns: The scalar, or 0.
  public func scalar(at index: Int) -> UInt64 {
    scalars.indices.contains(index) ? scalars[index] : 0
  }

  /// The output struct bytes read as a value of a trivially copyable type.
  ///
  /// Bytes the method did not write read as zero, as in the driver's
  /// zeroed output room; bytes beyond `T`'s size are ignored.
  ///
  /// - Parameter type: The type to read, such as `ucb_transform.self`.
  /// - Returns: The value.
  public func structBytes<T: BitwiseCopyable>(as type: T.Type) -> T {
    withUnsafeTemporaryAllocation(of: T.self, capacity: 1) { buffer in
      let raw = UnsafeMutableRawBufferPointer(buffer)
      raw.initializeMemory(as: UInt8.self, repeating: 0)
      structBytes.withUnsafeBytes { bytes in
        raw.copyMemory(
          from: UnsafeRawBufferPointer(rebasing: bytes.prefix(raw.count)))
      }
      return buffer[0]
    }
  }
}
