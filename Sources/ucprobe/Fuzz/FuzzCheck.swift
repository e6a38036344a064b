import CUCBridge
import SystemPackage
import UCBridge
import UCBridgeTestSupport

extension FuzzExecutor {
  /// The checks of one case once its ioctl has returned; each problem
  /// found is added to ``problems``.
  struct Check {
    /// The case.
    let fuzzCase: FuzzCase
    /// Where it lay.
    let layout: Layout
    /// The header's bytes, tail and slack before the ioctl.
    let header: [UInt8]
    /// The same bytes after it.
    let after: [UInt8]
    /// What was wrong.
    var problems: [String] = []

    init(fuzzCase: FuzzCase, layout: Layout, header: [UInt8], after: [UInt8]) {
      self.fuzzCase = fuzzCase
      self.layout = layout
      self.header = header
      self.after = after
    }

    /// How the ioctl ended, checked against what the ABI allows.
    mutating func outcome(
      of returned: Result<Void, UCBridgeError>, expected: ABIExpectation
    ) -> IoctlOutcome {
      let request = fuzzCase.request
      switch returned {
      case .failure(.errno(let error)):
        if !ABIExpectation.documentedErrnos(for: request.shape).contains(error) {
          problems.append("\(error.explanation) is not an errno ucbridge documents for \(request.name)")
        } else if !expected.errnos.contains(error) {
          problems.append("got \(error.name), expected \(Self.describe(expected))")
        }
        return .failed(error)
      case .failure(let error):
        preconditionFailure("the raw ioctl fails only with an errno, not \(error)")
      case .success:
        guard request == .call || request == .callAsync else {
          if !expected.mayReturnZero {
            problems.append("the ioctl succeeded, expected \(Self.describe(expected))")
          }
          return .succeeded
        }
        let result = IOReturn(rawValue: callHeader.result)
        if !expected.mayReturnZero {
          problems.append("the call was dispatched (\(result.name)), expected \(Self.describe(expected))")
        } else if let results = expected.results, !results.contains(result) {
          problems.append("got \(result.name), expected \(Self.describe(expected))")
        }
        return .dispatched(result)
      }
    }

    /// What a `UCB_IOC_CALL` wrote: only its result and counts in the
    /// header, and output only on success and within the counts.
    mutating func callOutputs(_ outcome: IoctlOutcome, arena: FuzzArena) {
      let scalarRoom = layout.scalarOutputBytes
      let structRoom = layout.structOutputBytes
      switch outcome {
      case .dispatched(let result):
        headerUnchanged(except: 20..<32)
        let scalarCount = Int(callHeader.scalar_out_count)
        let structCount = Int(callHeader.struct_out_size)
        guard result == .success else {
          if scalarCount != 0 || structCount != 0 {
            problems.append(
              "\(result.name) came back with output counts \(scalarCount) and \(structCount), not 0")
          }
          untouched("scalar output", from: 0, of: scalarRoom, at: layout.scalarOutput,
                    in: arena.scalarOutput, arena: arena, on: result.name)
          untouched("struct output", from: 0, of: structRoom, at: layout.structOutput,
                    in: arena.structOutput, arena: arena, on: result.name)
          return
        }
        if scalarCount > Int(fuzzCase.scalarOutput.count) || structCount > structRoom {
          problems.append(
            "reported \(scalarCount) scalars and \(structCount) struct bytes written into room for "
              + "\(fuzzCase.scalarOutput.count) and \(structRoom)")
        }
        untouched("scalar output", from: scalarCount * 8, of: scalarRoom, at: layout.scalarOutput,
                  in: arena.scalarOutput, arena: arena, on: "success, past the reported count")
        untouched("struct output", from: structCount, of: structRoom, at: layout.structOutput,
                  in: arena.structOutput, arena: arena, on: "success, past the reported size")
      case .failed(let error):
        headerUnchanged()
        // EFAULT may leave the output that faulted partly written, and
        // ENOMEM can only come after the method ran; neither goes past
        // the room.
        let refusedEarly: Set<Errno> = [.invalidArgument, .argListTooLong, .inappropriateIOCTLForDevice]
        let from = refusedEarly.contains(error) ? 0 : Int.max
        untouched("scalar output", from: from, of: scalarRoom, at: layout.scalarOutput,
                  in: arena.scalarOutput, arena: arena, on: error.name)
        untouched("struct output", from: from, of: structRoom, at: layout.structOutput,
                  in: arena.structOutput, arena: arena, on: error.name)
      case .succeeded:
        break
      }
    }

