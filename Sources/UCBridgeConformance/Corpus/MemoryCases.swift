import CUCBridge
import CUCBridgeCore
import Synchronization
import SystemPackage
@_spi(RawIoctl) import UCBridge
import UCBridgeTestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Shared memory: the reference driver's memory types as the ABI header
/// describes them, `UCB_IOC_MEMORY_INFO`, mmap(2) of the device, and the
/// sharedChecksum method over the connection's buffer.
///
/// The main connection's buffer is never written by a case (cases that
/// write one map it on a connection of their own), so sharedChecksum on
/// the main connection checksums zeros.
enum ReferenceMemory {
  /// The buffer type's size: the module parameter buffer_size's default.
  static let bufferSize = Int(UCB_REFERENCE_DEFAULT_BUFFER_SIZE)
  /// The page size; the status page is one page.
  static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

  /// One memory type as the ABI header describes it.
  struct Entry: Sendable {
    let type: UInt32
    let name: String
    let flags: UInt32
    let length: Int
  }

  static let buffer = UCB_REFERENCE_MEMORY_BUFFER.rawValue
  static let status = UCB_REFERENCE_MEMORY_STATUS.rawValue
  static let typeCount = UCB_REFERENCE_MEMORY_TYPE_COUNT.rawValue

  /// The memory types, in type order.
  static let types: [Entry] = [
    Entry(type: buffer, name: "buffer", flags: 0, length: bufferSize),
    Entry(type: status, name: "status", flags: UInt32(UCB_MEMORY_READ_ONLY), length: pageSize),
  ]

  /// `struct ucb_memory_info` as the driver must fill it in.
  static func memoryInfo(_ entry: Entry, size: UInt32) -> Bytes {
    var info = ucb_memory_info()
    info.size = size
    info.type = entry.type
    info.memory_flags = entry.flags
    info.length = UInt64(entry.length)
    info.offset = ucb_memory_offset(entry.type)
    withUnsafeMutableBytes(of: &info.name) { bytes in
      bytes.initializeMemory(as: UInt8.self, repeating: 0)
      bytes.copyBytes(from: entry.name.utf8.prefix(bytes.count - 1))
    }
    return .literal(withUnsafeBytes(of: info, Array.init))
  }

  /// Offset of the status page's `calls[selector]`.
  static func callsOffset(_ selector: UInt32) -> Int {
    MemoryLayout<ucb_reference_status>.offset(of: \.calls)! + Int(selector) * 8
  }
}

extension InfoRequest {
  /// `UCB_IOC_MEMORY_INFO` for one memory type.
  static func memoryInfo(
    _ type: UInt32, size: UInt32 = UInt32(UCB_MEMORY_INFO_SIZE_VER0)
  ) -> InfoRequest {
    InfoRequest(
      command: ucb_ioc_memory_info, knownSize: MemoryLayout<ucb_memory_info>.size, size: size,
      selector: type)
  }
}

extension CorpusSection {
  // MARK: sharedChecksum

