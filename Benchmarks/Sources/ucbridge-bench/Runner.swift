import BenchModel
import CBench

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A benchmark failed to run (not: ran slowly).
struct BenchFailure: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// One thing to time: `run(n)` makes `n` calls and returns the
/// nanoseconds they took.
struct Variant {
  var id: String
  var label: String
  var run: (Int) throws -> UInt64
}

/// Turns a C loop's result (nanoseconds, or a negative errno) into time.
func checked(_ what: String, _ result: Int64) throws -> UInt64 {
  guard result >= 0 else {
    throw BenchFailure("\(what): \(errnoName(Int32(-result)))")
  }
  return UInt64(result)
}

func errnoName(_ code: Int32) -> String {
  if code == EBADMSG { return "the call did not succeed (result not kIOReturnSuccess)" }
  return "\(String(cString: strerror(code))) (errno \(code))"
}

/// Times Swift code: `body` runs the `n` iterations.
@inline(__always)
func timed(_ body: () throws -> Void) rethrows -> UInt64 {
  let start = ucbb_now_ns()
  try body()
  return ucbb_now_ns() &- start
}

/// How long batches run and how many rounds a comparison has.
struct Budget {
  var rounds: Int
  /// Target length of one variant's batch, in nanoseconds.
  var batchNanoseconds: UInt64
  var maxIterations: Int = 1 << 24
}

extension Budget {
  /// For the cost of one call: many rounds, so that the per-round ratios
  /// of variants a few percent apart have a tight spread.
  static func callOverhead(smoke: Bool) -> Budget {
    smoke
      ? Budget(rounds: 3, batchNanoseconds: 1_000_000)
      : Budget(rounds: 41, batchNanoseconds: 20_000_000)
  }

  /// For a sweep over struct sizes: fewer rounds per size, as there are
  /// many sizes.
  static func sizeSweep(smoke: Bool) -> Budget {
    smoke
      ? Budget(rounds: 2, batchNanoseconds: 500_000)
      : Budget(rounds: 9, batchNanoseconds: 10_000_000)
  }
}

/// The smallest power of two of iterations whose batch takes at least the
/// budget's batch time (at least 1).
func calibrate(_ budget: Budget, _ run: (Int) throws -> UInt64) throws -> Int {
  // Twice: the first pass also warms up caches and, under TCG, translates
  // the code, and comes out slow.
  _ = try calibrateOnce(budget, run)
  return try calibrateOnce(budget, run)
}

private func calibrateOnce(_ budget: Budget, _ run: (Int) throws -> UInt64) throws -> Int {
  var n = 1
  while n < budget.maxIterations {
    let ns = try run(n)
    if ns >= budget.batchNanoseconds { break }
    // Jump close to the target once a batch is long enough to trust.
    if ns > 200_000 {
      let scale = Double(budget.batchNanoseconds) / Double(ns)
      n = Int((Double(n) * scale).rounded(.up))
      break
    }
    n *= 2
  }
  return max(1, min(n, budget.maxIterations))
}

/// Runs the variants side by side: one warm-up batch each, then `rounds`
/// rounds of one batch per variant, forward in even rounds and backward in
/// odd ones.  Samples are nanoseconds per iteration.
func interleave(
  id: String, title: String, bytes: Int? = nil, budget: Budget,
  iterations: Int? = nil, calibrateOn: Int = 0, variants: [Variant]
) throws -> Comparison {
  let n = try iterations ?? calibrate(budget, variants[calibrateOn].run)
  for variant in variants { _ = try variant.run(n) }
  var samples = Array(repeating: [Double](), count: variants.count)
  for round in 0..<budget.rounds {
    let order = round.isMultiple(of: 2)
      ? Array(variants.indices) : Array(variants.indices.reversed())
    for index in order {
      let ns = try variants[index].run(n)
      samples[index].append(Double(ns) / Double(n))
    }
  }
  progress("\(id): \(n) iterations x \(budget.rounds) rounds")
  return Comparison(
    id: id, title: title, bytes: bytes, iterations: n,
    series: zip(variants, samples).map {
      Series(id: $0.id, label: $0.label, samples: $1)
    })
}

