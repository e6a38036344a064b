import CUCBridge
import Foundation
import SystemPackage
import Testing
import UCBridge

typealias Sel = ReferenceSelector

extension DeviceTests {
  /// Every reference method through the typed layer and both raw calls.
  @Suite struct ReferenceMethods {
    let device: DeviceUnderTest
    var connection: Connection { device.connection }

    init() throws { device = try DeviceUnderTest.open() }

    @Test func noop() throws {
      try connection.call(.noop)
      let output = try connection.callMethod(Sel.noop)
      #expect(output == MethodOutput())
      let counts = try connection.callMethod(
        Sel.noop, scalarInput: UnsafeBufferPointer(start: nil, count: 0),
        structInput: UnsafeRawBufferPointer(start: nil, count: 0),
        scalarOutput: UnsafeMutableBufferPointer(start: nil, count: 0),
        structOutput: UnsafeMutableRawBufferPointer(start: nil, count: 0))
      #expect(counts == OutputCounts(scalarCount: 0, structSize: 0))
    }

    @Test func add() throws {
      #expect(try connection.call(.add, 40, 2) == 42)
      #expect(try connection.call(.add, UInt64.max, 3) == 2, "wraps")
      let output = try connection.callMethod(
        Sel.add, scalarInput: [40, 2], scalarOutputRoom: 1)
      #expect(output.scalars == [42])

      let input: [UInt64] = [7, 8]
      var scalars: [UInt64] = [0, 0xdead]
      let counts = try input.withUnsafeBufferPointer { input in
        try scalars.withUnsafeMutableBufferPointer { out in
          try connection.callMethod(
            Sel.add, scalarInput: input, structInput: UnsafeRawBufferPointer(start: nil, count: 0),
            scalarOutput: UnsafeMutableBufferPointer(rebasing: out[..<1]),
            structOutput: UnsafeMutableRawBufferPointer(start: nil, count: 0))
        }
      }
      #expect(counts.scalarCount == 1 && scalars == [15, 0xdead])
    }

    @Test func echo() throws {
      let bytes = pattern(5000)
      #expect(try connection.call(.echo, bytes) == bytes)
      #expect(try connection.call(.echo, Data(bytes)) == bytes)
      #expect(try connection.call(.echo, [UInt8]()) == [])
      let output = try connection.callMethod(
        Sel.echo, structInput: bytes, structOutputRoom: 6000)
      #expect(output.structBytes == bytes && output.scalars.isEmpty)
    }

    @Test func echoRoomShortIsOverrunAndWritesNothing() throws {
      let bytes = pattern(5000)
      var room = [UInt8](repeating: 0x5a, count: 5000)
      #expect(throws: UCBridgeError.ioReturn(.overrun)) {
        try room.withUnsafeMutableBytes { room in
          try connection.callMethodWritingStruct(
            Sel.echo, structInput: bytes,
            into: UnsafeMutableRawBufferPointer(rebasing: room[..<4999]))
        }
      }
      #expect(room.allSatisfy { $0 == 0x5a })
    }

    @Test func checksum() throws {
      let check = try connection.call(.checksum, Array("123456789".utf8))
      #expect(check == Checksum(crc32c: 0xe306_9283, length: 9))
      let output = try connection.callMethod(
        Sel.checksum, structInput: Array("123456789".utf8), scalarOutputRoom: 2)
      #expect(output.scalars == [0xe306_9283, 9])
    }

    @Test(arguments: boundarySizes)
    func checksumMatchesReference(size: Int) throws {
      let bytes = pattern(size, seed: 99)
      let check = try connection.call(.checksum, bytes)
      #expect(check == Checksum(crc32c: referenceCRC32C(bytes), length: size))
    }

