import Testing

/// `ucprobe fuzz` against the mock.
@Suite struct FuzzTests {
  private static let arguments = ["fuzz", "--mock", "--iterations", "2000", "--seed", "42", "--json"]

  @Test func aSeededRunPassesAndReplaysExactly() throws {
    let first = try ucprobe(Self.arguments)
    #expect(first.status == 0, "\(first.stderr)")
    #expect(Set(try first.jsonObject().keys) == FuzzDocument.keys)
    let report = try first.decode(FuzzDocument.self)
    #expect(report.passed)
    #expect(report.findingCount == 0)
    #expect(report.findings.isEmpty)
    #expect(report.liveBuffers == 0)
    #expect(report.seed == 42)
    #expect(report.calls == 2000)
    #expect(report.outcomes.values.flatMap(\.values).reduce(0, +) == 2000)

    let outcomes = try #require(try first.jsonObject()["outcomes"] as? [String: [String: Int]])
    #expect(Set(outcomes.keys) == [
      "call", "driver_info", "method_info", "open", "call_batch", "memory_info", "unknown_ioctl",
      "call_async", "cancel", "read_events",
    ])
    for outcome in ["kIOReturnSuccess", "kIOReturnBadArgument", "EINVAL", "EFAULT"] {
      #expect(outcomes["call_async"]?[outcome, default: 0] ?? 0 > 0, "no async call ended in \(outcome)")
    }
    for outcome in ["EINVAL", "EAGAIN"] {
      #expect(outcomes["read_events"]?[outcome, default: 0] ?? 0 > 0, "no read ended in \(outcome)")
    }
    #expect(outcomes["cancel"]?["ENOENT", default: 0] ?? 0 > 0)
    let calls = try #require(outcomes["call"])
    for outcome in ["kIOReturnSuccess", "kIOReturnBadArgument", "kIOReturnUnsupported", "EINVAL", "E2BIG", "EFAULT"] {
      #expect(calls[outcome, default: 0] > 0, "no call ended in \(outcome)")
    }
    #expect(outcomes["unknown_ioctl"] == ["ENOTTY": outcomes["unknown_ioctl"]?["ENOTTY"] ?? -1])
    #expect(outcomes["method_info"]?["ENOENT", default: 0] ?? 0 > 0)
    for outcome in ["ok", "ENOENT"] {
      #expect(outcomes["memory_info"]?[outcome, default: 0] ?? 0 > 0, "no memory info ended in \(outcome)")
    }
    let batches = try #require(outcomes["call_batch"])
    for outcome in ["ok", "EINVAL", "E2BIG", "EFAULT"] {
      #expect(batches[outcome, default: 0] > 0, "no batch ended in \(outcome)")
    }

    // The same calls again, to the same outcomes.
    let replay = try ucprobe(Self.arguments)
    #expect(try replay.decode(FuzzDocument.self).replayableOutcomes == report.replayableOutcomes)
  }

  @Test func textOutputStartsWithTheSeed() throws {
    let run = try ucprobe("fuzz", "--mock", "--iterations", "50", "--seed", "0x2a")
    #expect(run.status == 0)
    #expect(run.stdout.hasPrefix(
      "fuzz: seed 42, 50 calls to reference 0.1.0 (ABI 1) on mock, watchdog 10.0 s\n"))
    #expect(run.stdout.contains("\nOUTCOME "))
    #expect(run.stdout.contains("live_buffers after the run: 0\n"))
    #expect(run.stdout.contains("passed: 50 calls in "))
  }

  @Test func aReplayShowsItsCall() throws {
    let run = try ucprobe("fuzz", "--mock", "--seed", "42", "--replay", "1")
    #expect(run.status == 0)
    #expect(run.stdout.contains(
      "call 1 (well-formed): UCB_IOC_CALL, header"))
    #expect(run.stdout.contains("selector 1 (add)"))
    #expect(run.stdout.contains("passed: 1 call in "))
  }

  @Test func anUnseededRunReportsASeedThatReplaysIt() throws {
    let run = try ucprobe("fuzz", "--mock", "--iterations", "100", "--json")
    #expect(run.status == 0)
    let report = try run.decode(FuzzDocument.self)
    let replay = try ucprobe(
      "fuzz", "--mock", "--iterations", "100", "--seed", String(report.seed), "--json")
    #expect(try replay.decode(FuzzDocument.self).replayableOutcomes == report.replayableOutcomes)
  }
}
