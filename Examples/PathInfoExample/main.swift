// ucb-pathinfo: send a file path of any length to a ucbridge driver and
// print what the kernel found there.  The Swift form of the IOKit client
// line ucbridge grew from:
//
//   kr = IOConnectCallMethod(conn, kCommandIndex, 0, 0,
//                            rawData.data(), rawData.size(), 0, 0, 0, 0);
//
// Usage: ucb-pathinfo [--mock | --device PATH] FILE...

import SystemPackage
import UCBridge
import UCBridgeMock

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

let usage = "usage: ucb-pathinfo [--mock | --device PATH] FILE..."

func fail(_ message: String) -> Never {
  _ = try? FileDescriptor.standardError.writeAll("ucb-pathinfo: \(message)\n".utf8)
  exit(1)
}

var arguments = CommandLine.arguments.dropFirst()
var useMock = false
var device = Connection.defaultDevicePath
while let option = arguments.first, option.hasPrefix("--") {
  arguments.removeFirst()
  switch option {
  case "--mock": useMock = true
  case "--device":
    guard let path = arguments.popFirst() else { fail(usage) }
    device = FilePath(path)
  case "--help": print(usage); exit(0)
  default: fail("unknown option \(option)\n\(usage)")
  }
}
guard !arguments.isEmpty else { fail(usage) }

let connection: Connection
do {
  connection = useMock ? try MockDevice().connect() : try Connection.open(device)
} catch {
  fail("cannot open \(useMock ? "the mock device" : device.description): \(error)")
}

var failed = false
for path in arguments {
  do {
    let info = try connection.call(.pathInfo, FilePath(path))
    if info.found {
      let mode = String(info.mode.rawValue, radix: 8)
      print("\(path): inode \(info.inode.rawValue), mode 0\(mode), \(info.size) bytes")
    } else {
      print("\(path): not found")
    }
  } catch {
    print("\(path): \(error)")
    failed = true
  }
}
exit(failed ? 1 : 0)
