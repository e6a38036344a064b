#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BenchModel
import CBench
import SystemPackage
import UCBridge
import UCBridgeIOKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// The selectors are the ABI's (enum ucb_reference_selector), fixed forever.
// Literals, so that reading them in a timed loop costs no lazy-global check
// (swift_once); checkSelectors() compares them with the typed API's.
let selectorNoop: UInt32 = 0
let selectorChecksum: UInt32 = 3
let selectorSink: UInt32 = 9

func checkSelectors() throws {
  guard selectorNoop == Method<Void, Void>.noop.selector,
    selectorChecksum == Method<any ContiguousBytes, Checksum>.checksum.selector,
    selectorSink == Method<any ContiguousBytes, Void>.sink.selector
  else { throw BenchFailure("the benchmark's selectors are not the ABI's") }
}

let kiB = 1024
let miB = 1024 * 1024

/// Memory every copy benchmark reads from and writes to: allocated once,
/// page aligned, every page touched before any timing.
final class Buffers {
  let size: Int
  let source: UnsafeMutableRawPointer
  let destination: UnsafeMutableRawPointer

  init(size: Int) {
    self.size = size
    source = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 4096)
    destination = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 4096)
    // Pseudo-random bytes, so the CRC is of something.
    var x: UInt64 = 0x9e37_79b9_7f4a_7c15
    let words = source.bindMemory(to: UInt64.self, capacity: size / 8)
    for i in 0..<(size / 8) {
      x ^= x << 13
      x ^= x >> 7
      x ^= x << 17
      words[i] = x
    }
    memset(destination, 0xa5, size)
  }
}

/// What wall time shows, in the -smp 2 VM: /dev/ucbridge/reference from C and
/// from every Swift layer.
struct DeviceBench {
  var smoke: Bool
  var results: BenchResults
  /// A second device node whose module has a proposed change applied.

  init(smoke: Bool) {
    self.smoke = smoke
    results = BenchResults(kind: "device", smoke: smoke)
  }

  func openDevice(_ path: String = "/dev/ucbridge/reference") throws -> Int32 {
    let fd = open(path, O_RDWR | O_CLOEXEC)
    guard fd >= 0 else { throw BenchFailure("open \(path): \(errnoName(errno))") }
    return fd
  }

  mutating func run() throws {
    let start = ucbb_now_ns()
    results.environment = machineEnvironment()
    results.environment["max_struct_size"] = trimmed(
      readTextFile("/sys/class/ucbridge/reference/max_struct_size"))
    let buffers = Buffers(size: 64 * miB)
    // The call overhead is counted in instructions, in boots of its own
    // (`ucbridge-bench icount`, InstructionBench).
    try allocations(buffers)
    try structThroughput(buffers)
    try cliffs(buffers)
    try checksum(buffers)
    try scaling(buffers)
    results.seconds = Double(ucbb_now_ns() - start) / 1e9
  }

  // MARK: 1. Call overhead: in instructions, InstructionBench (icount)

  // MARK: 4. Allocations on the device path

  mutating func allocations(_ buffers: Buffers) throws {
    let connection = try Connection.open()
    var handle: io_connect_t = IO_OBJECT_NULL
    guard IOServiceOpen("/dev/ucbridge/reference", mach_task_self_, 0, &handle) == kIOReturnSuccess else {
      throw BenchFailure("IOServiceOpen failed")
    }
    defer {
      try? connection.close()
      _ = IOServiceClose(handle)
    }
    results.allocations += try allocationCounts(
      connection: connection, handle: handle,
      calls: smoke ? 50 : 1000, prefix: "device")
  }

  // MARK: 2. Struct input throughput

  mutating func structThroughput(_ buffers: Buffers) throws {
    let fd = try openDevice()
    defer { close(fd) }
    let memfd = ucbb_memfd(buffers.size)
    guard memfd >= 0 else { throw BenchFailure("memfd: \(errnoName(-memfd))") }
    defer { close(memfd) }
    let sizes = smoke
      ? [0, 4096, 64 * kiB, 1 * miB]
      : [0, 64, 256, 257, 1 * kiB, 4095, 4096, 4097, 8191, 8192, 8193,
         16 * kiB, 32 * kiB, 64 * kiB, 128 * kiB, 256 * kiB, 512 * kiB,
         1 * miB, 2 * miB, 4 * miB, 8 * miB, 16 * miB, 32 * miB, 64 * miB]
    let budget = Budget.sizeSweep(smoke: smoke)
    let source = UnsafeRawPointer(buffers.source)
    let destination = buffers.destination
    for size in sizes {
      let variants = [
        Variant(id: "sink", label: "sink through the bridge (C)") {
          try checked("sink \(size)", ucbb_call_struct(
            fd, selectorSink, source, UInt32(size), 0, UInt64($0), nil))
        },
        Variant(id: "memcpy", label: "memcpy (glibc) in the guest") {
          try checked("memcpy", ucbb_memcpy(destination, source, size, UInt64($0)))
        },
        Variant(id: "rep-movsb", label: "rep movsb in the guest (the kernel's copy instruction)") {
          try checked("rep movsb", ucbb_rep_movsb(destination, source, size, UInt64($0)))
        },
        Variant(id: "pwrite", label: "pwrite to a memfd (one copy_from_user into existing pages)") {
          try checked("pwrite", ucbb_pwrite(memfd, source, size, UInt64($0)))
        },
      ]
      results.comparisons.append(try interleave(
        id: "throughput/\(size)", title: "struct input of \(size) bytes",
        bytes: size, budget: budget, variants: variants))
    }
  }

