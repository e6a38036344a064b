import CUCBridge
import UCBridge
import UCBridgeTestSupport

/// `UCB_IOC_DRIVER_INFO`: the description the ABI fixes, the extensible
/// `size` rules, `flags`, and bad argument pointers.
extension CorpusSection {
  var driverInfoCases: [ConformanceCase] {
    let known = UInt32(UCB_DRIVER_INFO_SIZE_VER0)
    func request(
      size: UInt32 = known, flags: UInt32 = 0, tail: HeaderTail = .zero,
      placement: Placement = .aligned
    ) -> InfoRequest {
      var request = InfoRequest.driverInfo(size: size)
      request.flags = flags
      request.tail = tail
      request.placement = placement
      return request
    }
    func described(size: UInt32 = known) -> Bytes {
      ReferenceTable.driverInfo(size: size, maxStructSize: maxStructSize)
    }
    var cases = [
      info("driver-info/size=72", "the first version's size: every field as the ABI and the reference driver fix it, live_buffers 0",
           expect: .succeeded, request(), output: described()),
      driverInfoThroughAPI(),
      info("driver-info/size=0", "size 0 -> EINVAL", expect: .invalid, request(size: 0)),
      info("driver-info/size=4", "only the size field -> EINVAL", expect: .invalid, request(size: 4)),
      info("driver-info/size=71", "one byte short of the first version -> EINVAL", expect: .invalid, request(size: known - 1)),
      info("driver-info/size=80/tail=zero", "a newer caller's longer struct, zero tail: accepted, the tail untouched",
           expect: .succeeded, request(size: 80), output: described(size: 80)),
      info("driver-info/size=4096/tail=zero", "the longest struct accepted, zero tail",
           expect: .succeeded, request(size: 4096), output: described(size: 4096)),
      info("driver-info/size=80/tail=nonzero@72", "first byte past the known struct non-zero -> E2BIG",
           expect: .tooBig, request(size: 80, tail: .nonZero(at: 72))),
      info("driver-info/size=80/tail=nonzero@79", "last byte of the tail non-zero -> E2BIG",
           expect: .tooBig, request(size: 80, tail: .nonZero(at: 79))),
      info("driver-info/size=4096/tail=nonzero@4095", "byte 4095 of the longest struct non-zero -> E2BIG",
           expect: .tooBig, request(size: 4096, tail: .nonZero(at: 4095))),
      info("driver-info/size=4097", "one past the longest struct -> E2BIG", expect: .tooBig, request(size: 4097)),
      info("driver-info/size=8192", "two pages -> E2BIG", expect: .tooBig, request(size: 8192)),
      info("driver-info/size=0xffffffff", "the largest size -> E2BIG", expect: .tooBig, request(size: .max)),
      info("driver-info/flags=1", "an undefined flag -> EINVAL", expect: .invalid, request(flags: 1)),
      info("driver-info/flags=0x80000000", "the top flag bit -> EINVAL", expect: .invalid, request(flags: 0x8000_0000)),
      info("driver-info/size=4097/flags=1", "size is checked before flags -> E2BIG",
           expect: .tooBig, request(size: 4097, flags: 1)),
    ]
    var garbage = request()
    garbage.outputFieldsBefore = 0xff
    cases.append(info(
      "driver-info/output_fields=0xff", "the fields the driver fills in hold 0xff before: ignored, overwritten",
      expect: .succeeded, garbage, output: described()))
    cases += ([NamedPlacement.null] + NamedPlacement.unreadable + [.straddling(8), .readOnly]).map { bad in
      info("driver-info/argument=\(bad.label)", "the argument \(bad.summary) -> EFAULT",
           expect: .fault, request(placement: bad.placement))
    }
    cases.append(info(
      "driver-info/argument=misaligned", "the argument one byte off alignment: valid",
      expect: .succeeded, request(placement: .misaligned(1)), output: described()))
    cases += [
      info("driver-info/size=8192/readable=72", "size above 4096 is refused before the rest is read: E2BIG though only 72 bytes are mapped",
           expect: .tooBig, request(size: 8192, placement: .overrunningGuard(by: 0))),
      info("driver-info/size=0/readable=4", "size below the first version is refused before the rest is read: EINVAL though only the size is mapped",
           expect: .invalid, request(size: 0, placement: .overrunningGuard(by: Int(known) - 4))),
      info("driver-info/size=4096/readable=128", "a zero tail running into an unmapped page -> EFAULT",
           expect: .fault, request(size: 4096, placement: .overrunningGuard(by: 4096 - 128))),
    ]
    return cases
  }

  /// `Connection.driverInfo()`, the API: its decoded fields as scalars.
  private func driverInfoThroughAPI() -> ConformanceCase {
    let maxStructSize = maxStructSize
    return sequence(
      "driver-info/api",
      "Connection.driverInfo() decodes the description: abi, version, methods, scalars, max, limit, live buffers as scalars",
      expect: .succeeded
    ) { context throws(ConformanceError) in
      do throws(UCBridgeError) {
        let info = try context.connection.driverInfo()
        let scalars = [
          UInt64(info.abiVersion), UInt64(info.driverVersion), UInt64(info.methodCount),
          UInt64(info.maxScalars), UInt64(info.maxStructSize), UInt64(info.structSizeLimit),
          info.liveBuffers,
        ]
        let expected: [UInt64] = [
          UInt64(UCB_ABI_VERSION), UInt64(ReferenceTable.driverVersion),
          UInt64(ReferenceTable.methodCount), UInt64(UCB_MAX_SCALARS), UInt64(maxStructSize),
          UInt64(UCB_STRUCT_SIZE_LIMIT), 0,
        ]
        var observation = Observation(
          outcome: .succeeded, scalars: scalars, structOutput: Array(info.name.utf8))
        if scalars != expected || info.name != UCB_REFERENCE_NAME {
          observation.problems.append("decoded \(scalars) \(info.name), expected \(expected) ucbridge")
        }
        return observation
      } catch {
        return try Observation(thrown: error)
      }
    }
  }
}