  /// sharedChecksum: offset, length, delay in; CRC-32C, length, 1 out,
  /// over the main connection's (zeroed) buffer; ranges at its ends, past
  /// them, overflowing; the delay's bound; the table's counts.  Then the
  /// method seeing what a client wrote through its mapping, and the
  /// status page counting calls.
  var sharedChecksumCases: [ConformanceCase] {
    let selector = ReferenceTable.sharedChecksum
    let size = UInt64(ReferenceMemory.bufferSize)
    let maxDelay = UInt64(UCB_CONSISTENCY_MAX_DELAY_US)
    func request(_ offset: UInt64, _ length: UInt64, delay: UInt64 = 0) -> CallRequest {
      CallRequest(selector: selector, scalarInput: [offset, length, delay], scalarOutputRoom: 3)
    }
    func zeros(_ name: String, _ summary: String, _ offset: UInt64, _ length: UInt64, delay: UInt64 = 0)
      -> ConformanceCase
    {
      let crc = ReferenceModel.crc32c(.repeating(0, count: Int(length)))
      return call("sharedChecksum/\(name)", summary, expect: .success,
                  CallPlan(request: request(offset, length, delay: delay),
                           output: .scalars([UInt64(crc), length, 1])))
    }
    func refused(_ name: String, _ summary: String, _ request: CallRequest) -> ConformanceCase {
      call("sharedChecksum/\(name)", "\(summary) -> kIOReturnBadArgument", expect: .badArgument,
           CallPlan(request: request))
    }
    var cases = [
      zeros("range=0+0", "an empty range at the start: CRC-32C 0, length 0, stable", 0, 0),
      zeros("range=0+1", "the first byte of the zeroed buffer", 0, 1),
      zeros("range=100+1000", "a range inside the buffer", 100, 1000),
      zeros("range=0+4096", "the first page", 0, 4096),
      zeros("range=0+size", "the whole buffer, \(size) bytes", 0, size),
      zeros("range=size-1+1", "the last byte", size - 1, 1),
      zeros("range=size+0", "an empty range at the end", size, 0),
      zeros("delay=10000", "the longest delay, 10 ms: the snapshot's two reads agree", 0, 4096, delay: maxDelay),
      refused("range=size-10+11", "a range one byte past the end", request(size - 10, 11)),
      refused("range=size+1+0", "an empty range one byte past the end", request(size + 1, 0)),
      refused("range=0+size+1", "one byte longer than the buffer", request(0, size + 1)),
      refused("range=2^63+2^63", "offset + length overflowing 64 bits", request(1 << 63, 1 << 63)),
      refused("range=1+0xffffffffffffffff", "a length of 2^64 - 1 after offset 1", request(1, .max)),
      refused("range=0xffffffffffffffff+1", "the largest offset", request(.max, 1)),
      refused("delay=10001", "a delay over UCB_CONSISTENCY_MAX_DELAY_US", request(0, 1, delay: maxDelay + 1)),
      refused("delay=0xffffffffffffffff", "the largest delay", request(0, 1, delay: .max)),
      refused("scalar_in=2", "two scalars where the table takes exactly 3",
              CallRequest(selector: selector, scalarInput: [0, 1], scalarOutputRoom: 3)),
      refused("scalar_in=4", "four scalars where the table takes exactly 3",
              CallRequest(selector: selector, scalarInput: [0, 1, 0, 0], scalarOutputRoom: 3)),
      refused("scalar_in=0", "no scalars",
              CallRequest(selector: selector, scalarOutputRoom: 3)),
      refused("scalar_out=2", "room for 2 output scalars where exactly 3 are given",
              CallRequest(selector: selector, scalarInput: [0, 1, 0], scalarOutputRoom: 2)),
      refused("scalar_out=4", "room for 4 output scalars where exactly 3 are given",
              CallRequest(selector: selector, scalarInput: [0, 1, 0], scalarOutputRoom: 4)),
      refused("struct_in=8", "a struct input where none is taken",
              CallRequest(selector: selector, scalarInput: [0, 1, 0], structInput: .pattern(8),
                          scalarOutputRoom: 3)),
    ]
    cases.append(sharedChecksumSeesWrites())
    cases.append(sharedChecksumRewrittenDuringCalls())
    cases.append(statusPageCounts())
    return cases
  }

  /// A connection of its own maps its buffer, writes a pattern and asks
  /// for sharedChecksum of parts of it.
  private func sharedChecksumSeesWrites() -> ConformanceCase {
    sequence(
      "sharedChecksum/sees_mapped_writes",
      "a pattern written through the buffer's mapping: sharedChecksum of [0, 8192) and [100, 1100) are its CRC-32Cs",
      expect: .succeeded
    ) { context throws(ConformanceError) in
      let connection = try context.connect()
      defer { try? connection.close() }
      let pattern = Bytes.pattern(8192)
      do throws(UCBridgeError) {
        var buffer = try connection.map(type: ReferenceMemory.buffer, readOnly: false, length: 8192)
        buffer.withUnsafeMutableBytes { bytes in
          pattern.array.withUnsafeBytes { bytes.copyMemory(from: $0) }
        }
        let whole = try connection.call(.sharedChecksum, 0, 8192)
        let part = try connection.call(.sharedChecksum, 100, 1000)
        let scalars: [UInt64] = [whole, part].flatMap { (sum: SharedChecksum) -> [UInt64] in
          [UInt64(sum.crc32c), UInt64(sum.length), sum.stable ? 1 : 0]
        }
        let expected: [UInt64] = [
          UInt64(ReferenceModel.crc32c(pattern)), 8192, 1,
          UInt64(ReferenceModel.crc32c(.literal(Array(pattern.array[100..<1100])))), 1000, 1,
        ]
        var observation = Observation(outcome: .succeeded, scalars: scalars)
        if scalars != expected {
          observation.problems.append("sharedChecksum gave \(scalars), expected \(expected)")
        }
        return observation
      } catch {
        return try Observation(thrown: error)
      }
    }
  }