  /// Sink around the sizes where the kernel's buffers change: the stack
  /// buffer's end (256 bytes), a page and two pages.  All sizes of one
  /// sweep run interleaved, so their ratios share every round.
  mutating func cliffs(_ buffers: Buffers) throws {
    let fd = try openDevice()
    defer { close(fd) }
    let budget = smoke
      ? Budget(rounds: 2, batchNanoseconds: 500_000)
      : Budget(rounds: 21, batchNanoseconds: 4_000_000)
    let source = UnsafeRawPointer(buffers.source)
    for center in [256, 4096, 8192] {
      let (ordered, variants) = sinkSweep(fd: fd, source: source, center: center, smoke: smoke)
      results.comparisons.append(try interleave(
        id: "cliff/\(center)", title: "sink around \(center) bytes",
        bytes: center, budget: budget,
        calibrateOn: ordered.firstIndex(of: center)!, variants: variants))
    }
  }

  // MARK: 5. Method cost: checksum against the kernel's crc32c

  mutating func checksum(_ buffers: Buffers) throws {
    let fd = try openDevice()
    defer { close(fd) }
    let opfd = ucbb_afalg_crc32c()
    guard opfd >= 0 else {
      throw BenchFailure("AF_ALG crc32c: \(errnoName(-opfd)) (is algif_hash loaded?)")
    }
    defer { close(opfd) }
    let sizes = smoke
      ? [4 * kiB, 64 * kiB]
      : [4 * kiB, 16 * kiB, 64 * kiB, 256 * kiB, 1 * miB, 4 * miB, 16 * miB, 64 * miB]
    let budget = smoke
      ? Budget(rounds: 2, batchNanoseconds: 500_000)
      : Budget(rounds: 9, batchNanoseconds: 20_000_000)
    let source = UnsafeRawPointer(buffers.source)
    var scalars = [UInt64](repeating: 0, count: 2)
    // The same bytes in the connection's shared buffer (scripts/guest/bench.sh
    // loads the reference driver with a 64 MiB one), mapped once.
    guard let mapped = ucbb_map_buffer(fd, buffers.size) else {
      throw BenchFailure("mmap of the shared buffer: \(errnoName(errno))")
    }
    defer { munmap(mapped, buffers.size) }
    memcpy(mapped, source, buffers.size)
    var shared = [UInt64](repeating: 0, count: 3)
    var stable = [UInt64](repeating: 0, count: 1)
    var afalgCRC: UInt32 = 0
    var agree = true
    for size in sizes {
      let variants = [
        Variant(id: "bridge", label: "checksum through the bridge (C)") { n in
          try scalars.withUnsafeMutableBufferPointer { out in
            try checked("checksum \(size)", ucbb_call_struct(
              fd, selectorChecksum, source, UInt32(size), 2, UInt64(n), out.baseAddress))
          }
        },
        Variant(id: "afalg", label: "the kernel's crc32c through AF_ALG") {
          try checked("AF_ALG \(size)", ucbb_afalg_hash(opfd, source, size, UInt64($0), &afalgCRC))
        },
        Variant(id: "sink", label: "sink (the copy alone)") {
          try checked("sink \(size)", ucbb_call_struct(
            fd, selectorSink, source, UInt32(size), 0, UInt64($0), nil))
        },
        Variant(id: "consistency", label: "consistency of the same bytes as a struct input (C)") { n in
          try stable.withUnsafeMutableBufferPointer { out in
            try checked("consistency \(size)", ucbb_consistency(
              fd, source, UInt32(size), UInt64(n), out.baseAddress))
          }
        },
        Variant(id: "shared", label: "sharedChecksum of the same bytes, mapped (C)") { n in
          try shared.withUnsafeMutableBufferPointer { out in
            try checked("sharedChecksum \(size)", ucbb_shared_checksum(
              fd, UInt64(size), UInt64(n), out.baseAddress))
          }
        },
      ]
      results.comparisons.append(try interleave(
        id: "crc/\(size)", title: "CRC-32C of \(size) bytes", bytes: size,
        budget: budget, variants: variants))
      if UInt64(afalgCRC) != scalars[0] || scalars[1] != UInt64(size)
        || shared[0] != scalars[0] || shared[2] != 1
      {
        agree = false
        progress("CRC mismatch at \(size): bridge \(scalars[0]), AF_ALG \(afalgCRC)")
      }
    }
    results.checks["checksum equals AF_ALG crc32c at every size"] = agree ? "yes" : "NO"
    guard agree else { throw BenchFailure("checksum, sharedChecksum and AF_ALG crc32c disagree") }
  }

