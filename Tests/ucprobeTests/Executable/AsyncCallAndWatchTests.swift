import Foundation
import Testing

// The JSON documents `call --async` and `watch` print, as a consumer
// decodes them: written from the documented keys, not shared with
// ucprobe's own types, so that a renamed key fails these tests.

struct AsyncCallDocument: Decodable {
  struct Result: Decodable {
    var code: UInt32
    var name: String
  }

  struct Completion: Decodable {
    var result: Result
    var arguments: [UInt64]
    var reference: [UInt64]
  }

  var device: String
  var selector: UInt32
  var method: String?
  var result: Result?
  var id: UInt64?
  var completion: Completion?
  var cancelled: String?
}

struct WatchDocument: Decodable {
  struct Notification: Decodable, Equatable {
    var id: UInt64
    var message: UInt32
    var arguments: [UInt64]
    var dropped: UInt32
    var canDrop: Bool
  }

  var device: String
  var notifications: [Notification]
}

/// The reference driver's notification message, UCB_NOTIFY_MESSAGE.
private let notifyMessage: UInt32 = 0xe000_0100

/// `ucprobe call --async` against the mock.
@Suite struct AsyncCallTests {
  @Test func delayedPrintsItsAcceptanceThenItsCompletion() throws {
    let run = try ucprobe("--mock", "call", "--async", "delayed", "-s", "1000", "-s", "42")
    #expect(run.status == 0)
    #expect(run.stderr.isEmpty)
    #expect(run.stdout == """
      delayed (selector 11): accepted as call 1
      scalar output: 0
      struct output: 0 bytes
      completion of call 1: kIOReturnSuccess (0x00000000): OK
      arguments: 1
        [0]  42  0x000000000000002a

      """)
  }

  @Test func asyncJSONCarriesTheCompletionAndTheReferenceWords() throws {
    let run = try ucprobe(
      "--mock", "call", "--async", "asyncChecksum", "--string", "123456789",
      "--reference", "7", "--reference", "0xffffffffffffffff", "--json")
    #expect(run.status == 0)
    #expect(Set(try run.jsonObject().keys) == [
      "device", "selector", "method", "scalar_input", "struct_input_size", "scalar_output_room",
      "struct_output_room", "result", "scalar_output", "struct_output_size", "struct_output_hex",
      "id", "completion",
    ])
    let call = try run.decode(AsyncCallDocument.self)
    #expect(call.method == "asyncChecksum")
    #expect(call.result?.name == "kIOReturnSuccess")
    #expect(call.id == 1)
    #expect(call.completion?.result.code == 0)
    #expect(call.completion?.arguments == [0xe306_9283, 9])
    #expect(call.completion?.reference == [7, .max, 0, 0, 0, 0, 0, 0])
    #expect(call.cancelled == nil)
  }

  @Test func theTimeoutCancelsTheCall() throws {
    let run = try ucprobe(
      "--mock", "call", "--async", "delayed", "-s", "10000000", "-s", "1", "--timeout", "0.2",
      "--json")
    #expect(run.status == 1)
    let call = try run.decode(AsyncCallDocument.self)
    #expect(call.cancelled == "timeout")
    #expect(call.completion?.result.name == "kIOReturnAborted")
    #expect(run.stderr.contains("call 1 completed with kIOReturnAborted"))
    #expect(run.stderr.contains("hint: ucprobe cancelled the call when --timeout passed"))
  }

  @Test func ctrlCCancelsTheCall() throws {
    let run = try interruptedProbe(
      ["--mock", "call", "--async", "delayed", "-s", "10000000", "-s", "1"],
      after: "accepted as call 1")
    #expect(run.status == 1)
    #expect(run.stdout.contains("completion of call 1: kIOReturnAborted"))
    #expect(run.stderr.contains("hint: ucprobe cancelled the call on Ctrl-C"))
  }

  @Test func aSyncCallToAnAsyncMethodIsRefusedWithAHint() throws {
    let run = try ucprobe("--mock", "call", "delayed", "-s", "1", "-s", "1")
    #expect(run.status == 1)
    #expect(run.stderr == """
      ucprobe: kIOReturnBadArgument (0xe00002c2): invalid argument
      ucprobe: hint: delayed is an async method: call it with --async

      """)
  }

  @Test func anAsyncCallToASyncMethodIsRefusedWithAHint() throws {
    let run = try ucprobe("--mock", "call", "--async", "add", "-s", "1", "-s", "2", "--json")
    #expect(run.status == 1)
    let call = try run.decode(AsyncCallDocument.self)
    #expect(call.result?.name == "kIOReturnBadArgument")
    #expect(call.id == nil && call.completion == nil)
    #expect(run.stderr.contains("hint: add is not an async method: call it without --async"))
  }

  @Test func asyncOptionsNeedAsync() throws {
    #expect(try ucprobe("--mock", "call", "noop", "--timeout", "1").status == 64)
    #expect(try ucprobe("--mock", "call", "noop", "--reference", "1").status == 64)
    let words = (0..<9).flatMap { ["--reference", String($0)] }
    #expect(try ucprobe(["--mock", "call", "--async", "delayed", "-s", "1", "-s", "1"] + words)
      .status == 64)
  }

  @Test func listMarksAsyncMethods() throws {
    let run = try ucprobe("--mock", "list")
    #expect(run.status == 0)
    let delayed = try #require(run.stdout.split(separator: "\n").first { $0.contains(" delayed ") })
    #expect(delayed.contains("async"))
  }
}

/// `ucprobe watch` against the mock.
@Suite struct WatchTests {
  @Test func notifyPrintsEachNotification() throws {
    let run = try ucprobe("--mock", "watch", "--notify", "3")
    #expect(run.status == 0)
    #expect(run.stderr.isEmpty)
    #expect(run.stdout == """
      notification 1: message 0xe0000100, arguments [0, 3]
      notification 2: message 0xe0000100, arguments [1, 3]
      notification 3: message 0xe0000100, arguments [2, 3]

      """)
  }

  @Test func watchJSONListsTheNotifications() throws {
    let run = try ucprobe("--mock", "watch", "--notify", "2,1000", "--droppable", "--json")
    #expect(run.status == 0)
    let watch = try run.decode(WatchDocument.self)
    #expect(watch.device == "mock")
    #expect(watch.notifications == [
      .init(id: 1, message: notifyMessage, arguments: [0, 2], dropped: 0, canDrop: true),
      .init(id: 2, message: notifyMessage, arguments: [1, 2], dropped: 0, canDrop: true),
    ])
  }

  @Test func countStopsEarly() throws {
    let run = try ucprobe("--mock", "watch", "--notify", "5", "--count", "2", "--json")
    #expect(run.status == 0)
    #expect(try run.decode(WatchDocument.self).notifications.map(\.id) == [1, 2])
  }

  @Test func ctrlCEndsAWatch() throws {
    let run = try interruptedProbe(
      ["--mock", "watch", "--notify", "1", "--count", "2"],
      after: "notification 1:")
    #expect(run.status == 0)
    #expect(run.stdout == "notification 1: message 0xe0000100, arguments [0, 1]\n")
  }

  @Test func badNotifyRequestsAreRefused() throws {
    for value in ["0", "100001", "1,10000001", "x", "1,2,3", ""] {
      #expect(try ucprobe("--mock", "watch", "--notify", value).status == 64, "\(value)")
    }
    #expect(try ucprobe("--mock", "watch", "--droppable").status == 64)
    #expect(try ucprobe("--mock", "watch", "--count", "0").status == 64)
  }
}

/// Runs ucprobe, sends it SIGINT once `marker` appeared on its standard
/// output, and waits for it to end.
private func interruptedProbe(_ arguments: [String], after marker: String) throws -> ProbeRun {
  let process = Process()
  var products = Bundle.main.bundleURL
  if products.pathExtension == "xctest" { products.deleteLastPathComponent() }
  process.executableURL = ProcessInfo.processInfo.environment["UCPROBE_TEST_BINARY"]
    .map(URL.init(fileURLWithPath:)) ?? products.appendingPathComponent("ucprobe")
  process.arguments = arguments
  let stdout = Pipe()
  let stderr = Pipe()
  process.standardOutput = stdout
  process.standardError = stderr
  try process.run()
  var seen = Data()
  while !String(decoding: seen, as: UTF8.self).contains(marker) {
    let chunk = stdout.fileHandleForReading.availableData
    guard !chunk.isEmpty else { break }
    seen.append(chunk)
  }
  process.interrupt()
  seen.append(stdout.fileHandleForReading.readDataToEndOfFile())
  let errors = stderr.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return ProbeRun(
    status: process.terminationStatus, stdout: String(decoding: seen, as: UTF8.self),
    stderr: String(decoding: errors, as: UTF8.self))
}
