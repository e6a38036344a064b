import Testing

@testable import ucprobe

/// Completion of method names from the driver's own table.
@Suite struct MethodNameCompletionTests {
  @Test func namesComeFromTheMock() {
    #expect(MethodNameCompletion.candidates(["ucprobe", "call", "--mock", "c"], 3, "c")
      == ["checksum", "consistency"])
    #expect(MethodNameCompletion.candidates(["ucprobe", "bench", "--mock", ""], 3, "").count == 14)
  }

  @Test func noDeviceGivesNoNames() {
    #expect(MethodNameCompletion.candidates(
      ["ucprobe", "call", "--device", "/nonexistent/ucbridge", "e"], 4, "e").isEmpty)
  }
}