/// Allocations made by `n` calls of `body`, after one call to warm up.
func countAllocations(
  id: String, label: String, calls n: Int, _ body: () throws -> Void
) throws -> AllocationCount {
  try body()
  ucbb_alloc_count_start()
  for _ in 0..<n { try body() }
  let allocations = ucbb_alloc_count_stop()
  progress("allocations \(id): \(allocations) in \(n) calls")
  return AllocationCount(id: id, label: label, calls: n, allocations: Int(allocations))
}

func progress(_ message: String) {
  var line = "ucbridge-bench: \(message)\n"
  line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

func writeFile(_ path: String, _ bytes: [UInt8]) throws {
  guard let file = fopen(path, "w") else {
    throw BenchFailure("cannot write \(path): \(errnoName(errno))")
  }
  defer { fclose(file) }
  guard fwrite(bytes, 1, bytes.count, file) == bytes.count else {
    throw BenchFailure("short write to \(path)")
  }
}

func trimmed(_ s: String?) -> String? {
  guard let s else { return nil }
  var t = Substring(s)
  while let c = t.last, c.isWhitespace { t.removeLast() }
  while let c = t.first, c.isWhitespace { t.removeFirst() }
  return String(t)
}

/// Facts about the machine the benchmarks ran on.
func machineEnvironment() -> [String: String] {
  var env: [String: String] = [:]
  var names = utsname()
  uname(&names)
  func field<T>(_ value: T) -> String {
    withUnsafeBytes(of: value) { raw in
      String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
    }
  }
  env["kernel"] = "\(field(names.sysname)) \(field(names.release)) \(field(names.version))"
  env["machine"] = field(names.machine)
  env["cpus"] = String(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
  if let cpuinfo = readTextFile("/proc/cpuinfo") {
    let lines = cpuinfo.split(separator: "\n")
    if let model = lines.first(where: { $0.hasPrefix("model name") }) {
      env["cpu"] = trimmed(String(model.split(separator: ":", maxSplits: 1).last ?? ""))
    }
    if let flags = lines.first(where: { $0.hasPrefix("flags") }) {
      let have = Set(flags.split(separator: " ").map(String.init))
      let interesting = ["sse4_2", "pclmulqdq", "avx2", "avx512f", "erms", "fsrm", "smap", "smep"]
      env["cpu flags (of interest)"] = interesting.filter(have.contains).joined(separator: " ")
    }
  }
  env["clocksource"] = trimmed(readTextFile(
    "/sys/devices/system/clocksource/clocksource0/current_clocksource"))
  env["kernel command line"] = trimmed(readTextFile("/proc/cmdline"))
  if let crypto = readTextFile("/proc/crypto") {
    // Blocks of "key : value" lines; list every crc32c implementation.
    var drivers: [String] = []
    for block in crypto.split(separator: "\n\n", omittingEmptySubsequences: true) {
      var fields: [String: String] = [:]
      for line in block.split(separator: "\n") {
        let parts = line.split(separator: ":", maxSplits: 1)
        if parts.count == 2 {
          fields[trimmed(String(parts[0]))!] = trimmed(String(parts[1]))
        }
      }
      if fields["name"] == "crc32c" {
        drivers.append("\(fields["driver"] ?? "?") (priority \(fields["priority"] ?? "?"))")
      }
    }
    if !drivers.isEmpty { env["crc32c drivers"] = drivers.joined(separator: ", ") }
  }
  let vulnerabilities = "/sys/devices/system/cpu/vulnerabilities/"
  for name in ["spectre_v2", "retbleed", "meltdown"] {
    if let value = trimmed(readTextFile(vulnerabilities + name)) {
      env["mitigation: \(name)"] = value
    }
  }
  return env
}