  /// copy-once for shared memory: while a thread rewrites the buffer as
  /// fast as it can, the method's two passes over its range always
  /// agree, since both read one snapshot (against a driver that reads the
  /// live pages they do not).
  private func sharedChecksumRewrittenDuringCalls() -> ConformanceCase {
    let calls = 50
    return sequence(
      "sharedChecksum/rewritten_during_calls",
      "a thread rewrites 64 KiB of the buffer throughout \(calls) sharedChecksums with a 1 ms delay: every answer stable",
      expect: .succeeded
    ) { context throws(ConformanceError) in
      let connection = try context.connect()
      defer { try? connection.close() }
      switch Self.stableAnswers(on: connection, calls: calls) {
      case .failure(let error):
        return try Observation(thrown: error)
      case .success(nil):
        return Observation(outcome: .succeeded, problems: ["cannot start the rewriting thread"])
      case .success(let stable?):
        var observation = Observation(outcome: .succeeded, scalars: [UInt64(stable)])
        if stable != calls {
          observation.problems.append("\(calls - stable) of \(calls) answers unstable: the method read live memory")
        }
        return observation
      }
    }
  }

  /// How many of `calls` sharedChecksums over 64 KiB of the buffer, 1 ms
  /// apart, are stable while a thread rewrites those bytes; nil when the
  /// thread cannot start.
  private static func stableAnswers(
    on connection: Connection, calls: Int
  ) -> Result<Int?, UCBridgeError> {
    let length = 65536
    var buffer: MappedMemory
    do {
      buffer = try connection.map(type: ReferenceMemory.buffer, readOnly: false, length: length)
    } catch {
      return .failure(error)
    }
    // The mapping is borrowed, so alive, until the thread has stopped.
    return buffer.withUnsafeMutableBytes { bytes -> Result<Int?, UCBridgeError> in
      let rewriter = Rewriter(address: bytes.baseAddress!, count: length)
      guard rewriter.start() else { return .success(nil) }
      defer { rewriter.stop() }
      var stable = 0
      for _ in 0..<calls {
        do throws(UCBridgeError) {
          if try connection.call(.sharedChecksum(delayMicroseconds: 1000), 0, UInt64(length)).stable {
            stable += 1
          }
        } catch {
          return .failure(error)
        }
      }
      return .success(stable)
    }
  }

  /// The status page of a connection of its own: calls counted as they
  /// run, read with no system call; refused calls not counted.
  private func statusPageCounts() -> ConformanceCase {
    sequence(
      "sharedChecksum/status_page_counts_calls",
      "the status page of a new connection: 0 calls; then 3 noops and 2 sharedChecksums that ran (one refusing its range) counted, one refused by the table's checks not",
      expect: .succeeded
    ) { context throws(ConformanceError) in
      let connection = try context.connect()
      defer { try? connection.close() }
      do throws(UCBridgeError) {
        let status = try connection.map(type: ReferenceMemory.status)
        let page = status.baseAddress
        func calls(_ selector: UInt32) -> UInt64 {
          // A volatile-enough read: the driver writes the page meanwhile,
          // and each read here follows a system call.
          page.loadUnaligned(fromByteOffset: ReferenceMemory.callsOffset(selector), as: UInt64.self)
        }
        let noop = ReferenceTable.noop, shared = ReferenceTable.sharedChecksum
        var scalars = [calls(noop), calls(shared)]
        for _ in 0..<3 { try connection.call(.noop) }
        _ = try connection.call(.sharedChecksum, 0, 16)
        _ = try? connection.call(.sharedChecksum, 0, .max)
        _ = try? connection.callMethod(shared, scalarInput: [0])
        scalars += [calls(noop), calls(shared), UInt64(status.count)]
        let expected: [UInt64] = [0, 0, 3, 2, UInt64(ReferenceMemory.pageSize)]
        var observation = Observation(outcome: .succeeded, scalars: scalars)
        if scalars != expected {
          observation.problems.append("status page read \(scalars), expected \(expected)")
        }
        return observation
      } catch {
        return try Observation(thrown: error)
      }
    }
  }