  // MARK: 3. Scaling over two CPUs

  mutating func scaling(_ buffers: Buffers) throws {
    let budget = smoke
      ? Budget(rounds: 2, batchNanoseconds: 2_000_000)
      : Budget(rounds: 9, batchNanoseconds: 60_000_000)
    let fds = [try openDevice(), try openDevice()]
    let connections = [try Connection.open(), try Connection.open()]
    var handles: [io_connect_t] = [IO_OBJECT_NULL, IO_OBJECT_NULL]
    for i in 0..<2 {
      guard IOServiceOpen("/dev/ucbridge/reference", mach_task_self_, 0, &handles[i]) == kIOReturnSuccess
      else { throw BenchFailure("IOServiceOpen failed") }
    }
    defer {
      fds.forEach { close($0) }
      connections.forEach { try? $0.close() }
      handles.forEach { _ = IOServiceClose($0) }
    }
    let source = UnsafeRawPointer(buffers.source)

    func cWork(_ fd: Int32, _ selector: UInt32, _ size: Int, _ scalars: UInt32) -> ucbb_work {
      ucbb_work(fd: fd, selector: selector, in: source, size: UInt32(size),
                scalar_out_count: scalars, error: 0)
    }
    struct Workload {
      var id: String
      var title: String
      var fn: WorkFunction
      var contexts: [UnsafeMutableRawPointer?]
      var isC = true
    }
    var owned: [UnsafeMutablePointer<ucbb_work>] = []
    defer { owned.forEach { $0.deallocate() } }
    func cContexts(_ one: ucbb_work, _ two: ucbb_work) -> [UnsafeMutableRawPointer?] {
      [one, two].map { work in
        let p = UnsafeMutablePointer<ucbb_work>.allocate(capacity: 1)
        p.initialize(to: work)
        owned.append(p)
        return UnsafeMutableRawPointer(p)
      }
    }
    // Each thread has a context of its own; "same" shares the connection.
    let swiftWork = [connections[0], connections[0], connections[1]].map {
      SwiftWork(connection: $0)
    }
    let iokitWork = [handles[0], handles[0], handles[1]].map { IOKitWork(handle: $0) }
    func unmanaged(_ a: AnyObject, _ b: AnyObject) -> [UnsafeMutableRawPointer?] {
      [Unmanaged.passUnretained(a).toOpaque(), Unmanaged.passUnretained(b).toOpaque()]
    }

    var workloads = [
      Workload(id: "cpu", title: "arithmetic in user space (the CPUs' own scaling)",
               fn: ucbb_work_cpu, contexts: [nil, nil]),
    ]
    let calls: [(String, String, UInt32, Int, UInt32)] = [
      ("bare", "bare ioctl (ENOTTY)", 0, 0, 0),
      ("noop", "noop from C", selectorNoop, 0, 0),
      ("checksum-64", "checksum of 64 bytes from C (stack buffer)", selectorChecksum, 64, 2),
      ("checksum-4096", "checksum of 4 KiB from C (heap buffer)", selectorChecksum, 4096, 2),
    ]
    for (id, title, selector, size, scalars) in calls {
      let fn: WorkFunction
      if id == "bare" { fn = ucbb_work_bare_ioctl } else { fn = ucbb_work_call }
      workloads.append(Workload(
        id: "\(id)/same", title: "\(title), one fd", fn: fn,
        contexts: cContexts(cWork(fds[0], selector, size, scalars),
                            cWork(fds[0], selector, size, scalars))))
      workloads.append(Workload(
        id: "\(id)/separate", title: "\(title), an fd per thread", fn: fn,
        contexts: cContexts(cWork(fds[0], selector, size, scalars),
                            cWork(fds[1], selector, size, scalars))))
    }
    workloads.append(Workload(
      id: "swift-raw/same", title: "noop, Swift raw callMethod, one Connection",
      fn: swiftWorkNoop, contexts: unmanaged(swiftWork[0], swiftWork[1]), isC: false))
    workloads.append(Workload(
      id: "swift-raw/separate", title: "noop, Swift raw callMethod, a Connection per thread",
      fn: swiftWorkNoop, contexts: unmanaged(swiftWork[0], swiftWork[2]), isC: false))
    workloads.append(Workload(
      id: "iokit/same", title: "noop, IOKit shim, one handle",
      fn: iokitWorkNoop, contexts: unmanaged(iokitWork[0], iokitWork[1]), isC: false))
    workloads.append(Workload(
      id: "iokit/separate", title: "noop, IOKit shim, a handle per thread",
      fn: iokitWorkNoop, contexts: unmanaged(iokitWork[0], iokitWork[2]), isC: false))

    for workload in workloads {
      let variants = [
        Variant(id: "one", label: "1 thread") { n in
          try workload.contexts.withUnsafeBufferPointer { ctx in
            try checked(workload.id, ucbb_parallel(workload.fn, ctx.baseAddress, 1, UInt64(n)))
          }
        },
        Variant(id: "two", label: "2 threads (time per call of both)") { n in
          try workload.contexts.withUnsafeBufferPointer { ctx in
            try checked(workload.id, ucbb_parallel(workload.fn, ctx.baseAddress, 2, UInt64(n))) / 2
          }
        },
      ]
      results.comparisons.append(try interleave(
        id: "scaling/\(workload.id)", title: workload.title, budget: budget,
        variants: variants))
      for context in workload.contexts {
        guard let context else { continue }
        if workload.isC {
          let error = context.assumingMemoryBound(to: ucbb_work.self).pointee.error
          if error != 0 { throw BenchFailure("\(workload.id): \(errnoName(-error))") }
        }
      }
      for work in swiftWork as [WorkContext] + iokitWork {
        if let failure = work.failure { throw BenchFailure("\(workload.id): \(failure)") }
      }
    }
  }
}