    @Test func pathInfoOfAFile() throws {
      let file = try TemporaryFile(contents: "0123456789abcdef")
      let expected = try file.stat()
      let info = try connection.call(.pathInfo, file.path)
      #expect(info.found)
      #expect(info.inode == expected.inode)
      #expect(info.mode == expected.mode && info.mode.type == .regular)
      #expect(info.size == 16)

      let output = try connection.callMethod(
        Sel.pathInfo, structInput: Array(file.path.string.utf8), scalarOutputRoom: 4)
      #expect(output.scalars == [1, UInt64(expected.inode.rawValue), UInt64(expected.mode.rawValue), 16])
      let withNUL = try connection.callMethod(
        Sel.pathInfo, structInput: Array(file.path.string.utf8) + [0],
        scalarOutputRoom: 4)
      #expect(withNUL.scalars[0] == 1, "a terminating NUL is accepted")
    }

    @Test func pathInfoOfADirectory() throws {
      let info = try connection.call(.pathInfo, "/")
      #expect(info.found && info.mode.type == .directory)
    }

    @Test func pathInfoOfNothing() throws {
      let info = try connection.call(.pathInfo, "/nonexistent/ucbridge-test")
      #expect(info == PathInfo(found: false, inode: Inode(rawValue: 0),
                               mode: FileMode(rawValue: 0), size: 0))
      #expect(try connection.call(.pathInfo, "/etc/passwd/x").found == false,
              "through a non-directory")
    }

    @Test(arguments: [
      ("", "empty"), ("\0", "only a NUL"), ("/tmp\0/x", "an embedded NUL"),
      ("/" + String(repeating: "a", count: 299), "a 299-byte name"),
    ])
    func pathInfoRefusesMalformedPaths(path: String, what: String) throws {
      #expect(throws: UCBridgeError.ioReturn(.badArgument), "\(what)") {
        try connection.callMethod(
          Sel.pathInfo, structInput: Array(path.utf8), scalarOutputRoom: 4)
      }
    }

    @Test func pathInfoLengthLimits() throws {
      let pathMax = Int(UCB_PATH_INFO_MAX)
      let slashes = [UInt8](repeating: UInt8(ascii: "/"), count: pathMax - 1)
      let atLimit = try connection.callMethod(
        Sel.pathInfo, structInput: slashes, scalarOutputRoom: 4)
      #expect(atLimit.scalars[0] == 1, "PATH_MAX - 1 slashes name /")
      let atMax = try connection.callMethod(
        Sel.pathInfo, structInput: slashes + [0], scalarOutputRoom: 4)
      #expect(atMax.scalars[0] == 1, "PATH_MAX - 1 bytes and a NUL")
      #expect(throws: UCBridgeError.ioReturn(.badArgument)) {
        try connection.callMethod(
          Sel.pathInfo, structInput: slashes + [UInt8(ascii: "/")], scalarOutputRoom: 4)
      }
      // Over the method's own maximum: the typed layer refuses in Swift,
      // the raw call in the driver.
      // (FilePath collapses repeated slashes, so components make it long.)
      let over = FilePath("/" + Array(repeating: "x", count: 2049).joined(separator: "/"))
      let error = #expect(throws: UCBridgeError.self) {
        try connection.call(.pathInfo, over)
      }
      #expect(error?.badArgumentMessage?.contains("pathInfo: struct input of 4098 bytes, the method takes 0 to \(pathMax)") == true)
      #expect(throws: UCBridgeError.ioReturn(.badArgument)) {
        try connection.callMethod(
          Sel.pathInfo, structInput: slashes + [UInt8](repeating: 0x2f, count: 2),
          scalarOutputRoom: 4)
      }
    }

    @Test func fixedTransform() throws {
      let input = ucb_transform(a: 1, b: 2, c: .max, d: 5)
      let output = try connection.call(.fixedTransform, input)
      #expect(output.a == 2 && output.b == 1 && output.c == 4 && output.d == UInt64.max ^ 5)

      let raw = try withUnsafeBytes(of: input) { bytes in
        try connection.callMethod(
          Sel.fixedTransform, structInput: bytes, structOutputRoom: 24)
      }
      #expect(raw.structBytes(as: ucb_transform.self).c == 4 && raw.structBytes.count == 24)
    }

    @Test func consistency() throws {
      let bytes = pattern(10000)
      #expect(try connection.call(.consistency, bytes))
      #expect(try connection.call(.consistency(delayMicroseconds: 0), bytes))
      #expect(throws: UCBridgeError.ioReturn(.badArgument), "delay over the maximum") {
        try connection.call(
          .consistency(delayMicroseconds: UInt64(UCB_CONSISTENCY_MAX_DELAY_US) + 1), bytes)
      }
      #expect(throws: UCBridgeError.ioReturn(.badArgument), "two scalars") {
        try connection.callMethod(
          Sel.consistency, scalarInput: [0, 0], structInput: bytes, scalarOutputRoom: 1)
      }
    }

    @Test func resetStats() throws {
      try connection.call(.noop)
      try connection.call(.resetStats)
      #expect(try connection.methodInfo(selector: Sel.noop).calls == 0)
      #expect(try connection.methodInfo(selector: Sel.resetStats).calls == 1,
              "resetStats counts itself after the reset")
    }

    @Test(arguments: [0, 1, 4097, 65536])
    func generate(count: Int) throws {
      let bytes = try connection.call(.generate, count)
      #expect(bytes == (0..<count).map { UInt8($0 % 251) })
      if count > 0 {
        #expect(throws: UCBridgeError.ioReturn(.overrun)) {
          try connection.callMethod(
            Sel.generate, scalarInput: [UInt64(count)], structOutputRoom: count - 1)
        }
      }
    }

    @Test func generateOverTheLimit() throws {
      let count = Int(UCB_STRUCT_SIZE_LIMIT) + 1
      #expect(throws: UCBridgeError.ioReturn(.badArgument)) {
        try connection.callMethod(
          Sel.generate, scalarInput: [UInt64(count)], structOutputRoom: 16)
      }
      #expect(throws: UCBridgeError.badArgument("generate: a byte count of -1")) {
        try connection.call(.generate, -1)
      }
    }

    @Test(arguments: boundarySizes)
    func sink(size: Int) throws {
      try connection.call(.sink, pattern(size))
    }

    @Test func unknownSelectorIsUnsupportedAndWritesNothing() throws {
      for selector in [UInt32(UCB_REFERENCE_METHOD_COUNT.rawValue), 0x100, 0x7fff_ffff, .max] {
        var scalars: [UInt64] = [0x1111]
        #expect(throws: UCBridgeError.ioReturn(.unsupported)) {
          try scalars.withUnsafeMutableBufferPointer { out in
            try connection.callMethod(
              selector, scalarInput: UnsafeBufferPointer(start: nil, count: 0),
              structInput: UnsafeRawBufferPointer(start: nil, count: 0),
              scalarOutput: out,
              structOutput: UnsafeMutableRawBufferPointer(start: nil, count: 0))
          }
        }
        #expect(scalars == [0x1111])
      }
    }

    @Test func moreThanSixteenScalarsIsEINVAL() throws {
      #expect(throws: UCBridgeError.errno(.invalidArgument)) {
        try connection.callMethod(Sel.noop, scalarInput: [UInt64](repeating: 0, count: 17))
      }
      // The array-returning call makes the room for output scalars itself,
      // so it refuses more than the ABI allows before any ioctl.
      #expect(throws: UCBridgeError.badArgument(
        "room for 17 output scalars: the ABI allows 0 to 16")) {
        try connection.callMethod(Sel.noop, scalarOutputRoom: 17)
      }
    }
  }
}

/// A file in /tmp that is removed when the value goes away.
final class TemporaryFile {
  let path: FilePath

  init(contents: String) throws {
    path = FilePath("/tmp/ucbridge-test-\(UInt64.random(in: 0...UInt64.max))")
    let fd = try FileDescriptor.open(
      path, .writeOnly, options: [.create, .exclusiveCreate], permissions: .ownerReadWrite)
    try fd.closeAfter { _ = try fd.writeAll(contents.utf8) }
  }

  func stat() throws -> Stat { try Stat(path) }

  deinit { unlink(path.string) }
}
