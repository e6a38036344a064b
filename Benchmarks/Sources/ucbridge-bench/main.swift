// ucbridge-bench: what ucbridge's checks and Swift layers cost over a
// hand-written ioctl, measured side by side.  scripts/bench runs it:
//
//   ucbridge-bench device [--smoke] --out FILE
//                                                in the VM, /dev/ucbridge/reference
//   ucbridge-bench icount [--smoke] [--config LABEL] --out FILE
//                                                in a VM booted with --icount:
//                                                the fixed costs, in instructions
//   ucbridge-bench mock [--smoke] --out FILE     on the host, the mock
//   ucbridge-bench ir VARIANT N                  N noop calls of one layer,
//                                                for callgrind: on the mock,
//                                                or dev-*: a device's caller
//                                                with the kernel stubbed out
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BenchModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

func usage() -> Never {
  progress("usage: ucbridge-bench device|mock|icount [--smoke] [--config LABEL] --out FILE | ir VARIANT N")
  exit(2)
}

func save(_ results: BenchResults, to path: String) throws {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
  try writeFile(path, Array(try encoder.encode(results)))
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard let mode = arguments.first else { usage() }
arguments.removeFirst()
let smoke = arguments.contains("--smoke")
var out: String?
if let i = arguments.firstIndex(of: "--out"), i + 1 < arguments.count {
  out = arguments[i + 1]
}
var configuration = ""
if let i = arguments.firstIndex(of: "--config"), i + 1 < arguments.count {
  configuration = arguments[i + 1]
}

do {
  try checkSelectors()
  switch mode {
  case "device":
    guard let out else { usage() }
    var bench = DeviceBench(smoke: smoke)
    try bench.run()
    try save(bench.results, to: out)
  case "icount":
    guard let out else { usage() }
    var bench = InstructionBench(smoke: smoke, configuration: configuration)
    try bench.run()
    try save(bench.results, to: out)
  case "mock":
    guard let out else { usage() }
    var bench = MockBench(smoke: smoke)
    try bench.run()
    try save(bench.results, to: out)
  case "ir":
    guard arguments.count == 2, let n = Int(arguments[1]) else { usage() }
    if arguments[0].hasPrefix("dev-") {
      _ = try FakeDeviceFixture().run(arguments[0], n)
    } else {
      let fixture = try MockFixture()
      _ = try fixture.run(arguments[0], n)
      fixture.close()
    }
  default:
    usage()
  }
} catch {
  progress("FAILED: \(error)")
  exit(1)
}