/// A Swift caller for the two-thread harness.
class WorkContext: @unchecked Sendable {
  var failure: String?
}

final class SwiftWork: WorkContext, @unchecked Sendable {
  let connection: Connection
  init(connection: Connection) { self.connection = connection }
}

final class IOKitWork: WorkContext, @unchecked Sendable {
  let handle: io_connect_t
  init(handle: io_connect_t) { self.handle = handle }
}

/// What ucbb_parallel() runs on each thread.
typealias WorkFunction = @convention(c) (UnsafeMutableRawPointer?, UInt64) -> Void

func swiftWorkNoop(_ context: UnsafeMutableRawPointer?, _ n: UInt64) {
  let work = Unmanaged<SwiftWork>.fromOpaque(context!).takeUnretainedValue()
  let noScalars = UnsafeBufferPointer<UInt64>(start: nil, count: 0)
  let noBytes = UnsafeRawBufferPointer(start: nil, count: 0)
  let noScalarsOut = UnsafeMutableBufferPointer<UInt64>(start: nil, count: 0)
  let noBytesOut = UnsafeMutableRawBufferPointer(start: nil, count: 0)
  for _ in 0..<n {
    do {
      _ = try work.connection.callMethod(
        selectorNoop, scalarInput: noScalars, structInput: noBytes,
        scalarOutput: noScalarsOut, structOutput: noBytesOut)
    } catch {
      work.failure = "\(error)"
      return
    }
  }
}

func iokitWorkNoop(_ context: UnsafeMutableRawPointer?, _ n: UInt64) {
  let work = Unmanaged<IOKitWork>.fromOpaque(context!).takeUnretainedValue()
  var count: UInt32 = 0
  for _ in 0..<n {
    count = 0
    let kr = IOConnectCallScalarMethod(work.handle, selectorNoop, nil, 0, nil, &count)
    if kr != kIOReturnSuccess {
      work.failure = "IOConnectCallScalarMethod: \(kr)"
      return
    }
  }
}

/// The sizes of a struct-size sweep around `center` (every 8 or 16 bytes
/// for 8 steps each side, and the sizes next to it) and a `sink` of each.
func sinkSweep(
  fd: Int32, source: UnsafeRawPointer, center: Int, smoke: Bool
) -> (sizes: [Int], variants: [Variant]) {
  let step = center == 256 ? 8 : 16
  var sizes = Set(stride(from: center - 8 * step, through: center + 8 * step, by: step))
  sizes.formUnion([center - 1, center, center + 1])
  if smoke { sizes = [center - 1, center, center + 1] }
  let ordered = sizes.sorted()
  let variants = ordered.map { size in
    Variant(id: "\(size)", label: "sink of \(size) bytes") {
      try checked("sink \(size)", ucbb_call_struct(
        fd, selectorSink, source, UInt32(size), 0, UInt64($0), nil))
    }
  }
  return (ordered, variants)
}