  // MARK: UCB_IOC_MEMORY_INFO

  /// `UCB_IOC_MEMORY_INFO`: every memory type, types past the driver's,
  /// the extensible `size` rules, `flags`, and bad argument pointers.
  var memoryInfoCases: [ConformanceCase] {
    let known = UInt32(UCB_MEMORY_INFO_SIZE_VER0)
    let buffer = ReferenceMemory.types[0]
    func request(
      _ type: UInt32 = ReferenceMemory.buffer, size: UInt32 = known, flags: UInt32 = 0,
      tail: HeaderTail = .zero, placement: Placement = .aligned
    ) -> InfoRequest {
      var request = InfoRequest.memoryInfo(type, size: size)
      request.flags = flags
      request.tail = tail
      request.placement = placement
      return request
    }
    func described(_ entry: ReferenceMemory.Entry = buffer, size: UInt32 = known) -> Bytes {
      ReferenceMemory.memoryInfo(entry, size: size)
    }
    var cases = ReferenceMemory.types.map { entry in
      info("memory-info/\(entry.name)",
           "type \(entry.type): name, flags, length, mmap offset UCB_MEMORY_OFFSET(\(entry.type))",
           expect: .succeeded, request(entry.type), output: described(entry))
    }
    cases.append(memoryTypesThroughAPI())
    let pastTheTypes: [(String, UInt32)] = [
      ("2", ReferenceMemory.typeCount), ("16", UInt32(UCB_MEMORY_TYPE_MAX)), ("0xffffffff", .max),
    ]
    cases += pastTheTypes.map { label, type in
      info("memory-info/type=\(label)", "a type the driver does not have -> ENOENT",
           expect: .noEntry, request(type))
    }
    cases += [
      info("memory-info/size=0", "size 0 -> EINVAL", expect: .invalid, request(size: 0)),
      info("memory-info/size=63", "one byte short of the first version -> EINVAL",
           expect: .invalid, request(size: known - 1)),
      info("memory-info/size=96/tail=zero", "a newer caller's longer struct, zero tail: accepted, the tail untouched",
           expect: .succeeded, request(size: 96), output: described(size: 96)),
      info("memory-info/size=4096/tail=zero", "the longest struct accepted, zero tail",
           expect: .succeeded, request(size: 4096), output: described(size: 4096)),
      info("memory-info/size=96/tail=nonzero@64", "first byte past the known struct non-zero -> E2BIG",
           expect: .tooBig, request(size: 96, tail: .nonZero(at: 64))),
      info("memory-info/size=96/tail=nonzero@95", "last byte of the tail non-zero -> E2BIG",
           expect: .tooBig, request(size: 96, tail: .nonZero(at: 95))),
      info("memory-info/size=4097", "one past the longest struct -> E2BIG", expect: .tooBig, request(size: 4097)),
      info("memory-info/size=0xffffffff", "the largest size -> E2BIG", expect: .tooBig, request(size: .max)),
      info("memory-info/flags=1", "an undefined flag -> EINVAL", expect: .invalid, request(flags: 1)),
      info("memory-info/flags=0x80000000", "the top flag bit -> EINVAL",
           expect: .invalid, request(flags: 0x8000_0000)),
      info("memory-info/flags=1/type=0xffffffff", "flags are checked before the type -> EINVAL",
           expect: .invalid, request(.max, flags: 1)),
      info("memory-info/size=4097/type=0xffffffff", "size is checked before the type -> E2BIG",
           expect: .tooBig, request(.max, size: 4097)),
    ]
    var garbage = request()
    garbage.outputFieldsBefore = 0xff
    cases.append(info(
      "memory-info/output_fields=0xff", "the fields the driver fills in hold 0xff before: ignored, overwritten",
      expect: .succeeded, garbage, output: described()))
    cases += ([NamedPlacement.null] + NamedPlacement.unreadable + [.straddling(8), .readOnly]).map { bad in
      info("memory-info/argument=\(bad.label)", "the argument \(bad.summary) -> EFAULT",
           expect: .fault, request(placement: bad.placement))
    }
    cases.append(info(
      "memory-info/argument=misaligned", "the argument one byte off alignment: valid",
      expect: .succeeded, request(placement: .misaligned(1)), output: described()))
    return cases
  }

