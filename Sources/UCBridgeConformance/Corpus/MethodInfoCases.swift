import CUCBridge
import UCBridge
import UCBridgeTestSupport

/// `UCB_IOC_METHOD_INFO`: every entry of the table as the ABI header
/// documents it, selectors past the table, the extensible `size` rules,
/// `flags`, and bad argument pointers.
extension CorpusSection {
  var methodInfoCases: [ConformanceCase] {
    let known = UInt32(UCB_METHOD_INFO_SIZE_VER0)
    let echo = ReferenceTable.methods[Int(ReferenceTable.echo)]
    func request(
      _ selector: UInt32 = ReferenceTable.echo, size: UInt32 = known, flags: UInt32 = 0,
      tail: HeaderTail = .zero, placement: Placement = .aligned
    ) -> InfoRequest {
      var request = InfoRequest.methodInfo(selector, size: size)
      request.flags = flags
      request.tail = tail
      request.placement = placement
      return request
    }
    func described(_ entry: ReferenceTable.Entry = echo, size: UInt32 = known) -> Bytes {
      ReferenceTable.methodInfo(entry, size: size, maxStructSize: maxStructSize)
    }

    var cases = ReferenceTable.methods.map { entry in
      info("method-info/\(entry.name)",
           "selector \(entry.selector): name, the four checks, the maxima under max_struct_size, flags (counters recorded as 0)",
           expect: .succeeded, request(entry.selector), output: described(entry))
    }
    cases.append(methodsThroughAPI())
    let pastTheTable: [(String, UInt32)] = [
      ("\(ReferenceTable.methodCount)", ReferenceTable.methodCount), ("0x100", 0x100), ("0x7fffffff", 0x7fff_ffff),
      ("0xffffffff", .max),
    ]
    cases += pastTheTable.map { label, selector in
      info("method-info/selector=\(label)", "a selector past the table -> ENOENT",
           expect: .noEntry, request(selector))
    }
    cases += [
      info("method-info/size=0", "size 0 -> EINVAL", expect: .invalid, request(size: 0)),
      info("method-info/size=87", "one byte short of the first version -> EINVAL",
           expect: .invalid, request(size: known - 1)),
      info("method-info/size=96/tail=zero", "a newer caller's longer struct, zero tail: accepted, the tail untouched",
           expect: .succeeded, request(size: 96), output: described(size: 96)),
      info("method-info/size=4096/tail=zero", "the longest struct accepted, zero tail",
           expect: .succeeded, request(size: 4096), output: described(size: 4096)),
      info("method-info/size=96/tail=nonzero@88", "first byte past the known struct non-zero -> E2BIG",
           expect: .tooBig, request(size: 96, tail: .nonZero(at: 88))),
      info("method-info/size=96/tail=nonzero@95", "last byte of the tail non-zero -> E2BIG",
           expect: .tooBig, request(size: 96, tail: .nonZero(at: 95))),
      info("method-info/size=4097", "one past the longest struct -> E2BIG", expect: .tooBig, request(size: 4097)),
      info("method-info/size=0xffffffff", "the largest size -> E2BIG", expect: .tooBig, request(size: .max)),
      info("method-info/flags=1", "an undefined flag -> EINVAL", expect: .invalid, request(flags: 1)),
      info("method-info/flags=0x80000000", "the top flag bit -> EINVAL",
           expect: .invalid, request(flags: 0x8000_0000)),
      info("method-info/flags=1/selector=0xffffffff", "flags are checked before the selector -> EINVAL",
           expect: .invalid, request(.max, flags: 1)),
      info("method-info/size=4097/selector=0xffffffff", "size is checked before the selector -> E2BIG",
           expect: .tooBig, request(.max, size: 4097)),
    ]
    var garbage = request()
    garbage.outputFieldsBefore = 0xff
    cases.append(info(
      "method-info/output_fields=0xff", "the fields the driver fills in hold 0xff before: ignored, overwritten",
      expect: .succeeded, garbage, output: described()))
    cases += ([NamedPlacement.null] + NamedPlacement.unreadable + [.straddling(8), .readOnly]).map { bad in
      info("method-info/argument=\(bad.label)", "the argument \(bad.summary) -> EFAULT",
           expect: .fault, request(placement: bad.placement))
    }
    cases.append(info(
      "method-info/argument=misaligned", "the argument one byte off alignment: valid",
      expect: .succeeded, request(placement: .misaligned(1)), output: described()))
    return cases
  }

  /// `Connection.methods()`, the API: every entry decoded, as scalars.
  private func methodsThroughAPI() -> ConformanceCase {
    let maxStructSize = maxStructSize
    return sequence(
      "method-info/api",
      "Connection.methods() decodes the whole table: per method its selector, flags and four checks with maxima, as scalars",
      expect: .succeeded
    ) { context throws(ConformanceError) in
      do throws(UCBridgeError) {
        let methods = try context.connection.methods()
        let scalars = methods.flatMap(Self.scalars(describing:))
        let expected = ReferenceTable.methods.flatMap {
          Self.scalars(describing: $0, maxStructSize: maxStructSize)
        }
        let names = methods.map(\.name).joined(separator: ",")
        var observation = Observation(
          outcome: .succeeded, scalars: scalars, structOutput: Array(names.utf8))
        if scalars != expected || names != ReferenceTable.methods.map(\.name).joined(separator: ",") {
          observation.problems.append("decoded \(names) \(scalars), expected \(expected)")
        }
        return observation
      } catch {
        return try Observation(thrown: error)
      }
    }
  }

  /// A decoded method as scalars: selector, flags, then each check as
  /// its count or size, a variable one as `UCB_VARIABLE_SIZE` followed by
  /// its maximum.
  private static func scalars(describing method: MethodInfo) -> [UInt64] {
    func scalar(_ check: MethodChecks.ScalarCount) -> [UInt64] {
      switch check {
      case .exactly(let count): return [UInt64(count)]
      case .variable: return [UInt64(UCB_VARIABLE_SIZE)]
      }
    }
    func size(_ check: MethodChecks.StructSize) -> [UInt64] {
      switch check {
      case .exactly(let size): return [UInt64(size)]
      case .variable(let max): return [UInt64(UCB_VARIABLE_SIZE), UInt64(max)]
      }
    }
    let checks = method.checks
    return [UInt64(method.selector), UInt64(method.flags.rawValue)]
      + scalar(checks.scalarInputCount) + size(checks.structInputSize)
      + scalar(checks.scalarOutputCount) + size(checks.structOutputSize)
  }

  /// A reference table entry as scalars, as a decoded method's are.
  private static func scalars(
    describing entry: ReferenceTable.Entry, maxStructSize: Int
  ) -> [UInt64] {
    let variable = UCB_VARIABLE_SIZE
    func size(_ size: UInt32, max: UInt32) -> [UInt64] {
      size == variable ? [UInt64(variable), UInt64(min(max, UInt32(maxStructSize)))] : [UInt64(size)]
    }
    let flags = (entry.adminOnly ? UCB_METHOD_FLAG_ADMIN : 0) | (entry.async ? UCB_METHOD_FLAG_ASYNC : 0)
    return [UInt64(entry.selector), UInt64(flags), UInt64(entry.scalarInputCount)]
      + size(entry.structInputSize, max: entry.structInputMax)
      + [UInt64(entry.scalarOutputCount)]
      + size(entry.structOutputSize, max: UInt32(UCB_STRUCT_SIZE_LIMIT))
  }
}
