// ucbridge-bench-report: renders docs/BENCHMARKS.md and its plot from the
// results of one `scripts/bench` run.
//
//   ucbridge-bench-report --device device.json [--icount icount.json]...
//     --mock mock.json
//     [--callgrind callgrind.tsv] [--info run-info.txt]
//     [--findings FINDINGS.md] --markdown OUT.md [--svg OUT.svg]
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

var options: [String: String] = [:]
var icountPaths: [String] = []
var args = Array(CommandLine.arguments.dropFirst())
while args.count >= 2, args[0].hasPrefix("--") {
  // --icount may be given once per instruction-counting boot.
  if args[0] == "--icount" {
    icountPaths.append(args[1])
  } else {
    options[String(args[0].dropFirst(2))] = args[1]
  }
  args.removeFirst(2)
}
guard args.isEmpty, let devicePath = options["device"], let mockPath = options["mock"],
  let markdownPath = options["markdown"]
else {
  print("usage: ucbridge-bench-report --device D.json [--icount I.json]... --mock M.json [--callgrind C.tsv] "
    + "[--info INFO] [--findings F.md] --markdown OUT.md [--svg OUT.svg]")
  exit(2)
}

func load(_ path: String) -> BenchResults {
  guard let text = readTextFile(path) else { fatalError("cannot read \(path)") }
  do {
    return try JSONDecoder().decode(BenchResults.self, from: Data(text.utf8))
  } catch {
    fatalError("\(path): \(error)")
  }
}

let report = Report(
  device: load(devicePath), icountResults: icountPaths.map(load), mock: load(mockPath),
  callgrind: options["callgrind"].flatMap(readTextFile).map(CallgrindCounts.init),
  info: options["info"].flatMap(readTextFile).map(parseInfo) ?? [],
  findings: options["findings"].flatMap(readTextFile),
  svgName: options["svg"].map { String($0.split(separator: "/").last!) })
writeText(markdownPath, report.markdown())
if let svgPath = options["svg"] {
  writeText(svgPath, report.throughputPlot())
}

/// "key: value" lines, in order.
func parseInfo(_ text: String) -> [(String, String)] {
  text.split(separator: "\n").compactMap { line in
    let parts = line.split(separator: ":", maxSplits: 1)
    guard parts.count == 2 else { return nil }
    return (String(parts[0]), String(parts[1].drop { $0 == " " }))
  }
}

/// Instructions per call from callgrind: lines "variant<TAB>calls<TAB>Ir"
/// for two call counts of each variant, so that start-up cancels out.
struct CallgrindCounts {
  var perCall: [(String, Double)] = []

  init(_ text: String) {
    var runs: [String: [(Double, Double)]] = [:]
    var order: [String] = []
    for line in text.split(separator: "\n") {
      let f = line.split(separator: "\t")
      guard f.count == 3, let n = Double(f[1]), let ir = Double(f[2]) else { continue }
      let id = String(f[0])
      if runs[id] == nil { order.append(id) }
      runs[id, default: []].append((n, ir))
    }
    for id in order {
      let r = runs[id]!.sorted { $0.0 < $1.0 }
      guard r.count >= 2, r.last!.0 > r.first!.0 else { continue }
      perCall.append((id, (r.last!.1 - r.first!.1) / (r.last!.0 - r.first!.0)))
    }
  }

  subscript(_ id: String) -> Double? { perCall.first { $0.0 == id }?.1 }
}
