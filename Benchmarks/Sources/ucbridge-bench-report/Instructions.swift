import BenchModel

/// One instruction-counting boot's call-overhead comparison: guest
/// instructions per call, one sample per round.
struct InstructionCounts {
  /// Its label, such as "6.1, -cpu qemu64".
  var configuration: String
  var comparison: Comparison
  var smoke: Bool

  /// The struct-size sweeps around 256, 4096 and 8192 bytes.
  var cliffs: [Comparison]

  init?(_ results: BenchResults) {
    guard let c = results.comparison("overhead") else { return nil }
    configuration = results.environment["configuration"] ?? "?"
    comparison = c
    cliffs = results.comparisons(prefix: "cliff/")
    smoke = results.smoke
  }

  func cliff(_ center: Int) -> Comparison? {
    cliffs.first { $0.bytes == center }
  }

  /// The largest step between neighbouring sizes of a sweep: the pair
  /// whose medians differ by the most instructions beyond the sweep's own
  /// slope (the copy: the median over neighbouring pairs of instructions
  /// per byte, one where the kernel copies with `rep movsb`, an eighth
  /// where it copies words), with the ratio of their medians.
  static func largestStep(_ c: Comparison) -> (from: Int, to: Int, ratio: Double, extra: Double)? {
    let medians = c.series.compactMap { s -> (Int, Double)? in
      guard let size = Int(s.id), let m = Summary(s.samples)?.median else { return nil }
      return (size, m)
    }.sorted { $0.0 < $1.0 }
    let slopes = zip(medians, medians.dropFirst()).map { a, b in
      (b.1 - a.1) / Double(b.0 - a.0)
    }
    guard let slope = Summary(slopes)?.median else { return nil }
    var best: (Int, Int, Double, Double)?
    for (a, b) in zip(medians, medians.dropFirst()) {
      let extra = b.1 - a.1 - slope * Double(b.0 - a.0)
      if best == nil || extra > best!.3 {
        best = (a.0, b.0, b.1 / a.1, extra)
      }
    }
    return best
  }

  /// The median over rounds of one variant's instructions per call.
  func perCall(_ id: String) -> Double? {
    comparison[id].flatMap { Summary($0.samples) }?.median
  }

  /// One variant's instructions per call over another's, as the ratio of
  /// their medians (under icount the rounds agree, so this is also the
  /// per-round ratio of every round without a timer interrupt).
  func ratio(_ id: String, over base: String) -> Double? {
    guard let a = perCall(id), let b = perCall(base), b > 0 else { return nil }
    return a / b
  }

  /// How many rounds of one variant gave its median, to within one
  /// instruction in the whole batch (the guest clock's conversion from TSC
  /// ticks rounds to the nanosecond); how many rounds there were; and the
  /// largest difference of another round from the median, in instructions
  /// per batch.
  func agreement(_ id: String) -> (equal: Int, rounds: Int, deviation: Double)? {
    guard let s = comparison[id], let median = Summary(s.samples)?.median else { return nil }
    let n = Double(comparison.iterations)
    let deviations = s.samples.map { ($0 - median) * n }
    let equal = deviations.filter { abs($0) <= 1.5 }.count
    let worst = deviations.max { abs($0) < abs($1) } ?? 0
    return (equal, s.samples.count, equal == s.samples.count ? 0 : worst)
  }
}

/// A target on instruction counts: a ratio of two variants' instructions
/// per call, judged in every configuration.
struct InstructionTarget {
  var what: String
  var id: String
  var base: String
  var limit: Double

  static let all: [InstructionTarget] = [
    InstructionTarget(what: "noop from C ÷ bare ioctl (same fd, ENOTTY)",
                      id: "c-noop", base: "bare-ucbridge", limit: 1.30),
    InstructionTarget(what: "Swift raw `callMethod` (buffers) ÷ noop from C",
                      id: "swift-raw", base: "c-noop", limit: 1.02),
    InstructionTarget(what: "Swift typed `call(.noop)` ÷ noop from C",
                      id: "swift-typed", base: "c-noop", limit: 1.05),
    InstructionTarget(what: "IOKit shim `IOConnectCallScalarMethod` ÷ noop from C",
                      id: "iokit-scalar", base: "c-noop", limit: 1.05),
    InstructionTarget(what: "IOKit shim `IOConnectCallMethod` ÷ noop from C",
                      id: "iokit-method", base: "c-noop", limit: 1.05),
    InstructionTarget(what: "noop in a batch of 64 (per call) ÷ a single noop from C",
                      id: "c-batch-64", base: "c-noop", limit: 0.35),
    // The typed layer's target, applied to a batch: the Swift API over the
    // same batch from C.
    InstructionTarget(what: "Swift `connection.batch` of 64 `call(.noop)` ÷ the same batch from C",
                      id: "swift-batch-64", base: "c-batch-64", limit: 1.05),
    InstructionTarget(what: "Swift `callBatch(_:)` of a `Batch` of 64 noops built once ÷ the same batch from C",
                      id: "swift-callbatch-64", base: "c-batch-64", limit: 1.05),
  ]
}

