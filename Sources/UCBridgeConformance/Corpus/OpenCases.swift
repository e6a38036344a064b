import CUCBridge
import UCBridge
import UCBridgeTestSupport

/// `UCB_IOC_OPEN`: choosing a user-client type (IOServiceOpen's `type`)
/// once, before the first call; the extensible `size` rules, `flags`, and
/// a bad argument.  Each case opens a connection of its own, new to the
/// driver: the corpus's shared one made calls long ago.  The reference
/// driver has no open callback, so it accepts every type.
extension CorpusSection {
  var openCases: [ConformanceCase] {
    let known = UInt32(UCB_OPEN_SIZE_VER0)
    func request(
      type: UInt32 = 1, size: UInt32 = known, flags: UInt32 = 0, tail: HeaderTail = .zero,
      placement: Placement = .aligned, outputFieldsBefore: UInt8 = 0
    ) -> InfoRequest {
      var request = InfoRequest.open(type: type, size: size)
      request.flags = flags
      request.tail = tail
      request.placement = placement
      request.outputFieldsBefore = outputFieldsBefore
      return request
    }
    /// What a successful open leaves: the input fields as they were and a
    /// result of kIOReturnSuccess, for as much as the caller's size covers.
    @Sendable func accepted(_ request: InfoRequest) -> Bytes {
      var image = request.image
      let known = MemoryLayout<ucb_open>.size
      for index in MemoryLayout<ucb_open>.offset(of: \.result)!..<known { image[index] = 0 }
      return .literal(Array(image.prefix(min(Int(request.size), known))))
    }
    func open(
      _ name: String, _ summary: String, caller: Caller = .root, expect expected: Outcome,
      _ request: InfoRequest, after setup: OpenSetup = .nothing
    ) -> ConformanceCase {
      sequence("open/\(name)", summary, caller: caller, expect: expected) {
        context throws(ConformanceError) in
        let connection = try context.connect()
        defer { try? connection.close() }
        try setup.run(on: connection)
        var observation = try InfoExecutor(connection: connection).execute(request)
        let output = accepted(request)
        if observation.outcome == .succeeded,
          !observation.structOutput.withUnsafeBytes(output.matches)
        {
          observation.problems += request.fields?.differences(
            observation.structOutput, expected: output.array) ?? []
        }
        return observation
      }
    }

    var cases = [
      open("type=0", "type 0, chosen before any call: accepted, only result written",
           expect: .succeeded, request(type: 0)),
      open("type=1", "type 1: accepted", expect: .succeeded, request(type: 1)),
      open("type=0xffffffff", "the largest type: accepted (the reference driver takes any)",
           expect: .succeeded, request(type: .max)),
      open("output_fields=0xff", "result holds 0xff before: overwritten with kIOReturnSuccess",
           expect: .succeeded, request(outputFieldsBefore: 0xff)),
      open("twice", "a second choice after an accepted one -> EBUSY, nothing written",
           expect: .failed(.resourceBusy), request(type: 2), after: .open(type: 1)),
      open("after_call", "a choice after a first call, which opened the client with type 0 -> EBUSY",
           expect: .failed(.resourceBusy), request(type: 1), after: .noopCall),
      open("size=0", "size 0 -> EINVAL", expect: .invalid, request(size: 0)),
      open("size=15", "one byte short of the first version -> EINVAL", expect: .invalid, request(size: known - 1)),
      open("size=24/tail=zero", "a newer caller's longer struct, zero tail: accepted, the tail untouched",
           expect: .succeeded, request(size: 24)),
      open("size=24/tail=nonzero@16", "first byte past the known struct non-zero -> E2BIG",
           expect: .tooBig, request(size: 24, tail: .nonZero(at: 16))),
      open("size=4097", "one past the longest struct -> E2BIG", expect: .tooBig, request(size: 4097)),
      open("flags=1", "an undefined flag -> EINVAL", expect: .invalid, request(flags: 1)),
      open("flags=1/then_open", "a refused request leaves the choice open: a valid one then succeeds",
           expect: .succeeded, request(type: 3), after: .refusedOpen),
      open("unprivileged", "a caller without CAP_SYS_ADMIN chooses a type too",
           caller: .unprivileged, expect: .succeeded, request(type: 1)),
    ]
    cases += ([NamedPlacement.null] + NamedPlacement.unreadable + [.readOnly]).map { bad in
      open("argument=\(bad.label)", "the argument \(bad.summary) -> EFAULT",
           expect: .fault, request(placement: bad.placement))
    }
    cases.append(open(
      "argument=misaligned", "the argument one byte off alignment: valid",
      expect: .succeeded, request(placement: .misaligned(1))))
    cases.append(sequence("open/then_call", "after a choice, calls work as before", expect: .success) {
      context throws(ConformanceError) in
      let connection = try context.connect()
      defer { try? connection.close() }
      try OpenSetup.open(type: 5).run(on: connection)
      return try CallExecutor(connection: connection).execute(CallRequest(selector: ReferenceTable.noop))
    })
    return cases
  }
}

/// What a connection does before an open case's own ioctl.
enum OpenSetup: Sendable {
  case nothing
  /// An accepted choice of this type.
  case open(type: UInt32)
  /// A choice refused for its flags, which chooses nothing.
  case refusedOpen
  /// A noop call: the client opens with type 0.
  case noopCall

  func run(on connection: Connection) throws(ConformanceError) {
    let step: Observation
    switch self {
    case .nothing:
      return
    case .open(let type):
      step = try InfoExecutor(connection: connection).execute(.open(type: type))
      guard step.outcome == .succeeded else {
        throw ConformanceError("setup: choosing type \(type) gave \(step.outcome.name)")
      }
    case .refusedOpen:
      var request = InfoRequest.open(type: 1)
      request.flags = 1
      step = try InfoExecutor(connection: connection).execute(request)
      guard step.outcome == .invalid else {
        throw ConformanceError("setup: a choice with flags 1 gave \(step.outcome.name)")
      }
    case .noopCall:
      step = try CallExecutor(connection: connection).execute(CallRequest(selector: ReferenceTable.noop))
      guard step.outcome == .success else {
        throw ConformanceError("setup: a noop call gave \(step.outcome.name)")
      }
    }
  }
}
