#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BenchModel
import CBench
import UCBridge
import UCBridgeIOKit

/// Heap allocations per call of each API layer, on one connection (a
/// device's or the mock's) and the same connection's IOKit handle.
///
/// Struct inputs stay at 64 bytes: larger ones make the mock's dispatch
/// core allocate its "kernel" buffer with malloc, which is the driver's
/// allocation, not the API's.
func allocationCounts(
  connection: Connection, handle: io_connect_t, calls: Int, prefix: String
) throws -> [AllocationCount] {
  let input = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 16)
  let output = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 16)
  let scalarsIn = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: 2)
  let scalarsOut = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: 16)
  defer {
    input.deallocate()
    output.deallocate()
    scalarsIn.deallocate()
    scalarsOut.deallocate()
  }
  input.initializeMemory(as: UInt8.self, repeating: 7)
  scalarsIn.initialize(repeating: 21)
  let bytes = [UInt8](repeating: 7, count: 64)
  let none = UnsafeBufferPointer<UInt64>(start: nil, count: 0)
  let noBytes = UnsafeRawBufferPointer(start: nil, count: 0)
  let noneOut = UnsafeMutableBufferPointer<UInt64>(start: nil, count: 0)
  let noBytesOut = UnsafeMutableRawBufferPointer(start: nil, count: 0)
  let add = Method<(UInt64, UInt64), UInt64>.add.selector
  let echo = Method<any ContiguousBytes, [UInt8]>.echo.selector

  func iokit(_ kr: kern_return_t, _ what: String) throws {
    guard kr == kIOReturnSuccess else { throw BenchFailure("\(what): \(kr)") }
  }

  var counts: [AllocationCount] = []
  func count(_ id: String, _ label: String, _ body: () throws -> Void) throws {
    counts.append(try countAllocations(
      id: "\(prefix)/\(id)", label: label, calls: calls, body))
  }
  try count("raw-noop", "raw callMethod with buffers: noop") {
    _ = try connection.callMethod(
      selectorNoop, scalarInput: none, structInput: noBytes,
      scalarOutput: noneOut, structOutput: noBytesOut)
  }
  try count("raw-add", "raw callMethod with buffers: add (2 scalars in, 1 out)") {
    _ = try connection.callMethod(
      add, scalarInput: UnsafeBufferPointer(scalarsIn), structInput: noBytes,
      scalarOutput: UnsafeMutableBufferPointer(rebasing: scalarsOut[0..<1]),
      structOutput: noBytesOut)
  }
  try count("raw-checksum-64", "raw callMethod with buffers: checksum of 64 bytes") {
    _ = try connection.callMethod(
      selectorChecksum, scalarInput: none, structInput: UnsafeRawBufferPointer(input),
      scalarOutput: UnsafeMutableBufferPointer(rebasing: scalarsOut[0..<2]),
      structOutput: noBytesOut)
  }
  try count("raw-echo-64", "raw callMethod with buffers: echo of 64 bytes") {
    _ = try connection.callMethod(
      echo, scalarInput: none, structInput: UnsafeRawBufferPointer(input),
      scalarOutput: noneOut, structOutput: output)
  }
  try count("iokit-scalar-noop", "IOConnectCallScalarMethod: noop") {
    var outCount: UInt32 = 0
    try iokit(IOConnectCallScalarMethod(handle, selectorNoop, nil, 0, nil, &outCount),
              "IOConnectCallScalarMethod")
  }
  try count("iokit-method-checksum-64", "IOConnectCallMethod: checksum of 64 bytes") {
    var outCount: UInt32 = 2
    var structCount = 0
    try iokit(IOConnectCallMethod(
      handle, selectorChecksum, nil, 0, input.baseAddress, 64,
      scalarsOut.baseAddress, &outCount, nil, &structCount), "IOConnectCallMethod")
  }
  try count("typed-noop", "typed connection.call(.noop)") {
    try connection.call(.noop)
  }
  try count("typed-add", "typed connection.call(.add, 40, 2)") {
    _ = try connection.call(.add, 40, 2)
  }
  try count("typed-checksum-64", "typed connection.call(.checksum, bytes): 64 bytes") {
    _ = try connection.call(.checksum, bytes)
  }
  try count("array-add", "control: callMethod returning arrays: add") {
    _ = try connection.callMethod(add, scalarInput: [40, 2], scalarOutputRoom: 1)
  }
  // Batches of 64 noops: counted per batch, reported per call.
  func countBatch(_ id: String, _ label: String, _ body: () throws -> Void) throws {
    let batches = max(1, calls / 64)
    var c = try countAllocations(id: "\(prefix)/\(id)", label: label, calls: batches, body)
    c.calls = batches * 64
    counts.append(c)
  }
  try countBatch("batch-64-noop", "Swift connection.batch { 64 × call(.noop) }, per call") {
    _ = try connection.batch { batch in
      for _ in 0..<64 { _ = batch.call(.noop) }
    }
  }
  var prebuilt = Batch()
  for _ in 0..<64 { _ = prebuilt.call(.noop) }
  let sent = prebuilt
  try countBatch("callbatch-64-noop", "Swift callBatch(_:) of a Batch of 64 noops built once, per call") {
    _ = try connection.callBatch(sent)
  }
  return counts
}
