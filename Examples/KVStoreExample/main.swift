// ucb-kvstore: the template driver's client.  Each run opens one connection
// (one store, which the driver frees when the run ends) and runs its
// commands on it in order, stopping at the first that fails:
//
//   ucb-kvstore --mock put a 1 put b 2 list count
//
// Usage: ucb-kvstore [--mock | --device PATH] [--read-only | --type N] COMMAND...

import CUCBridgeCore
import KVStoreClient
import SystemPackage
import UCBridge
import UCBridgeMock

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

let usage = """
  usage: ucb-kvstore [--mock | --device PATH] [--read-only | --type N] COMMAND...
  commands: put KEY VALUE | get KEY | delete KEY | list | count | quota N | sleep S
    --mock        run the driver in this process (a fresh store each run)
    --device      the driver's node (default \(KVStore.devicePath))
    --read-only   open as the read-only user-client type (put, delete refused)
    --type N      open as user-client type N
    quota N       set this connection's entry limit (admin only)
    sleep S       wait S seconds, the store kept open (to run another client)
  """

func fail(_ message: String) -> Never {
  _ = try? FileDescriptor.standardError.writeAll("ucb-kvstore: \(message)\n".utf8)
  exit(1)
}

/// A command line's commands, each with its arguments.
enum Command {
  case put(String, String)
  case get(String)
  case delete(String)
  case list
  case count
  case quota(Int)
  case pause(UInt32)

  /// As typed, for messages.
  var description: String {
    switch self {
    case .put(let key, _): "put \(key)"
    case .get(let key): "get \(key)"
    case .delete(let key): "delete \(key)"
    case .list: "list"
    case .count: "count"
    case .quota(let quota): "quota \(quota)"
    case .pause(let seconds): "sleep \(seconds)"
    }
  }
}

var arguments = CommandLine.arguments.dropFirst()
var useMock = false
var device = KVStore.devicePath
var type: UInt32?
while let option = arguments.first, option.hasPrefix("--") {
  arguments.removeFirst()
  switch option {
  case "--mock": useMock = true
  case "--device":
    guard let path = arguments.popFirst() else { fail(usage) }
    device = FilePath(path)
  case "--read-only": type = KVStore.readOnly
  case "--type":
    guard let value = arguments.popFirst().flatMap({ UInt32($0) }) else { fail(usage) }
    type = value
  case "--help": print(usage); exit(0)
  default: fail("unknown option \(option)\n\(usage)")
  }
}

// All of them parsed before the first runs.
var commands: [Command] = []
while let word = arguments.popFirst() {
  func operand() -> String {
    guard let operand = arguments.popFirst() else { fail("\(word): missing operand\n\(usage)") }
    return operand
  }
  switch word {
  case "put": commands.append(.put(operand(), operand()))
  case "get": commands.append(.get(operand()))
  case "delete": commands.append(.delete(operand()))
  case "list": commands.append(.list)
  case "count": commands.append(.count)
  case "quota":
    let text = operand()
    guard let quota = Int(text) else { fail("quota: not a number: \(text)") }
    commands.append(.quota(quota))
  case "sleep":
    let text = operand()
    guard let seconds = UInt32(text) else { fail("sleep: not a number: \(text)") }
    commands.append(.pause(seconds))
  default: fail("unknown command \(word)\n\(usage)")
  }
}
guard !commands.isEmpty else { fail(usage) }

let connection: Connection
do {
  if useMock {
    // The driver's own C code in this process; root is privileged, as on
    // the device node.
    let mock = try MockDevice { ucb_kvstore_driver_fill($0) }
    let privileged = geteuid() == 0
    connection = try type.map { try mock.connect(type: $0, privileged: privileged) }
      ?? mock.connect(privileged: privileged)
  } else {
    connection = try Connection.open(device, type: type)
  }
} catch {
  fail("cannot open \(useMock ? "the mock device" : device.description): \(error)")
}

func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

for command in commands {
  do {
    switch command {
    case .put(let key, let value):
      try connection.call(.put, Array(key.utf8), Array(value.utf8))
    case .get(let key):
      print(text(try connection.call(.get, Array(key.utf8))))
    case .delete(let key):
      try connection.call(.delete, Array(key.utf8))
    case .list:
      for key in try connection.kvstoreKeys() { print(text(key)) }
    case .count:
      let count = try connection.call(.count)
      print("\(count.entries) entries, \(count.bytes) bytes, quota \(count.quota)")
    case .quota(let quota):
      try connection.call(.setQuota, quota)
    case .pause(let seconds):
      sleep(seconds)
    }
  } catch {
    fail("\(command.description): \(error)")
  }
}