  /// `Connection.memoryTypes()`, the API: every type decoded, as scalars.
  private func memoryTypesThroughAPI() -> ConformanceCase {
    sequence(
      "memory-info/api",
      "Connection.memoryTypes() decodes every type: per type its number, flags, length and offset, as scalars",
      expect: .succeeded
    ) { context throws(ConformanceError) in
      do throws(UCBridgeError) {
        let types = try context.connection.memoryTypes()
        let scalars = types.flatMap {
          [UInt64($0.type), UInt64($0.flags.rawValue), UInt64($0.length), $0.offset]
        }
        let expected = ReferenceMemory.types.flatMap {
          [UInt64($0.type), UInt64($0.flags), UInt64($0.length), ucb_memory_offset($0.type)]
        }
        let names = types.map(\.name).joined(separator: ",")
        var observation = Observation(
          outcome: .succeeded, scalars: scalars, structOutput: Array(names.utf8))
        if scalars != expected || names != ReferenceMemory.types.map(\.name).joined(separator: ",") {
          observation.problems.append("decoded \(names) \(scalars), expected \(expected)")
        }
        return observation
      } catch {
        return try Observation(thrown: error)
      }
    }
  }

  // MARK: mmap

  /// mmap(2) of the device: each case on a connection of its own, so the
  /// memory it maps is new and zeroed.  A mapping made is checked (zeroed,
  /// writable or not as asked) and unmapped.
  var mmapCases: [ConformanceCase] {
    let page = ReferenceMemory.pageSize
    let size = ReferenceMemory.bufferSize
    let readWrite = PROT_READ | PROT_WRITE
    let buffer = ucb_memory_offset(ReferenceMemory.buffer)
    let status = ucb_memory_offset(ReferenceMemory.status)
    func mmap(
      _ name: String, _ summary: String, expect expected: Outcome,
      length: Int, protection: CInt, flags: CInt = MAP_SHARED, offset: UInt64
    ) -> ConformanceCase {
      sequence("mmap/\(name)", summary, expect: expected) { context throws(ConformanceError) in
        let connection = try context.connect()
        defer { try? connection.close() }
        let address: UnsafeMutableRawPointer
        do throws(UCBridgeError) {
          address = try connection.rawMmap(
            length: length, protection: protection, flags: flags, offset: offset)
        } catch {
          return try Observation(thrown: error)
        }
        defer { munmap(address, length) }
        let bytes = UnsafeRawBufferPointer(start: address, count: length)
        var observation = Observation(outcome: .succeeded, scalars: [UInt64(length)])
        if bytes.contains(where: { $0 != 0 }) {
          observation.problems.append("the new mapping is not zeroed")
        }
        return observation
      }
    }
    var cases = [
      mmap("buffer/whole", "the buffer, read-write, all \(size) bytes: mapped, zeroed",
           expect: .succeeded, length: size, protection: readWrite, offset: buffer),
      mmap("buffer/length=page", "the buffer's first page", expect: .succeeded,
           length: page, protection: readWrite, offset: buffer),
      mmap("buffer/length=100", "100 bytes: the kernel maps the whole page", expect: .succeeded,
           length: 100, protection: readWrite, offset: buffer),
      mmap("buffer/read_only", "the read-write buffer mapped PROT_READ", expect: .succeeded,
           length: size, protection: PROT_READ, offset: buffer),
      mmap("buffer/length=size+page", "one page longer than the type -> EINVAL", expect: .invalid,
           length: size + page, protection: readWrite, offset: buffer),
      mmap("buffer/length=0", "length 0 -> EINVAL", expect: .invalid,
           length: 0, protection: readWrite, offset: buffer),
      mmap("buffer/offset=page", "an offset inside the type -> EINVAL", expect: .invalid,
           length: page, protection: readWrite, offset: buffer + UInt64(page)),
      mmap("buffer/private", "MAP_PRIVATE -> EINVAL", expect: .invalid,
           length: page, protection: readWrite, flags: MAP_PRIVATE, offset: buffer),
      mmap("type=2", "the offset of a type the driver does not have -> EINVAL", expect: .invalid,
           length: page, protection: PROT_READ, offset: ucb_memory_offset(ReferenceMemory.typeCount)),
      mmap("type=16", "the offset of type UCB_MEMORY_TYPE_MAX -> EINVAL", expect: .invalid,
           length: page, protection: PROT_READ, offset: ucb_memory_offset(UInt32(UCB_MEMORY_TYPE_MAX))),
      mmap("status/read_only", "the status page, PROT_READ: mapped", expect: .succeeded,
           length: page, protection: PROT_READ, offset: status),
      mmap("status/writable", "the read-only status page with PROT_WRITE -> EACCES",
           expect: .failed(.permissionDenied), length: page, protection: readWrite, offset: status),
      mmap("status/length=2*page", "two pages of a one-page type -> EINVAL", expect: .invalid,
           length: 2 * page, protection: PROT_READ, offset: status),
    ]
    cases.append(statusCannotBecomeWritable())
    cases.append(mappingOutlivesClose())
    return cases
  }

