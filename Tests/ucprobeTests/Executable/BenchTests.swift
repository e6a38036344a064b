import Testing

/// `ucprobe bench` against the mock, with tiny runs.  No test looks at
/// how fast anything was, only at the shape of what was measured.
@Suite struct BenchTests {
  @Test func aSweepMeasuresEverySize() throws {
    let run = try ucprobe(
      "bench", "echo", "--sizes", "0,4K,64K", "--iterations", "20", "--warmup", "2", "--mock",
      "--json")
    #expect(run.status == 0)
    #expect(Set(try run.jsonObject().keys) == [
      "device", "driver", "selector", "method", "scalar_input", "scalar_output_room",
      "warmup_calls", "iterations", "runs",
    ])
    let bench = try run.decode(BenchDocument.self)
    #expect(bench.method == "echo")
    #expect(bench.selector == 2)
    #expect(bench.iterations == 20)
    #expect(bench.durationSeconds == nil)
    #expect(bench.warmupCalls == 2)
    #expect(bench.runs.map(\.structInputSize) == [0, 4096, 65536])
    #expect(bench.runs.map(\.structOutputRoom) == [0, 4096, 65536])
    #expect(bench.runs.map(\.structOutputSize) == [0, 4096, 65536])
    for measured in bench.runs {
      let latency = measured.latencyNs
      #expect(measured.calls == 20)
      #expect(measured.elapsedSeconds > 0)
      #expect(measured.callsPerSecond > 0)
      #expect(latency.min <= latency.p50)
      #expect(latency.p50 <= latency.p90)
      #expect(latency.p90 <= latency.p99)
      #expect(latency.p99 <= latency.p999)
      #expect(latency.p999 <= latency.max)
      #expect(Double(latency.min) <= latency.mean && latency.mean <= Double(latency.max))
    }
    #expect(bench.runs[0].bytesPerSecond == 0)
    #expect(bench.runs[1].bytesPerSecond > 0)
  }

  @Test func scalarsAndFixedSizesComeFromTheTable() throws {
    let run = try ucprobe(
      "bench", "add", "-s", "1", "-s", "2", "--iterations", "10", "--warmup", "0", "--mock",
      "--json")
    #expect(run.status == 0)
    let bench = try run.decode(BenchDocument.self)
    #expect(bench.scalarInput == [1, 2])
    #expect(bench.scalarOutputRoom == 1)
    #expect(bench.runs.map(\.structInputSize) == [0])
  }

  @Test func theTableHasOneRowPerSize() throws {
    let run = try ucprobe(
      "bench", "sink", "--sizes", "16,1K", "--duration", "0.05", "--warmup", "1", "--mock")
    #expect(run.status == 0)
    let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines[0] == "bench sink (selector 9) on reference 0.1.0 (ABI 1) on mock")
    #expect(lines[1] == "50.0 ms per size after 1 warmup calls")
    let header = try #require(lines.firstIndex { $0.contains("CALLS/S") })
    #expect(lines[header].split(separator: " ").prefix(3) == ["STRUCT", "IN", "OUT"])
    #expect(lines[header + 1].split(separator: " ").first == "16")
    #expect(lines[header + 2].split(separator: " ").first == "1K")
  }

  @Test func aCallThatFailsStopsTheBench() throws {
    let run = try ucprobe("bench", "echo", "--sizes", "2M", "--iterations", "5", "--mock")
    #expect(run.status == 1)
    #expect(run.stderr.contains("kIOReturnBadArgument (0xe00002c2): invalid argument"))
    #expect(run.stderr.contains("hint: echo: struct input of 2097152 bytes, the method takes 0 to 1048576"))
  }

  @Test func sizesOfAMethodWithFixedStructsAreAUsageError() throws {
    let run = try ucprobe("bench", "fixedTransform", "--sizes", "0,4K", "--iterations", "5", "--mock")
    #expect(run.status == 64)
    #expect(run.stderr.hasPrefix(
      "ucprobe: --sizes sets variable struct sizes, and fixedTransform (selector 5) has none\n"))
  }
}
