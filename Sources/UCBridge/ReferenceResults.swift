import SystemPackage

/// What the reference driver's ``Method/pathInfo`` method found at a path.
public struct PathInfo: Hashable, Sendable {
  /// Whether the path names something.  When false the other fields are
  /// zero.
  public var found: Bool
  /// Its inode number.
  public var inode: Inode
  /// Its type and permissions, as `st_mode`.
  public var mode: FileMode
  /// Its size in bytes, as `st_size`.
  public var size: Int64

  /// Creates a path description.
  ///
  /// - Parameters:
  ///   - found: Whether the path names something.
  ///   - inode: Its inode number.
  ///   - mode: Its type and permissions.
  ///   - size: Its size in bytes.
  public init(found: Bool, inode: Inode, mode: FileMode, size: Int64) {
    self.found = found
    self.inode = inode
    self.mode = mode
    self.size = size
  }
}

/// What the reference driver's ``Method/checksum`` method computed.
public struct Checksum: Hashable, Sendable {
  /// The standard CRC-32C (Castagnoli) of the input: `"123456789"` gives
  /// `0xe3069283`.
  public var crc32c: UInt32
  /// How many bytes it covers.
  public var length: Int

  /// Creates a checksum.
  ///
  /// - Parameters:
  ///   - crc32c: The CRC-32C.
  ///   - length: The bytes it covers.
  public init(crc32c: UInt32, length: Int) {
    self.crc32c = crc32c
    self.length = length
  }
}

/// What the reference driver's ``Method/sharedChecksum`` method computed
/// over a range of the shared buffer.
public struct SharedChecksum: Hashable, Sendable {
  /// The CRC-32C of the range, as ``Checksum/crc32c``.
  public var crc32c: UInt32
  /// How many bytes it covers.
  public var length: Int
  /// Whether the driver's two reads of its snapshot agreed: always.
  public var stable: Bool

  /// The checksum without ``stable``, comparable with ``Method/checksum``'s.
  public var checksum: Checksum { Checksum(crc32c: crc32c, length: length) }

  /// Creates a shared-buffer checksum.
  ///
  /// - Parameters:
  ///   - crc32c: The CRC-32C.
  ///   - length: The bytes it covers.
  ///   - stable: Whether both reads agreed.
  public init(crc32c: UInt32, length: Int, stable: Bool) {
    self.crc32c = crc32c
    self.length = length
    self.stable = stable
  }
}