  /// mprotect(2) cannot make a read-only type's mapping writable.
  private func statusCannotBecomeWritable() -> ConformanceCase {
    sequence(
      "mmap/status/mprotect_writable",
      "mprotect(PROT_READ | PROT_WRITE) of the status page's mapping -> EACCES",
      expect: .failed(.permissionDenied)
    ) { context throws(ConformanceError) in
      let connection = try context.connect()
      defer { try? connection.close() }
      let page = ReferenceMemory.pageSize
      do throws(UCBridgeError) {
        let address = try connection.rawMmap(
          length: page, protection: PROT_READ, flags: MAP_SHARED,
          offset: ucb_memory_offset(ReferenceMemory.status))
        defer { munmap(address, page) }
        if mprotect(address, page, PROT_READ | PROT_WRITE) == 0 {
          return Observation(outcome: .succeeded, problems: ["mprotect made the status page writable"])
        }
        return Observation(outcome: .failed(Errno(rawValue: errno)))
      } catch {
        return try Observation(thrown: error)
      }
    }
  }

  /// A mapping keeps the memory after close(2), and sharedChecksum saw
  /// what was written before.
  private func mappingOutlivesClose() -> ConformanceCase {
    sequence(
      "mmap/outlives_close",
      "bytes written before and after close() of the connection stay readable through the mapping",
      expect: .succeeded
    ) { context throws(ConformanceError) in
      let connection = try context.connect()
      do throws(UCBridgeError) {
        var buffer = try connection.map(type: ReferenceMemory.buffer, readOnly: false, length: 4096)
        buffer.withUnsafeMutableBytes { _ = $0.initializeMemory(as: UInt8.self, repeating: 0x5a) }
        try connection.close()
        buffer.withUnsafeMutableBytes { $0[4095] = 0xa5 }
        let intact = buffer.withUnsafeBytes { bytes in
          bytes.prefix(4095).allSatisfy { $0 == 0x5a } && bytes[4095] == 0xa5
        }
        return Observation(
          outcome: .succeeded, scalars: [intact ? 1 : 0],
          problems: intact ? [] : ["the mapping changed after close()"])
      } catch {
        try? connection.close()
        return try Observation(thrown: error)
      }
    }
  }
}

/// A thread that rewrites bytes until stopped (no Foundation here: the
/// runner goes into the test VM statically linked).
private final class Rewriter: @unchecked Sendable {
  // @unchecked: the thread only writes the mapping it is given and reads
  // the atomic flag.
  private let address: UnsafeMutableRawPointer
  private let count: Int
  private let stopping = Atomic<Bool>(false)
  private var thread = pthread_t()

  init(address: UnsafeMutableRawPointer, count: Int) {
    self.address = address
    self.count = count
  }

  /// Starts the thread.
  func start() -> Bool {
    let context = Unmanaged.passRetained(self).toOpaque()
    let started = pthread_create(&thread, nil, { context in
      let rewriter = Unmanaged<Rewriter>.fromOpaque(context!).takeRetainedValue()
      rewriter.run()
      return nil
    }, context) == 0
    if !started { Unmanaged<Rewriter>.fromOpaque(context).release() }
    return started
  }

  /// Stops the thread and waits for it: the mapping may go afterwards.
  func stop() {
    stopping.store(true, ordering: .relaxed)
    pthread_join(thread, nil)
  }

  private func run() {
    var value: UInt8 = 0
    while !stopping.load(ordering: .relaxed) {
      value &+= 1
      for offset in stride(from: 0, to: count, by: 64) {
        address.storeBytes(of: value, toByteOffset: offset, as: UInt8.self)
      }
    }
  }
}
