import Testing
import UCBridge
import UCBridgeConformance

/// The corpus's shape: its size, its groups in order, stable and unique
/// names, and the coverage the conformance issue asks for.
@Suite struct CorpusTests {
  let corpus = ConformanceCorpus.reference

  @Test func hasAtLeastTwoHundredUniquelyNamedCases() {
    #expect(corpus.count >= 200)
    #expect(Set(corpus.map(\.name)).count == corpus.count, "names are unique")
  }

  @Test func namesAreOneWordWithAGroupAndSummariesAreThere() {
    for testCase in corpus {
      #expect(!testCase.name.contains { $0.isWhitespace }, "\(testCase.name)")
      #expect(testCase.name.contains("/"), "\(testCase.name) names its group")
      #expect(!testCase.summary.isEmpty, "\(testCase.name) has a summary")
    }
  }

  @Test func groupsComeInOrderEachInOnePiece() {
    var groups: [String] = []
    for group in corpus.map(\.group) where groups.last != group {
      groups.append(group)
    }
    #expect(groups == [
      "ioctl", "driver-info", "method-info", "call-header", "selector", "noop", "add", "echo",
      "checksum", "pathInfo", "fixedTransform", "consistency", "resetStats", "generate", "sink",
      "sharedChecksum", "memory-info", "mmap", "pointers", "privilege", "counters", "open", "batch", "call-async", "cancel", "events", "delayed",
      "asyncChecksum", "notify", "max=4K", "max=64M", "final",
    ])
  }

  @Test(arguments: ["echo", "checksum", "consistency", "sink"])
  func variableInputsGoThroughEveryBoundarySize(method: String) {
    let names = Set(corpus.map(\.name))
    for size in ["0", "1", "4095", "4096", "4097", "8191", "8192", "8193", "65536", "max", "max+1"] {
      let prefix = "\(method)/struct_in=\(size)"
      #expect(names.contains { $0 == prefix || $0.hasPrefix(prefix + "/") }, "\(prefix)")
    }
    #expect(names.contains { $0.hasPrefix("max=64M/\(method)/struct_in=max") })
  }

  @Test func generateGoesThroughEveryBoundarySizeWithEveryRoom() {
    let names = Set(corpus.map(\.name))
    for size in ["1", "4095", "4096", "4097", "8191", "8192", "8193", "65536", "max"] {
      for room in ["exact", "larger", "short"] {
        #expect(names.contains("generate/n=\(size)/room=\(room)"))
      }
    }
  }

  @Test func sixtyFourMiBSectionReachesTheLimitAndOnePast() {
    let large = corpus.filter { $0.group == "max=64M" }
    #expect(large.allSatisfy { $0.maxStructSize == 64 << 20 })
    #expect(large.map(\.name).contains("max=64M/echo/struct_in=max/room=exact"))
    #expect(large.map(\.name).contains("max=64M/echo/struct_in=max+1/room=exact"))
  }

  @Test func unprivilegedCasesRefuseOnlyResetStats() {
    let unprivileged = corpus.filter { $0.caller == .unprivileged }
    #expect(unprivileged.count >= 10)
    for testCase in unprivileged {
      let refused = testCase.name.hasPrefix("privilege/unprivileged/resetStats")
      #expect((testCase.expected == .dispatched(.notPrivileged)) == refused, "\(testCase.name)")
    }
  }

  @Test func everyMethodHasItsGroupAndIntrospection() {
    let names = Set(corpus.map(\.name))
    for method in [
      "noop", "add", "echo", "checksum", "pathInfo", "fixedTransform", "consistency", "resetStats",
      "generate", "sink", "sharedChecksum", "delayed", "asyncChecksum", "notify",
    ] {
      #expect(corpus.contains { $0.group == method }, "\(method) has cases")
      #expect(names.contains("method-info/\(method)"), "\(method)'s table entry is checked")
    }
  }

  @Test func asyncCallsCancelsAndEventReadsHaveEveryRefusalAndOutcome() {
    let names = Set(corpus.map(\.name))
    for name in [
      "call-async/size=88", "call-async/size=0", "call-async/size=4097", "call-async/flags=1",
      "call-async/call=NULL", "call-async/call=guard_page", "call-async/call=kernel",
      "call-async/call/flags=1", "call-async/selector=past_table", "call-async/sync_method/noop",
      "call-async/async_method_sync/delayed", "call-async/queue_full",
      "cancel/pending", "cancel/id=never_issued", "cancel/flags=1", "cancel/size=0",
      "events/empty", "events/room=223", "events/buffer=guard_page", "events/two_in_one_read",
      "asyncChecksum/struct_in=4097", "notify/count=3",
    ] {
      #expect(names.contains(name), "\(name)")
    }
  }

  @Test func filtersByNamePrefix() {
    let echo = ConformanceCorpus.cases(matching: ["echo/", "max=64M/echo/"])
    #expect(!echo.isEmpty)
    #expect(echo.allSatisfy { $0.name.hasPrefix("echo/") || $0.name.hasPrefix("max=64M/echo/") })
    #expect(ConformanceCorpus.cases(matching: []).count == corpus.count)
    #expect(ConformanceCorpus.cases(matching: ["no-such-group/"]).isEmpty)
  }
}
