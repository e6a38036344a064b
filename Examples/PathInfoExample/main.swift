// ucb-pathinfo: send a file path of any length to a ucbridge driver and
// print what the kernel found there.  The macOS client of the question
// ucbridge grew from, ported with UCBridgeIOKit: the driver is found by
// matching, as IOKit finds it, and the path goes as a variable-length
// struct, as the question's line sent it:
//
//   kr = IOConnectCallMethod(conn, kCommandIndex, 0, 0,
//                            rawData.data(), rawData.size(), 0, 0, 0, 0);
//
// Usage: ucb-pathinfo [--mock] [--service NAME] FILE...
//
// --mock runs the reference driver in-process, registered as the service
// "reference" for the run, so the same matching code finds it.

import CUCBridge
import SystemPackage
import UCBridge
import UCBridgeIOKit
import UCBridgeMock

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

let usage = "usage: ucb-pathinfo [--mock] [--service NAME] FILE..."

/// The reference driver's pathInfo method: a path in, 4 scalars out
/// (found, inode, mode, size).
let kCommandIndex = UCB_SEL_PATH_INFO.rawValue

func fail(_ message: String) -> Never {
  _ = try? FileDescriptor.standardError.writeAll("ucb-pathinfo: \(message)\n".utf8)
  exit(1)
}

/// IOKit's name, value and meaning of a kern_return_t.
func describe(_ kr: kern_return_t) -> String {
  IOReturn(rawValue: UInt32(bitPattern: kr)).description
}

var arguments = CommandLine.arguments.dropFirst()
var useMock = false
var serviceName = "reference"
while let option = arguments.first, option.hasPrefix("--") {
  arguments.removeFirst()
  switch option {
  case "--mock": useMock = true
  case "--service":
    guard let name = arguments.popFirst() else { fail(usage) }
    serviceName = name
  case "--help": print(usage); exit(0)
  default: fail("unknown option \(option)\n\(usage)")
  }
}
guard !arguments.isEmpty else { fail(usage) }

/// The client, as on macOS: match, open, call once per path, close.
/// Returns whether every call succeeded.
func run(_ serviceName: String, _ paths: some Sequence<String>) -> Bool {
  let service = IOServiceGetMatchingService(
    kIOMainPortDefault, IOServiceMatching(serviceName))
  guard service != IO_OBJECT_NULL else {
    fail("no ucbridge service \"\(serviceName)\": is its driver loaded?")
  }
  var connect: io_connect_t = IO_OBJECT_NULL
  var kr = IOServiceOpen(service, mach_task_self_, 0, &connect)
  IOObjectRelease(service)
  guard kr == kIOReturnSuccess else {
    fail("cannot open the service \"\(serviceName)\": \(describe(kr))")
  }
  defer { IOServiceClose(connect) }

  var succeeded = true
  for path in paths {
    let rawData = Array(path.utf8)  // any length: no NUL needed
    var output = [UInt64](repeating: 0, count: 4)
    var outputCnt: UInt32 = 4
    kr = IOConnectCallMethod(
      connect, kCommandIndex, nil, 0, rawData, rawData.count,
      &output, &outputCnt, nil, nil)
    guard kr == kIOReturnSuccess else {
      print("\(path): \(describe(kr))")
      succeeded = false
      continue
    }
    if output[0] != 0 {
      let mode = String(output[2], radix: 8)
      print("\(path): inode \(output[1]), mode 0\(mode), \(output[3]) bytes")
    } else {
      print("\(path): not found")
    }
  }
  return succeeded
}

let succeeded: Bool
if useMock {
  // The reference driver in-process, as the service of that name.
  let device: MockDevice
  do {
    device = try MockDevice()
  } catch {
    fail("cannot start the mock device: \(error)")
  }
  let (name, paths) = (serviceName, arguments)
  succeeded = MockRegistry.withRegistered([name: device]) { run(name, paths) }
} else {
  succeeded = run(serviceName, arguments)
}
exit(succeeded ? 0 : 1)
