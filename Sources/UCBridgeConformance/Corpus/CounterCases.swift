import UCBridge

/// The per-method call and error counters method info reports: from a
/// reset by root, which calls count against which method, and which count
/// as errors.  Each case records every method's two counters as scalars.
extension CorpusSection {
  var counterCases: [ConformanceCase] {
    let noop = CallRequest(selector: ReferenceTable.noop)
    var refusedNoop = noop
    refusedNoop.scalarInput = [1]
    func malformed(_ header: CallHeader) -> CallRequest {
      var request = noop
      request.header = header
      return request
    }
    var readOnlyHeader = CallHeader.wellFormed
    readOnlyHeader.placement = .readOnly
    let echoInput = Bytes.pattern(16)
    return [
      counters("counters/reset", "after resetStats by root: every counter 0 but resetStats's own call", steps: []),
      counters(
        "counters/success_and_refused",
        "5 noops and 3 refused for a stray scalar: noop 8 calls, 3 errors",
        steps: Array(repeating: (noop, .success), count: 5)
          + Array(repeating: (refusedNoop, .badArgument), count: 3),
        changes: [ReferenceTable.noop: (8, 3)]),
      counters(
        "counters/unknown_selector_not_counted", "calls to selectors past the table count against no method",
        steps: [
          (CallRequest(selector: ReferenceTable.methodCount), .unsupported),
          (CallRequest(selector: .max), .unsupported),
        ]),
      counters(
        "counters/malformed_header_not_counted",
        "calls refused before the selector is read (EINVAL, E2BIG, EFAULT on the header) count against no method",
        steps: [
          (malformed(CallHeader(flags: 1)), .invalid),
          (malformed(CallHeader(size: 4097)), .tooBig),
          (malformed(CallHeader(size: 0)), .invalid),
          (malformed(CallHeader(size: 72, tail: .nonZero(at: 64))), .tooBig),
          (malformed(CallHeader(placement: .overrunningGuard(by: 8))), .fault),
        ]),
      counters(
        "counters/fault_counted_as_error",
        "an input that faults and a header that cannot be written back: each a call and an error of its method",
        steps: [
          (CallRequest(selector: ReferenceTable.add, scalarInput: [1, 2], scalarInputPlacement: .kernel,
                       scalarOutputRoom: 1), .fault),
          (malformed(readOnlyHeader), .fault),
        ],
        changes: [ReferenceTable.add: (1, 1), ReferenceTable.noop: (1, 1)]),
      counters(
        "counters/method_failure_counted",
        "methods that refuse their input or overrun their room: calls and errors",
        steps: [
          (CallRequest(selector: ReferenceTable.echo, structInput: echoInput, structOutputRoom: 8), .overrun),
          (CallRequest(selector: ReferenceTable.generate, scalarInput: [64], structOutputRoom: 8), .overrun),
          (CallRequest(selector: ReferenceTable.consistency, scalarInput: [10001], structInput: echoInput,
                       scalarOutputRoom: 1), .badArgument),
          (CallRequest(selector: ReferenceTable.echo, structInput: echoInput, structOutputRoom: 16), .success),
        ],
        changes: [
          ReferenceTable.echo: (2, 1), ReferenceTable.generate: (1, 1), ReferenceTable.consistency: (1, 1),
        ]),
      counters(
        "counters/check_failure_counted", "calls that fail the table's checks: calls and errors",
        steps: [
          (CallRequest(selector: ReferenceTable.add, scalarInput: [1], scalarOutputRoom: 1), .badArgument),
          (CallRequest(selector: ReferenceTable.sink, structInput: .pattern(maxStructSize + 1)), .badArgument),
        ],
        changes: [ReferenceTable.add: (1, 1), ReferenceTable.sink: (1, 1)]),
    ]
  }

  /// A case that resets the counters as root, makes `steps` (each must end
  /// as it says), and records every method's counters.
  ///
  /// - Parameters:
  ///   - name: The case's name.
  ///   - summary: What it checks.
  ///   - steps: The calls and their outcomes.
  ///   - changes: The methods whose counters the steps change, with their
  ///     calls and errors.
  /// - Returns: The case.
  func counters(
    _ name: String, _ summary: String, caller: Caller = .root,
    steps: [(CallRequest, Outcome)], changes: [UInt32: (calls: UInt64, errors: UInt64)] = [:]
  ) -> ConformanceCase {
    var counters = Self.countersAfterReset
    for (selector, change) in changes {
      counters[2 * Int(selector)] += change.calls
      counters[2 * Int(selector) + 1] += change.errors
    }
    let expected = counters
    return sequence(name, summary, caller: caller, expect: .succeeded) {
      context throws(ConformanceError) in
      var problems: [String] = []
      do throws(UCBridgeError) {
        _ = try context.connection.callMethod(ReferenceTable.resetStats)
      } catch {
        problems.append("resetStats as root: \(error)")
      }
      let executor = CallExecutor(connection: context.connection)
      for (index, (request, outcome)) in steps.enumerated() {
        let step = try executor.execute(request)
        if step.outcome != outcome {
          problems.append("step \(index + 1): expected \(outcome.name), got \(step.outcome.name)")
        }
        problems += step.problems.map { "step \(index + 1): \($0)" }
      }
      return Self.readCounters(context.connection, expected: expected, problems: problems)
    }
  }

  /// The counters right after a reset: zero, but for resetStats, whose
  /// own call is counted after it zeroed them.
  static var countersAfterReset: [UInt64] {
    var counters = [UInt64](repeating: 0, count: 2 * Int(ReferenceTable.methodCount))
    counters[2 * Int(ReferenceTable.resetStats)] = 1
    return counters
  }

  /// Every method's calls and errors, through `Connection.methodInfo`.
  static func readCounters(
    _ connection: Connection, expected: [UInt64], problems: [String]
  ) -> Observation {
    var observation = Observation(outcome: .succeeded, problems: problems)
    do throws(UCBridgeError) {
      for selector in 0..<ReferenceTable.methodCount {
        let info = try connection.methodInfo(selector: selector)
        observation.scalars += [info.calls, info.errors]
      }
    } catch {
      observation.problems.append("reading the counters: \(error)")
    }
    if observation.scalars != expected {
      observation.problems.append("counters (calls, errors per selector) \(observation.scalars), expected \(expected)")
    }
    return observation
  }
}
