import UCBridge

/// One case of the conformance corpus: a call (or a short sequence of
/// them) with the outcome the ABI documents for it.
///
/// A case is data: its stable name (`group/what=value/…`, such as
/// `echo/struct_in=8193/room=exact`), a one-line summary, who calls, the
/// driver-wide `max_struct_size` it runs under, the outcome it expects and
/// the body that makes the calls.  The body also checks the outputs
/// against the ABI's semantics and the bytes the driver must not touch,
/// so the corpus is a specification test as well as a differential one.
public struct ConformanceCase: Sendable {
  /// The stable name, which transcripts and TAP lines carry.
  public let name: String
  /// What the case checks, in one line.
  public let summary: String
  /// Who makes the calls.
  public let caller: Caller
  /// The driver's max_struct_size while the case runs.
  public let maxStructSize: Int
  /// The outcome the ABI documents for the case.
  package let expected: Outcome
  /// Makes the calls, checks what came back, and says what it saw.
  let body: @Sendable (CaseContext) throws(ConformanceError) -> Observation
  /// The one call of a case planned before it runs, whose ``expected``
  /// outcome the ABI's rules must allow (`ABIExpectation`); nil for other
  /// cases.
  var call: CallRequest? = nil

  /// The group the case belongs to: its name up to the first `/`.
  public var group: String {
    String(name.prefix { $0 != "/" })
  }

  /// Runs the case.
  ///
  /// - Parameter context: The connection and the driver setting.
  /// - Returns: The case's transcript entry and its problems, among them
  ///   an outcome other than ``expected``.
  func run(in context: CaseContext) -> CaseResult {
    do throws(ConformanceError) {
      var observation = try body(context)
      if observation.outcome != expected {
        observation.problems.insert(
          "expected \(expected.name), got \(observation.outcome.name)", at: 0)
      }
      return CaseResult(entry: observation.entry(named: name), problems: observation.problems)
    } catch {
      return CaseResult(notRun: name, because: error.description)
    }
  }
}

extension CaseResult {
  /// The result of a case that could not be run.
  ///
  /// - Parameters:
  ///   - name: The case's name.
  ///   - reason: Why.
  init(notRun name: String, because reason: String) {
    self.init(
      entry: TranscriptEntry(
        name: name, outcome: "not-run", scalarCount: 0, structSize: 0,
        hash: FNV1a64().hexDigits),
      problems: ["not run: \(reason)"])
  }
}

/// What a case's body gets: where to call and what the driver is set to.
struct CaseContext {
  /// The connection the case's calls go through, privileged or not as
  /// the case's ``ConformanceCase/caller`` says.
  let connection: Connection
  /// Files for the pathInfo cases.
  let fixture: PathFixture
  /// Opens another connection of the same caller, new to the driver (for
  /// cases about a connection's first ioctls).
  let connect: @Sendable () throws(ConformanceError) -> Connection
}
