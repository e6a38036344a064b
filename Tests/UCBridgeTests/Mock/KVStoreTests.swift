import CUCBridgeCore
import KVStoreClient
import SystemPackage
import Testing
import UCBridge
import UCBridgeMock

/// The template driver (kmod/template/ucb_kvstore.c), its own C code run
/// in-process through `MockDevice(filling:)`, called through the typed
/// methods of KVStoreClient as an app would.  The module itself is
/// exercised in the VM by scripts/guest/kvstore.sh.
@Suite(.mockOnly) struct KVStoreTemplate {
  let device: MockDevice
  init() throws { device = try MockDevice { ucb_kvstore_driver_fill($0) } }

  /// Bytes of a string, for keys and values.
  func b(_ string: String) -> [UInt8] { Array(string.utf8) }

  /// The raw put, bypassing KVStoreClient's encoding.
  func rawPut(_ connection: Connection, _ input: [UInt8]) throws(UCBridgeError) {
    _ = try connection.callMethod(Method.put.selector, structInput: input)
  }

  /// A put header that claims these lengths, followed by `body`.
  func putHeader(keyLength: UInt32, valueLength: UInt32, body: [UInt8]) -> [UInt8] {
    withUnsafeBytes(of: (keyLength, valueLength)) { Array($0) } + body
  }

  @Test func theTableIsWhatTheTypedMethodsDeclare() throws {
    let connection = device.connect()
    let info = try connection.driverInfo()
    #expect(info.name == "kvstore" && info.maxStructSize == 8192)
    let methods = try connection.methods()
    #expect(methods.map(\.name) == ["put", "get", "delete", "list", "count", "setQuota"])
    let declared: [(UInt32, String, MethodChecks)] = [
      (Method.put.selector, Method.put.name, Method.put.checks),
      (Method.get.selector, Method.get.name, Method.get.checks),
      (Method.delete.selector, Method.delete.name, Method.delete.checks),
      (Method.list.selector, Method.list.name, Method.list.checks),
      (Method.count.selector, Method.count.name, Method.count.checks),
      (Method.setQuota.selector, Method.setQuota.name, Method.setQuota.checks),
    ]
    for (selector, name, checks) in declared {
      let method = methods[Int(selector)]
      #expect(method.name == name)
      #expect(method.checks == checks, "\(name)")
      #expect(method.requiresAdmin == (name == "setQuota"))
    }
  }

  @Test func putGetDeleteListCount() throws {
    let store = device.connect()
    #expect(try store.call(.count) == KVStore.Count(entries: 0, bytes: 0, quota: 64))
    #expect(try store.kvstoreKeys().isEmpty)
    try store.call(.put, b("a"), b("1"))
    try store.call(.put, b("bb"), b("22"))
    try store.call(.put, b("empty"), [])
    #expect(try store.call(.get, b("a")) == b("1"))
    #expect(try store.call(.get, b("bb")) == b("22"))
    #expect(try store.call(.get, b("empty")) == [])
    #expect(try store.call(.count) == KVStore.Count(entries: 3, bytes: 1 + 1 + 2 + 2 + 5, quota: 64))

    try store.call(.put, b("a"), b("replaced"))
    #expect(try store.call(.get, b("a")) == b("replaced"))
    #expect(try store.call(.count).entries == 3, "a put replaces")
    #expect(try store.call(.count).bytes == 1 + 8 + 2 + 2 + 5)
    #expect(Set(try store.kvstoreKeys()) == [b("a"), b("bb"), b("empty")])

    try store.call(.delete, b("a"))
    #expect(throws: UCBridgeError.ioReturn(.notFound)) { try store.call(.get, b("a")) }
    #expect(throws: UCBridgeError.ioReturn(.notFound)) { try store.call(.delete, b("a")) }
    #expect(throws: UCBridgeError.ioReturn(.notFound)) { try store.call(.get, b("A")) }
    #expect(try store.call(.count) == KVStore.Count(entries: 2, bytes: 2 + 2 + 5, quota: 64))
    #expect(Set(try store.kvstoreKeys()) == [b("bb"), b("empty")])
  }

  @Test func keysAreBytes() throws {
    let store = device.connect()
    let binary: [UInt8] = [0, 0xff, 0, 1]
    try store.call(.put, binary, [0, 0, 0])
    try store.call(.put, [0, 0xff, 0], b("prefix"))
    #expect(try store.call(.get, binary) == [0, 0, 0])
    #expect(try store.call(.get, [0, 0xff, 0]) == b("prefix"))
    #expect(throws: UCBridgeError.ioReturn(.notFound)) { try store.call(.get, [0, 0xff]) }
  }