    /// What a successful introspection ioctl wrote: the structure this
    /// ucprobe knows, holding what the driver said at the start, and
    /// nothing past it.
    mutating func introspection(
      methods: [MethodInfo], driver: DriverInfo, memoryTypes: [MemoryInfo]
    ) {
      let known = fuzzCase.request.structSize
      if let byte = zip(header.indices, zip(header, after)).dropFirst(known)
        .first(where: { $0.1.0 != $0.1.1 })?.0
      {
        problems.append("wrote byte \(byte), past the \(known)-byte structure")
      }
      after.withUnsafeBytes { bytes in
        switch fuzzCase.request {
        case .driverInfo:
          let info = bytes.loadUnaligned(as: ucb_driver_info.self)
          let name = decodeName(info.name)
          if info.size != fuzzCase.size || info.abi_version != UInt32(UCB_ABI_VERSION)
            || info.method_count != UInt32(methods.count) || name != driver.name
          {
            problems.append(
              "driver info says size \(info.size), ABI \(info.abi_version), \(info.method_count) "
                + "methods, name '\(name)'; expected \(fuzzCase.size), \(UCB_ABI_VERSION), "
                + "\(methods.count), '\(driver.name)'")
          }
        case .methodInfo:
          let info = bytes.loadUnaligned(as: ucb_method_info.self)
          let name = decodeName(info.name)
          let expected = methods.first { $0.selector == fuzzCase.selector }?.name
          if info.size != fuzzCase.size || info.selector != fuzzCase.selector || name != expected {
            problems.append(
              "method info says size \(info.size), selector \(info.selector), name '\(name)'; "
                + "expected \(fuzzCase.size), \(fuzzCase.selector), '\(expected ?? "")'")
          }
        case .memoryInfo:
          let info = bytes.loadUnaligned(as: ucb_memory_info.self)
          let name = decodeName(info.name)
          let expected = memoryTypes.first { $0.type == fuzzCase.selector }
          if info.size != fuzzCase.size || info.flags != 0 || info.type != fuzzCase.selector
            || info.memory_flags != expected?.flags.rawValue
            || info.length != expected.map({ UInt64($0.length) }) || info.offset != expected?.offset
            || name != expected?.name
          {
            problems.append(
              "memory info says size \(info.size), flags 0x\(String(info.flags, radix: 16)), "
                + "type \(info.type), memory flags 0x\(String(info.memory_flags, radix: 16)), "
                + "length \(info.length), offset 0x\(String(info.offset, radix: 16)), name '\(name)'; "
                + "expected size \(fuzzCase.size), flags 0x0, type \(fuzzCase.selector), "
                + Self.describe(expected))
          }
        case .call, .open, .unknown, .callBatch, .callAsync, .cancel, .readEvents:
          break
        }
      }
    }

    /// What a successful `UCB_IOC_OPEN` wrote: `result`, as
    /// kIOReturnSuccess (the reference driver accepts any type), and no
    /// other byte.
    mutating func openResult() {
      let result = MemoryLayout<ucb_open>.offset(of: \.result)!
      headerUnchanged(except: result..<result + 4)
      let value = after.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: result, as: UInt32.self) }
      if value != UCB_IORETURN_SUCCESS {
        problems.append("UCB_IOC_OPEN succeeded with result 0x\(String(value, radix: 16))")
      }
    }

    /// Checks that the ioctl wrote nothing to its argument, or nothing but
    /// the bytes in `allowed`.
    mutating func headerUnchanged(except allowed: Range<Int> = 0..<0) {
      if let byte = header.indices.first(where: { !allowed.contains($0) && header[$0] != after[$0] }) {
        problems.append(
          byte < layout.headerBytes
            ? "changed byte \(byte) of the argument"
            : "wrote \(byte - layout.headerBytes + 1) bytes past the argument's size")
      }
    }

    /// The call header as it came back.
    private var callHeader: ucb_call {
      after.withUnsafeBytes { $0.loadUnaligned(as: ucb_call.self) }
    }

    /// Checks that the bytes of an output room from `offset` on, and the
    /// slack past it, still hold the canary.
    private mutating func untouched(
      _ name: String, from offset: Int, of room: Int, at address: UInt,
      in region: GuardedRegion, arena: FuzzArena, on occasion: String
    ) {
      let start = min(offset, room)
      let (first, overflow) = address.addingReportingOverflow(UInt(start))
      guard !overflow,
        let changed = arena.firstChangedCanary(
          at: first, count: room - start + FuzzExecutor.slack, in: region)
      else { return }
      let byte = start + changed
      problems.append(
        byte < room
          ? "wrote byte \(byte) of the \(name) room on \(occasion)"
          : "wrote byte \(byte - room) past the \(name) room of \(room) bytes on \(occasion)")
    }

    /// A memory type's flags, length, offset and name, as a memory info
    /// problem expects them; `no such type` for none.
    private static func describe(_ type: MemoryInfo?) -> String {
      guard let type else { return "no such type" }
      return "memory flags 0x\(String(type.flags.rawValue, radix: 16)), length \(type.length), "
        + "offset 0x\(String(type.offset, radix: 16)), name '\(type.name)'"
    }

    /// `expected EINVAL or E2BIG`, `expected kIOReturnUnsupported`.
    private static func describe(_ expected: ABIExpectation) -> String {
      var outcomes = expected.errnos.map(\.name).sorted()
      if expected.mayReturnZero {
        outcomes.insert(
          expected.results.map { $0.map(\.name).sorted().joined(separator: " or ") } ?? "success",
          at: 0)
      }
      return outcomes.joined(separator: " or ")
    }
  }
}

/// A NUL-padded `char name[UCB_NAME_SIZE]` field as a string.
private func decodeName<Field>(_ field: Field) -> String {
  withUnsafeBytes(of: field) { bytes in
    String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
  }
}
