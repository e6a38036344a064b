/// Runs fuzz cases one after another, counting their outcomes and keeping
/// their findings.
struct FuzzRunner {
  /// The run's seed.
  let seed: UInt64
  /// Makes the cases.
  let generator: FuzzGenerator
  /// Runs and checks them.
  let executor: FuzzExecutor
  /// Watches for hangs.
  let watchdog: Watchdog

  /// Most findings a tally keeps in full; it counts them all.
  static let keptFindings = 50

  /// Runs cases.
  ///
  /// - Parameters:
  ///   - indices: The indices of the cases to run, in order.
  ///   - progress: Where to show progress.
  /// - Returns: What they came to.
  func run(_ indices: Range<Int>, progress: inout ProgressLine) -> FuzzTally {
    var tally = FuzzTally()
    for index in indices {
      let fuzzCase = generator.makeCase(seed: seed, index: index)
      let result = executor.execute(fuzzCase, watchdog: watchdog)
      tally.record(fuzzCase, result)
      if tally.calls & 0x3f == 0 {
        progress.update(
          "fuzz: \(tally.calls * 100 / indices.count)% (\(tally.calls) of \(indices.count) calls, "
            + "\(tally.findingCount) findings)",
          now: MonotonicClock.now())
      }
    }
    tally.recordEnd(executor.finishEvents(), after: indices.upperBound)
    progress.finish()
    return tally
  }
}

/// What a fuzz run's cases came to.
struct FuzzTally {
  /// Cases run.
  var calls = 0
  /// For each request's key (`call`, `driver_info`, `method_info`,
  /// `unknown_ioctl`), how many cases ended in each outcome.
  var outcomes: [String: [String: Int]] = [:]
  /// The first findings, in the order found.
  var findings: [FuzzFinding] = []
  /// All findings.
  var findingCount = 0

  /// Counts one case.
  mutating func record(_ fuzzCase: FuzzCase, _ result: FuzzResult) {
    calls += 1
    outcomes[fuzzCase.request.key, default: [:]][result.outcome.name, default: 0] += 1
    guard !result.problems.isEmpty else { return }
    findingCount += 1
    if findings.count < FuzzRunner.keptFindings {
      findings.append(FuzzFinding(
        index: fuzzCase.index, call: fuzzCase.description, outcome: result.outcome.name,
        problems: result.problems))
    }
  }
}

extension FuzzTally {
  /// Counts what the end of a run found: accepted calls that never
  /// completed, or events that came after the last case.
  ///
  /// - Parameters:
  ///   - problems: What was wrong.
  ///   - index: The index past the last case.
  mutating func recordEnd(_ problems: [String], after index: Int) {
    guard !problems.isEmpty else { return }
    findingCount += 1
    if findings.count < FuzzRunner.keptFindings {
      findings.append(FuzzFinding(
        index: index, call: "end of run: waiting for every accepted call's completion",
        outcome: "ok", problems: problems))
    }
  }
}

/// A case that broke the ABI.
///
/// JSON keys: `index` (replay it with `--replay`), `call` (the case),
/// `outcome` (an IOReturn's or errno's name, or `ok`) and `problems`.
struct FuzzFinding: Encodable {
  var index: Int
  var call: String
  var outcome: String
  var problems: [String]
}
