import Testing
import UCBridgeConformance

/// The transcript and TAP formats and the hash they use.
@Suite struct TranscriptTests {
  @Test func fnv1a64MatchesItsPublishedTestVectors() {
    func hash(_ text: String) -> String {
      var hash = FNV1a64()
      Array(text.utf8).withUnsafeBytes { hash.combine($0) }
      return hash.hexDigits
    }
    #expect(hash("") == "cbf29ce484222325")
    #expect(hash("a") == "af63dc4c8601ec8c")
    #expect(hash("foobar") == "85944171f73967e8")
  }

  @Test func scalarsHashAsTheirLittleEndianBytes() {
    var scalars = FNV1a64()
    scalars.combine(littleEndian: [0x0102_0304_0506_0708])
    var bytes = FNV1a64()
    [UInt8]([8, 7, 6, 5, 4, 3, 2, 1]).withUnsafeBytes { bytes.combine($0) }
    #expect(scalars == bytes)
  }

  @Test func entryLinesRoundTrip() throws {
    let entry = TranscriptEntry(
      name: "echo/struct_in=8193/room=exact", outcome: "kIOReturnSuccess", scalarCount: 0,
      structSize: 8193, hash: "e948e678638ebf58")
    #expect(entry.line == "echo/struct_in=8193/room=exact kIOReturnSuccess scalars=0 struct=8193 hash=e948e678638ebf58")
    #expect(TranscriptEntry(line: entry.line[...]) == entry)
    #expect(TranscriptEntry(line: "echo kIOReturnSuccess scalars=x struct=1 hash=e948e678638ebf58") == nil)
    #expect(TranscriptEntry(line: "echo kIOReturnSuccess scalars=0 struct=1 hash=e9") == nil)
    #expect(TranscriptEntry(line: "echo kIOReturnSuccess scalars=0 struct=1") == nil)
  }

  @Test func transcriptsSayWhatTheyAreAndSkipCommentsWhenParsed() throws {
    let entries = [
      TranscriptEntry(name: "a/b", outcome: "EINVAL", scalarCount: 0, structSize: 0, hash: "cbf29ce484222325"),
      TranscriptEntry(name: "c/d", outcome: "ok", scalarCount: 2, structSize: 3, hash: "0123456789abcdef"),
    ]
    let text = Transcript(entries: entries).text
    #expect(text.hasPrefix("# ucbridge conformance transcript, format 1\n"))
    #expect(text.hasSuffix("c/d ok scalars=2 struct=3 hash=0123456789abcdef\n"))
    #expect(Transcript(parsing: text)?.entries == entries)
    #expect(Transcript(parsing: text + "not a line\n") == nil)
  }

  @Test func tapHasThePlanOneLinePerCaseAndTheProblemsOfFailures() {
    let entry = TranscriptEntry(
      name: "add/40+2", outcome: "kIOReturnBadArgument", scalarCount: 0, structSize: 0,
      hash: "cbf29ce484222325")
    let pass = CaseResult(entry: entry, problems: [])
    let fail = CaseResult(entry: entry, problems: ["expected kIOReturnSuccess, got kIOReturnBadArgument"])
    #expect(TAPReport.header(count: 2) == "TAP version 13\n1..2\n")
    #expect(TAPReport.lines(for: pass, number: 1)
            == "ok 1 add/40+2 # kIOReturnBadArgument scalars=0 struct=0 hash=cbf29ce484222325\n")
    #expect(TAPReport.lines(for: fail, number: 2) == """
      not ok 2 add/40+2 # kIOReturnBadArgument scalars=0 struct=0 hash=cbf29ce484222325
      #   expected kIOReturnSuccess, got kIOReturnBadArgument

      """)
    #expect(TAPReport.summary(of: [pass, fail]) == "# 1 passed, 1 failed\n")
  }

  @Test func listingGroupsTheCases() {
    let listing = CaseListing.text(of: ConformanceCorpus.cases(matching: ["noop/"]))
    let lines = listing.split(separator: "\n")
    #expect(lines.first == "# noop: \(lines.count - 2) cases")
    #expect(lines.contains("noop/valid -> kIOReturnSuccess: nothing in, nothing out"))
    #expect(lines.last == "# \(lines.count - 2) cases")
  }
}
