import CUCBridge

/// A caller without `CAP_SYS_ADMIN`: resetStats refused (before its
/// counts are checked), every other method and introspection as for root;
/// then root reads the counters those calls left.
extension CorpusSection {
  var privilegeCases: [ConformanceCase] {
    let user = Caller.unprivileged
    let echoInput = Bytes.pattern(4097)
    let transformInput = ucb_transform(a: 1, b: 2, c: 3, d: 4)
    return [
      call("privilege/root/resetStats", "root zeroes the counters for this group's count",
           expect: .success, CallPlan(request: CallRequest(selector: ReferenceTable.resetStats))),
      call("privilege/unprivileged/resetStats", "an admin-only method -> kIOReturnNotPrivileged",
           caller: user, expect: .notPrivileged,
           CallPlan(request: CallRequest(selector: ReferenceTable.resetStats))),
      call("privilege/unprivileged/resetStats/scalar_in=1",
           "privilege is checked before the counts -> kIOReturnNotPrivileged, not kIOReturnBadArgument",
           caller: user, expect: .notPrivileged,
           CallPlan(request: CallRequest(selector: ReferenceTable.resetStats, scalarInput: [1]))),
      call("privilege/unprivileged/noop", "noop needs no privilege", caller: user, expect: .success,
           CallPlan(request: CallRequest(selector: ReferenceTable.noop))),
      call("privilege/unprivileged/add", "40 + 2 = 42", caller: user, expect: .success,
           CallPlan(request: CallRequest(selector: ReferenceTable.add, scalarInput: [40, 2], scalarOutputRoom: 1),
                    output: .scalars([42]))),
      call("privilege/unprivileged/echo/struct_in=4097", "4097 bytes back", caller: user, expect: .success,
           CallPlan(request: CallRequest(selector: ReferenceTable.echo, structInput: echoInput, structOutputRoom: 4097),
                    output: .structOutput(echoInput))),
      call("privilege/unprivileged/checksum/check_value", "CRC-32C of \"123456789\"", caller: user,
           expect: .success,
           CallPlan(request: CallRequest(selector: ReferenceTable.checksum, structInput: .text("123456789"),
                                         scalarOutputRoom: 2),
                    output: .scalars([0xe306_9283, 9]))),
      call("privilege/unprivileged/pathInfo/file", "the runner's file, readable by everyone: found as root finds it",
           caller: user, expect: .success) { context in
        let path = context.fixture.path("file")
        return CallPlan(
          request: CallRequest(selector: ReferenceTable.pathInfo, structInput: .text(path), scalarOutputRoom: 4),
          output: .scalars(PathFixture.expectedScalars(for: path)), normalization: .pathInfo)
      },
      call("privilege/unprivileged/fixedTransform", "{1, 2, 3, 4} -> {2, 1, 7, 7}", caller: user,
           expect: .success,
           CallPlan(request: CallRequest(selector: ReferenceTable.fixedTransform,
                                         structInput: ReferenceModel.bytes(of: transformInput), structOutputRoom: 24),
                    output: .structOutput(ReferenceModel.bytes(of: ReferenceModel.transform(transformInput))))),
      call("privilege/unprivileged/consistency", "both reads agree", caller: user, expect: .success,
           CallPlan(request: CallRequest(selector: ReferenceTable.consistency, scalarInput: [0],
                                         structInput: echoInput, scalarOutputRoom: 1),
                    output: .scalars([1]))),
      call("privilege/unprivileged/generate/n=4097", "4097 pattern bytes", caller: user, expect: .success,
           CallPlan(request: CallRequest(selector: ReferenceTable.generate, scalarInput: [4097], structOutputRoom: 4097),
                    output: .structOutput(.generated(count: 4097)))),
      call("privilege/unprivileged/sink/struct_in=65536", "64 KiB taken", caller: user, expect: .success,
           CallPlan(request: CallRequest(selector: ReferenceTable.sink, structInput: .pattern(65536)))),
      call("privilege/unprivileged/sharedChecksum", "a page of the caller's own zeroed buffer", caller: user,
           expect: .success,
           CallPlan(request: CallRequest(selector: ReferenceTable.sharedChecksum, scalarInput: [0, 4096, 0],
                                         scalarOutputRoom: 3),
                    output: .scalars([UInt64(ReferenceModel.crc32c(.repeating(0, count: 4096))), 4096, 1]))),
      info("privilege/unprivileged/memory-info/status", "memory types need no privilege", caller: user,
           expect: .succeeded, .memoryInfo(ReferenceMemory.status),
           output: ReferenceMemory.memoryInfo(
             ReferenceMemory.types[Int(ReferenceMemory.status)], size: UInt32(UCB_MEMORY_INFO_SIZE_VER0))),
      call("privilege/unprivileged/selector=\(ReferenceTable.methodCount)", "a selector past the table -> kIOReturnUnsupported",
           caller: user, expect: .unsupported,
           CallPlan(request: CallRequest(selector: ReferenceTable.methodCount))),
      call("privilege/unprivileged/call-header/flags=1", "a malformed call -> EINVAL", caller: user,
           expect: .invalid,
           CallPlan(request: CallRequest(selector: ReferenceTable.noop, header: CallHeader(flags: 1)))),
      info("privilege/unprivileged/driver-info", "introspection needs no privilege", caller: user,
           expect: .succeeded, .driverInfo(),
           output: ReferenceTable.driverInfo(size: UInt32(UCB_DRIVER_INFO_SIZE_VER0), maxStructSize: maxStructSize)),
      info("privilege/unprivileged/method-info/resetStats", "resetStats's entry, with its admin flag",
           caller: user, expect: .succeeded, .methodInfo(ReferenceTable.resetStats),
           output: ReferenceTable.methodInfo(
             ReferenceTable.methods[Int(ReferenceTable.resetStats)],
             size: UInt32(UCB_METHOD_INFO_SIZE_VER0), maxStructSize: maxStructSize)),
      submitted("privilege/unprivileged/delayed", "an async call needs no privilege: accepted, completed with [value]",
                caller: user, expect: .success, Self.delayed(value: 42), completion: Self.completes(.success, args: [42])),
      submitted("privilege/unprivileged/asyncChecksum", "CRC-32C of \"123456789\", answered later",
                caller: user, expect: .success,
                CallRequest(selector: ReferenceTable.asyncChecksum, structInput: .text("123456789")),
                completion: Self.completes(.success, args: [0xe306_9283, 9])),
      onOwnConnection("privilege/unprivileged/notify", "notifications need no privilege: one, id 1", caller: user,
                      expect: .success) { executor throws(ConformanceError) in
        var observation = try CallExecutor(connection: executor.connection).execute(
          CallRequest(selector: ReferenceTable.notify, scalarInput: [1, 0, 0]))
        if observation.outcome == .success {
          let event = try executor.waitForEvents(1)[0]
          observation.scalars = AsyncExecutor.record(event)
          if event.type != UInt32(UCB_EVENT_NOTIFICATION) || event.id != 1 {
            observation.problems.append("got \(AsyncExecutor.describe(event)), expected notification 1")
          }
        }
        return observation
      },
      privilegeCounters,
    ]
  }

  /// Root reads the counters the unprivileged calls left: each method
  /// called once, resetStats refused twice (errors).
  private var privilegeCounters: ConformanceCase {
    var expected = Self.countersAfterReset
    for method in ReferenceTable.methods where method.selector != ReferenceTable.resetStats {
      expected[2 * Int(method.selector)] = 1
    }
    expected[2 * Int(ReferenceTable.resetStats)] += 2
    expected[2 * Int(ReferenceTable.resetStats) + 1] += 2
    let counters = expected
    return sequence(
      "privilege/root/counters",
      "root reads the counters: every method once, resetStats 3 calls of which the 2 refused are errors",
      expect: .succeeded
    ) { context throws(ConformanceError) in
      Self.readCounters(context.connection, expected: counters, problems: [])
    }
  }
}