  @Test func limitsOfKeysAndValues() throws {
    let store = device.connect()
    let longestKey = [UInt8](repeating: 0x6b, count: KVStore.keyMax)
    let largestValue = [UInt8](repeating: 0x76, count: KVStore.valueMax)
    try store.call(.put, longestKey, largestValue)
    #expect(try store.call(.get, longestKey) == largestValue)
    #expect(try store.kvstoreKeys() == [longestKey])

    // The driver's own checks: these fit the table's bound on the input.
    #expect(throws: UCBridgeError.ioReturn(.badArgument), "empty key") {
      try store.call(.put, [], b("v"))
    }
    #expect(throws: UCBridgeError.ioReturn(.badArgument), "key one byte too long") {
      try store.call(.put, longestKey + [0x6b], b("v"))
    }
    #expect(throws: UCBridgeError.ioReturn(.badArgument), "value one byte too long") {
      try store.call(.put, b("k"), largestValue + [0x76])
    }
    // The core's: over the table's maximum, refused before the method.
    #expect(throws: UCBridgeError.ioReturn(.badArgument)) {
      try rawPut(store, KVStore.putInput(key: longestKey, value: largestValue) + [0])
    }
    #expect(throws: UCBridgeError.ioReturn(.badArgument), "a 65-byte key to get") {
      try store.callMethod(Method.get.selector, structInput: longestKey + [0x6b], structOutputRoom: 4096)
    }
    #expect(throws: UCBridgeError.ioReturn(.badArgument), "an empty key to get") {
      try store.callMethod(Method.get.selector, structInput: [UInt8](), structOutputRoom: 4096)
    }
    #expect(throws: UCBridgeError.ioReturn(.badArgument), "an empty key to delete") {
      try store.callMethod(Method.delete.selector, structInput: [UInt8]())
    }
    #expect(try store.call(.count).entries == 1, "nothing refused was stored")
  }

  @Test func malformedPutEncodings() throws {
    let store = device.connect()
    let refused: [(String, [UInt8])] = [
      ("empty", []),
      ("shorter than the header", [1, 0, 0, 0, 1, 0, 0]),
      ("header only, key_len 0", putHeader(keyLength: 0, valueLength: 0, body: [])),
      ("header claims a key it lacks", putHeader(keyLength: 1, valueLength: 0, body: [])),
      ("one byte short", putHeader(keyLength: 2, valueLength: 3, body: b("kvvv"))),
      ("one byte extra", putHeader(keyLength: 2, valueLength: 3, body: b("kvvvvv"))),
      ("lengths that wrap 32 bits to the size",
       putHeader(keyLength: 0xffff_fff8, valueLength: 0x10, body: b("12345678"))),
      ("value_len that wraps 32 bits",
       putHeader(keyLength: 4, valueLength: 0xffff_fffc, body: [])),
      ("huge key_len", putHeader(keyLength: 0xffff_ffff, valueLength: 0, body: b("k"))),
    ]
    for (what, input) in refused {
      #expect(throws: UCBridgeError.ioReturn(.badArgument), "\(what)") {
        try rawPut(store, input)
      }
    }
    #expect(try store.call(.count) == KVStore.Count(entries: 0, bytes: 0, quota: 64))
    // The same encoding, well formed, is accepted.
    try rawPut(store, putHeader(keyLength: 2, valueLength: 3, body: b("kvvvv")))
    #expect(try store.call(.get, b("kv")) == b("vvv"))
  }

  @Test func outputRoomTooSmallIsOverrun() throws {
    let store = device.connect()
    try store.call(.put, b("k"), b("12345"))
    #expect(throws: UCBridgeError.ioReturn(.overrun)) {
      try store.callMethod(Method.get.selector, structInput: b("k"), structOutputRoom: 4)
    }
    #expect(try store.callMethod(Method.get.selector, structInput: b("k"), structOutputRoom: 5)
      .structBytes == b("12345"))
    #expect(throws: UCBridgeError.ioReturn(.overrun), "list needs room for any key") {
      try store.callMethod(Method.list.selector, scalarInput: [0], scalarOutputRoom: 1,
                           structOutputRoom: KVStore.keyMax - 1)
    }
  }

  @Test func theEntryLimitHolds() throws {
    let store = device.connect()
    for index in 0..<KVStore.defaultQuota { try store.call(.put, b("key\(index)"), b("\(index)")) }
    #expect(throws: UCBridgeError.ioReturn(.noSpace)) { try store.call(.put, b("one more"), b("x")) }
    try store.call(.put, b("key7"), b("replacing is not a new entry"))
    #expect(try store.call(.count).entries == KVStore.defaultQuota)
    try store.call(.delete, b("key0"))
    try store.call(.put, b("one more"), b("x"))
    #expect(try store.call(.count).entries == KVStore.defaultQuota)
    #expect(try store.kvstoreKeys().count == KVStore.defaultQuota)
  }

  @Test func listWalksEveryKeyOnceWhileOthersChange() throws {
    let store = device.connect()
    for index in 0..<10 { try store.call(.put, b("k\(index)"), []) }
    var seen: [[UInt8]] = []
    var cursor: UInt64 = 0
    var step = 0
    while let entry = try store.call(.list, cursor) {
      seen.append(entry.key)
      cursor = entry.next
      step += 1
      if step == 3 {
        // Changes mid-walk: one deleted, one added, one replaced.
        try store.call(.delete, b("k9"))
        try store.call(.put, b("new"), [])
        try store.call(.put, b("k5"), b("replaced"))
      }
    }
    let present = (0..<9).map { b("k\($0)") }
    #expect(present.allSatisfy { key in seen.filter { $0 == key }.count == 1 },
            "every key present throughout, exactly once")
    #expect(seen.count == Set(seen).count, "no key twice")
    // The end: the next cursor is the end marker, then stays there.
    let end = try store.callMethod(Method.list.selector, scalarInput: [cursor],
                                   scalarOutputRoom: 1, structOutputRoom: KVStore.keyMax)
    #expect(end.scalars == [KVStore.listEnd] && end.structBytes.isEmpty)
    #expect(try store.call(.list, KVStore.listEnd) == nil)
    #expect(try store.call(.list, 1 << 40) == nil)
  }

  @Test func storesArePerConnection() throws {
    let first = device.connect()
    let second = device.connect()
    try first.call(.put, b("mine"), b("first"))
    try second.call(.put, b("mine"), b("second"))
    try second.call(.put, b("only second"), [])
    #expect(try first.call(.get, b("mine")) == b("first"))
    #expect(try second.call(.get, b("mine")) == b("second"))
    #expect(throws: UCBridgeError.ioReturn(.notFound)) { try first.call(.get, b("only second")) }
    #expect(try first.kvstoreKeys() == [b("mine")])
    #expect(try first.call(.count).entries == 1 && second.call(.count).entries == 2)
    try first.call(.delete, b("mine"))
    #expect(try second.call(.get, b("mine")) == b("second"))
    // A connection closed and a new one opened: a new, empty store.
    try second.close()
    #expect(try device.connect().call(.count).entries == 0)
  }

  @Test func readOnlyTypeRefusesChanges() throws {
    let reader = try device.connect(type: KVStore.readOnly)
    #expect(throws: UCBridgeError.ioReturn(.notPermitted)) { try reader.call(.put, b("k"), b("v")) }
    #expect(throws: UCBridgeError.ioReturn(.notPermitted)) { try reader.call(.delete, b("k")) }
    #expect(throws: UCBridgeError.ioReturn(.notFound)) { try reader.call(.get, b("k")) }
    #expect(try reader.call(.count).entries == 0)
    #expect(try reader.kvstoreKeys().isEmpty)

    let writer = try device.connect(type: KVStore.readWrite)
    try writer.call(.put, b("k"), b("v"))
    #expect(try writer.call(.get, b("k")) == b("v"))
  }

  @Test func unknownTypeIsRefusedAndAnotherMayBeChosen() throws {
    let connection = device.connect()
    #expect(throws: UCBridgeError.ioReturn(.badArgument)) { try connection.openUserClient(type: 7) }
    #expect(throws: UCBridgeError.ioReturn(.badArgument)) {
      try connection.openUserClient(type: .max)
    }
    try connection.openUserClient(type: KVStore.readWrite)
    try connection.call(.put, b("k"), b("v"))
    #expect(try connection.call(.get, b("k")) == b("v"))
    #expect(throws: UCBridgeError.errno(.resourceBusy), "a type is chosen once") {
      try connection.openUserClient(type: KVStore.readOnly)
    }
    #expect(throws: UCBridgeError.ioReturn(.badArgument)) { try device.connect(type: 2) }
  }

  @Test func noTypeChosenIsReadWrite() throws {
    let connection = device.connect()
    try connection.call(.put, b("k"), b("v"))
    #expect(throws: UCBridgeError.errno(.resourceBusy)) {
      try connection.openUserClient(type: KVStore.readOnly)
    }
  }

  @Test func setQuotaIsAdminOnly() throws {
    let user = device.connect(privileged: false)
    #expect(throws: UCBridgeError.ioReturn(.notPrivileged)) { try user.call(.setQuota, 100) }
    #expect(try user.call(.count).quota == KVStore.defaultQuota)

    let reader = try device.connect(type: KVStore.readOnly, privileged: false)
    #expect(throws: UCBridgeError.ioReturn(.notPrivileged)) { try reader.call(.setQuota, 1) }
  }

  @Test func setQuotaRaisesAndLowersTheLimit() throws {
    let admin = device.connect(privileged: true)
    for quota in [0, KVStore.quotaMax + 1] {
      #expect(throws: UCBridgeError.ioReturn(.badArgument), "quota \(quota)") {
        try admin.call(.setQuota, quota)
      }
    }
    #expect(throws: UCBridgeError.ioReturn(.badArgument)) {
      try admin.callMethod(Method.setQuota.selector, scalarInput: [1 << 32 | 10])
    }
    for index in 0..<10 { try admin.call(.put, b("early\(index)"), b("\(index)")) }
    try admin.call(.setQuota, 100)
    #expect(try admin.call(.count).quota == 100)
    for index in 10..<100 { try admin.call(.put, b("k\(index)"), []) }
    #expect(throws: UCBridgeError.ioReturn(.noSpace)) { try admin.call(.put, b("k100"), []) }
    // Growing kept every entry, and in its place.
    #expect(try admin.call(.get, b("early3")) == b("3"))
    #expect(try admin.kvstoreKeys().prefix(10) == ArraySlice((0..<10).map { b("early\($0)") }))

    // Lowered below what it holds: nothing is dropped, no new key fits.
    try admin.call(.setQuota, 5)
    let lowered = try admin.call(.count)
    #expect(lowered.entries == 100 && lowered.quota == 5)
    #expect(throws: UCBridgeError.ioReturn(.noSpace)) { try admin.call(.put, b("new"), []) }
    try admin.call(.put, b("early0"), b("replacing still works"))
    for index in 10..<100 { try admin.call(.delete, b("k\(index)")) }
    #expect(throws: UCBridgeError.ioReturn(.noSpace), "10 entries, quota 5") {
      try admin.call(.put, b("new"), [])
    }
    for index in 0..<6 { try admin.call(.delete, b("early\(index)")) }
    try admin.call(.put, b("new"), [])
    #expect(try admin.call(.count).entries == 5)

    try admin.call(.setQuota, KVStore.quotaMax)
    #expect(try admin.call(.count).quota == KVStore.quotaMax)
    #expect(try device.connect().call(.count).quota == KVStore.defaultQuota,
            "the quota is the connection's own")
  }

  @Test func twoThreadsOnOneConnection() throws {
    let store = device.connect(privileged: true)
    try store.call(.setQuota, 400)
    let failures = SharedCounter()
    onThreads(4) { thread in
      do {
        for index in 0..<100 {
          let key = Array("t\(thread)-\(index)".utf8)
          try store.call(.put, key, key + key)
          if try store.call(.get, key) != key + key { failures.increment() }
          if index % 3 == 0 { try store.call(.delete, key) }
          _ = try store.call(.count)
          _ = try store.call(.list, UInt64(index))
        }
      } catch {
        failures.increment()
      }
    }
    #expect(failures.value == 0)
    let kept = (0..<4).flatMap { thread in
      (0..<100).filter { $0 % 3 != 0 }.map { Array("t\(thread)-\($0)".utf8) }
    }
    #expect(Set(try store.kvstoreKeys()) == Set(kept))
    #expect(try store.call(.count).entries == kept.count)
    #expect(try store.call(.count).bytes == kept.reduce(0) { $0 + 3 * $1.count })
  }

  @Test func closingFreesTheCoreBuffers() throws {
    var connections: [Connection] = []
    for index in 0..<8 {
      let connection = device.connect()
      let value = [UInt8](repeating: UInt8(index), count: KVStore.valueMax)
      for key in 0..<KVStore.defaultQuota { try connection.call(.put, b("\(key)"), value) }
      #expect(try connection.call(.get, b("3")) == value)
      connections.append(connection)
    }
    let observer = device.connect()
    #expect(try observer.driverInfo().liveBuffers == 0)
    for connection in connections { try connection.close() }
    #expect(try observer.driverInfo().liveBuffers == 0)
  }

  @Test func unregisterWhileOpen() throws {
    let used = device.connect()
    try used.call(.put, b("k"), [UInt8](repeating: 1, count: 4096))
    let reader = try device.connect(type: KVStore.readOnly)
    let neverCalled = device.connect()
    device.unregister()
    for connection in [used, reader, neverCalled] {
      #expect(throws: UCBridgeError.errno(.operationNotSupportedByDevice)) {
        try connection.call(.get, b("k"))
      }
      #expect(throws: UCBridgeError.errno(.operationNotSupportedByDevice)) {
        try connection.call(.count)
      }
      #expect(throws: UCBridgeError.errno(.operationNotSupportedByDevice)) {
        try connection.driverInfo()
      }
    }
    #expect(throws: UCBridgeError.errno(.operationNotSupportedByDevice)) {
      try neverCalled.openUserClient(type: 0)
    }
    for connection in [used, reader, neverCalled] { try connection.close() }
    #expect(throws: UCBridgeError.errno(.operationNotSupportedByDevice), "a new one too") {
      try device.connect().call(.count)
    }
    device.unregister()
  }
}
