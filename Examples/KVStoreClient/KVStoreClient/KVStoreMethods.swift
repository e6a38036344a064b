import CKVStore
import SystemPackage
import UCBridge

// The template driver's methods (ucbridge_kvstore.ko and the mock), declared
// the way a driver's author declares their own: typed `Method` values with
// the selectors of `enum ucb_kvstore_selector` and the checks of the
// driver's table, all from <uapi/linux/ucbridge_kvstore.h>.
//
// ```swift
// let store = try Connection.open(KVStore.devicePath)
// try store.call(.put, Array("greeting".utf8), Array("hello".utf8))
// let value = try store.call(.get, Array("greeting".utf8))   // "hello"
// ```

/// The template driver's constants and encodings.
public enum KVStore {
  /// Its node: `/dev/ucbridge/kvstore`.
  public static var devicePath: FilePath {
    Connection.deviceDirectory.appending(UCB_KVSTORE_NAME)
  }

  /// The user-client type with every method (also a connection's type
  /// when it chooses none).
  public static var readWrite: UInt32 { UCB_KVSTORE_TYPE_READ_WRITE.rawValue }
  /// The user-client type whose `put` and `delete` fail with
  /// ``IOReturn/notPermitted``.
  public static var readOnly: UInt32 { UCB_KVSTORE_TYPE_READ_ONLY.rawValue }

  /// The longest key, in bytes; keys are at least 1 byte.
  public static var keyMax: Int { Int(UCB_KVSTORE_KEY_MAX) }
  /// The longest value, in bytes; values may be empty.
  public static var valueMax: Int { Int(UCB_KVSTORE_VALUE_MAX) }
  /// A new connection's entry limit.
  public static var defaultQuota: Int { Int(UCB_KVSTORE_DEFAULT_QUOTA) }
  /// The highest entry limit ``Method/setQuota`` accepts.
  public static var quotaMax: Int { Int(UCB_KVSTORE_QUOTA_MAX) }
  /// The largest input of `put`: `UCB_KVSTORE_PUT_MAX`.
  public static var putMax: Int {
    MemoryLayout<ucb_kvstore_put>.size + keyMax + valueMax
  }
  /// `list`'s next cursor after the last key: `UCB_KVSTORE_LIST_END`.
  public static var listEnd: UInt64 { UCB_KVSTORE_LIST_END }

  /// The input of `put`: a `struct ucb_kvstore_put`, the key, the value.
  ///
  /// - Parameters:
  ///   - key: The key.
  ///   - value: The value.
  /// - Returns: The bytes to send; lengths that do not fit 32 bits are
  ///   truncated, which the driver then refuses.
  public static func putInput(key: [UInt8], value: [UInt8]) -> [UInt8] {
    let head = ucb_kvstore_put(
      key_len: UInt32(truncatingIfNeeded: key.count),
      value_len: UInt32(truncatingIfNeeded: value.count))
    return withUnsafeBytes(of: head) { Array($0) } + key + value
  }

  /// What `count` reports.
  public struct Count: Hashable, Sendable {
    /// Entries held.
    public var entries: Int
    /// Bytes of their keys and values.
    public var bytes: Int
    /// The connection's entry limit.
    public var quota: Int

    public init(entries: Int, bytes: Int, quota: Int) {
      self.entries = entries
      self.bytes = bytes
      self.quota = quota
    }
  }

  /// One step of `list`: a key and the cursor to pass next.
  public struct ListEntry: Hashable, Sendable {
    /// The key.
    public var key: [UInt8]
    /// The cursor that continues the walk after this key.
    public var next: UInt64
  }
}

private func kvstoreSelector(_ selector: ucb_kvstore_selector) -> UInt32 {
  selector.rawValue
}

private var keySize: MethodChecks.StructSize { .variable(max: KVStore.keyMax) }

extension Method where Input == ([UInt8], [UInt8]), Output == Void {
  /// `put`: stores a copy of a value under a key, replacing any old one.
  /// ``IOReturn/badArgument`` for a key of 0 or more than
  /// ``KVStore/keyMax`` bytes or a value over ``KVStore/valueMax``;
  /// ``IOReturn/noSpace`` for a new key when the store is at its quota;
  /// ``IOReturn/notPermitted`` on a read-only connection.
  public static var put: Self {
    Method(
      selector: kvstoreSelector(UCB_KVSTORE_SEL_PUT), name: "put",
      checks: MethodChecks(structInputSize: .variable(max: KVStore.putMax))
    ) { input, invoke throws(UCBridgeError) in
      _ = try invoke(structInput: KVStore.putInput(key: input.0, value: input.1))
    }
  }
}