extension Report {
  /// The summary's first table: every instruction target in every
  /// configuration, met only when met in all that were measured.
  func instructionSummary() -> String {
    guard !icount.isEmpty else { return "" }
    var rows: [[String]] = []
    for target in InstructionTarget.all {
      var cells: [String] = []
      var missed: [String] = []
      var measured = 0
      for counts in icount {
        if let r = counts.ratio(target.id, over: target.base) {
          measured += 1
          cells.append(fixed(r, 2) + "×")
          if r > target.limit { missed.append(counts.configuration) }
        } else {
          cells.append("–")
        }
      }
      let verdictText: String
      if measured == 0 {
        verdictText = "not measured"
      } else if missed.isEmpty {
        verdictText = measured == icount.count ? "**met**" : "**met** where measured"
      } else {
        verdictText = "**missed**" + (missed.count < measured
          ? " (" + missed.joined(separator: "; ") + ")" : "")
      }
      rows.append([target.what, "≤ " + fixed(target.limit, 2) + "×"] + cells + [verdictText])
    }
    for center in [256, 4096, 8192] {
      var cells: [String] = []
      var missed: [String] = []
      var measured = 0
      for counts in icount {
        if let c = counts.cliff(center), let step = InstructionCounts.largestStep(c) {
          measured += 1
          cells.append("+\(fixed(step.extra, 0)), \(fixed(step.ratio, 3))× (\(step.from) → \(step.to) B)")
          if step.ratio >= 1.25 { missed.append(counts.configuration) }
        } else {
          cells.append("–")
        }
      }
      let verdictText = measured == 0 ? "not measured"
        : !missed.isEmpty ? "**missed** (" + missed.joined(separator: "; ") + ")"
        : measured == icount.count ? "**met**" : "**met** where measured"
      rows.append(["struct-size sweep around \(center) B (`sink`): largest step between "
                   + "neighbouring sizes, instructions beyond the copy's per-byte slope", "no cliff (< 1.25×)"] + cells + [verdictText])
    }
    var md = "Fixed costs, in **guest instructions** (QEMU `-icount`, section 1): the ratio "
      + "of the two variants' instructions per call (medians over rounds), in every "
      + "kernel and CPU model measured; a target is met when it is met in all of them.\n\n"
    md += table(["Measure", "Target"] + icount.map { $0.configuration } + [""], rows)
    if let c = icount.first, c.comparison["c-batch-64"] == nil {
      md += "\nNo batch row: `UCB_IOC_CALL_BATCH` is "
        + "\(icountChecks["UCB_IOC_CALL_BATCH"] ?? "not measured").\n"
    }
    return md + "\n"
  }

  var icountChecks: [String: String] { icountResults.first?.checks ?? [:] }

  func instructionSection() -> String {
    guard let first = icount.first else { return "" }
    var ids: [String] = []
    var labels: [String: String] = [:]
    for counts in icount {
      for s in counts.comparison.series where labels[s.id] == nil {
        ids.append(s.id)
        labels[s.id] = s.label
      }
    }
    let configs = icount.map { $0.configuration }
    func rows(_ cell: (InstructionCounts, String) -> String) -> [[String]] {
      ids.map { id in [labels[id]!] + icount.map { cell($0, id) } }
    }
    var md = """
      ## 1. Call overhead, in guest instructions

      Each configuration is a boot of its own with `scripts/vm/run --icount`:
      one vCPU, single-threaded TCG and `-icount shift=0,sleep=off`, so the
      guest's clock advances exactly one nanosecond per instruction executed
      and `clock_gettime()` around a loop counts the instructions of the
      loop, user and kernel alike.  The CPU model changes which instructions
      the kernel runs: `qemu64`, QEMU's default, has no SMAP (its
      `stac`/`clac` are patched to NOPs, which count the same) and no ERMS
      (the kernel copies words, not bytes); `max` has both, and more.
      Every variant runs \(first.comparison.iterations) calls per batch, one batch per round, interleaved as in the wall-time sections, after one warm-up batch; the figure is the median over \(first.comparison.series.first?.samples.count ?? 0) rounds.  A round
      that reads higher is one an interrupt fell in (its handler's
      instructions count too: a timer tick adds about 2500 instructions to
      its batch): they are rare, as a batch is a small part of a tick, and
      the median leaves them out.  Rounds otherwise agree to within one
      instruction per batch, the guest clock's rounding of TSC ticks to
      nanoseconds, except for code that allocates (the Swift batches),
      whose count follows the state of the heap.  In every C loop each call builds its `struct ucb_call`
      afresh and checks its result; in a batch, every entry is built afresh
      before each ioctl and every result checked after it.


      """
    md += "### Instructions per call\n\n"
    md += table(["Variant"] + configs, rows { c, id in
      c.perCall(id).map { fixed($0, 0) } ?? "–"
    })
    md += "\n### Rounds giving the median\n\n"
    md += "Rounds of each variant within one instruction per batch of its median, and "
      + "the largest difference of another round, in instructions per batch of "
      + "\(first.comparison.iterations) calls.  A timer tick adds about 2500; code that "
      + "allocates (the Swift batches) also varies with the state of the heap.\n\n"
    md += table(["Variant"] + configs, rows { c, id in
      guard let a = c.agreement(id) else { return "–" }
      if a.equal == a.rounds { return "\(a.rounds)/\(a.rounds)" }
      return "\(a.equal)/\(a.rounds), " + (a.deviation > 0 ? "+" : "") + fixed(a.deviation, 0)
    })
    md += "\n### ÷ bare ioctl (same descriptor, ENOTTY)\n\n"
    md += table(["Variant"] + configs, rows { c, id in
      c.ratio(id, over: "bare-ucbridge").map { fixed($0, 2) + "×" } ?? "–"
    })
    md += "\n### ÷ noop from C\n\n"
    md += "For a batch, its instructions per call over a single call's: "
      + "what batching saves.\n\n"
    md += table(["Variant"] + configs, rows { c, id in
      c.ratio(id, over: "c-noop").map { fixed($0, 2) + "×" } ?? "–"
    })
    md += cliffSection()
    if first.comparison["c-batch-64"] == nil {
      md += "\nNo batch rows: `UCB_IOC_CALL_BATCH` is "
        + "\(icountChecks["UCB_IOC_CALL_BATCH"] ?? "not measured").\n"
    }
    return md + "\n"
  }

  func cliffSection() -> String {
    let centers = [256, 4096, 8192].filter { center in icount.contains { $0.cliff(center) != nil } }
    guard !centers.isEmpty else { return "" }
    let sample = icount.compactMap { $0.cliff(centers[0]) }.first
    var md = "\n### No cliff at the buffer boundaries, in instructions\n\n"
    md += "\(sample?.iterations ?? 0) calls per batch, \(sample?.series.first?.samples.count ?? 0) "
      + "rounds, every size of a sweep in the same rounds.  "
    md += "`sink` (a variable struct input, no work) at sizes around the kernel's buffer "
      + "boundaries: the input is on the stack up to 256 bytes, in the connection's "
      + "cached buffer above.  Instructions per call, medians; the count rises with "
      + "the copy (one instruction per byte with `-cpu max`, whose ERMS makes the kernel "
      + "copy with `rep movsb`; about an eighth with `qemu64`, where it copies words), "
      + "and a step is what comes on top: the largest step is the pair of neighbouring "
      + "sizes whose counts differ by the most instructions beyond that slope (the median "
      + "over neighbouring pairs of instructions per byte).\n\n"
    for center in centers {
      var sizes: [Int] = []
      for counts in icount {
        for s in counts.cliff(center)?.series ?? [] {
          if let size = Int(s.id), !sizes.contains(size) { sizes.append(size) }
        }
      }
      sizes.sort()
      let steps = icount.map { counts in
        counts.cliff(center).flatMap(InstructionCounts.largestStep).map {
          "+\(fixed($0.extra, 0)) instructions, \(fixed($0.ratio, 3))× (\($0.from) → \($0.to) B)"
        } ?? "–"
      }
      md += "<details><summary>Around \(center) bytes: largest step "
        + steps.joined(separator: "; ") + "</summary>\n\n"
      md += table(["Bytes"] + icount.map { $0.configuration }, sizes.map { size in
        ["\(size)"] + icount.map { counts in
          counts.cliff(center)?["\(size)"].flatMap { Summary($0.samples) }
            .map { fixed($0.median, 0) } ?? "–"
        }
      })
      md += "\n</details>\n\n"
    }
    return md
  }
}