extension Method where Input == [UInt8], Output == [UInt8] {
  /// `get`: a key in, its value out; ``IOReturn/notFound`` when absent.
  public static var get: Self {
    Method(
      selector: kvstoreSelector(UCB_KVSTORE_SEL_GET), name: "get",
      checks: MethodChecks(structInputSize: keySize,
                           structOutputSize: .variable(max: KVStore.valueMax))
    ) { key, invoke throws(UCBridgeError) in
      try invoke(structInput: key, structOutputRoom: KVStore.valueMax).structBytes
    }
  }
}

extension Method where Input == [UInt8], Output == Void {
  /// `delete`: removes a key; ``IOReturn/notFound`` when absent,
  /// ``IOReturn/notPermitted`` on a read-only connection.
  public static var delete: Self {
    Method(
      selector: kvstoreSelector(UCB_KVSTORE_SEL_DELETE), name: "delete",
      checks: MethodChecks(structInputSize: keySize)
    ) { key, invoke throws(UCBridgeError) in
      _ = try invoke(structInput: key)
    }
  }
}

extension Method where Input == UInt64, Output == KVStore.ListEntry? {
  /// `list`: a cursor in (0 to start), the next key and the cursor after
  /// it out, or nil at the end.  A key keeps its place until deleted, so
  /// a walk sees every key present throughout it exactly once.
  public static var list: Self {
    Method(
      selector: kvstoreSelector(UCB_KVSTORE_SEL_LIST), name: "list",
      checks: MethodChecks(scalarInputCount: .exactly(1), scalarOutputCount: .exactly(1),
                           structOutputSize: keySize)
    ) { cursor, invoke throws(UCBridgeError) in
      let output = try invoke(scalarInput: [cursor], structOutputRoom: KVStore.keyMax)
      let next = output.scalar(at: 0)
      if next == KVStore.listEnd { return nil }
      return KVStore.ListEntry(key: output.structBytes, next: next)
    }
  }
}

extension Method where Input == Void, Output == KVStore.Count {
  /// `count`: the entries held, their bytes and the quota.
  public static var count: Self {
    Method(
      selector: kvstoreSelector(UCB_KVSTORE_SEL_COUNT), name: "count",
      checks: MethodChecks(scalarOutputCount: .exactly(3))
    ) { _, invoke throws(UCBridgeError) in
      let output = try invoke()
      return KVStore.Count(
        entries: Int(truncatingIfNeeded: output.scalar(at: 0)),
        bytes: Int(truncatingIfNeeded: output.scalar(at: 1)),
        quota: Int(truncatingIfNeeded: output.scalar(at: 2)))
    }
  }
}

extension Method where Input == Int, Output == Void {
  /// `setQuota`: sets this connection's entry limit, 1 to
  /// ``KVStore/quotaMax`` (else ``IOReturn/badArgument``).  Admin only:
  /// without `CAP_SYS_ADMIN` it fails with ``IOReturn/notPrivileged``.
  public static var setQuota: Self {
    Method(
      selector: kvstoreSelector(UCB_KVSTORE_SEL_SET_QUOTA), name: "setQuota",
      checks: MethodChecks(scalarInputCount: .exactly(1))
    ) { quota, invoke throws(UCBridgeError) in
      guard quota >= 0 else { throw .badArgument("setQuota: a quota of \(quota)") }
      _ = try invoke(scalarInput: [UInt64(quota)])
    }
  }
}

extension Connection {
  /// Every key of the connection's store, walking `list` from cursor 0.
  ///
  /// - Returns: The keys, in slot order.
  /// - Throws: ``UCBridgeError``, as ``Method/invoke(_:on:)``.
  public func kvstoreKeys() throws(UCBridgeError) -> [[UInt8]] {
    var keys: [[UInt8]] = []
    var cursor: UInt64 = 0
    while let entry = try call(.list, cursor) {
      keys.append(entry.key)
      cursor = entry.next
    }
    return keys
  }
}
