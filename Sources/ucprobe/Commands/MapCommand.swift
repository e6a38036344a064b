import ArgumentParser
import UCBridge

extension UCProbe {
  /// `ucprobe map`: a hexdump of a memory type the driver shares.
  struct Map: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Map a memory type of the driver and show its bytes.",
      discussion: """
        Describes the memory type (UCB_IOC_MEMORY_INFO), maps it read-only \
        (mmap of the device at UCB_MEMORY_OFFSET(type)) and prints its \
        bytes as hexdump -C does, from --offset for --length bytes (default: \
        to the end); runs of equal lines collapse to one *. The memory is \
        this connection's: a per-client type is new and zeroed, while a \
        shared type shows what the driver and its clients left there.

        Without TYPE, lists the driver's memory types.

        JSON OUTPUT
        An object: device, type, name, read_only, shared, length (the \
        type's), offset and count (the bytes shown), hex (their lowercase \
        hex digits).

        EXAMPLES
          ucprobe map
          ucprobe map status --mock
          ucprobe map 0 --length 256 --offset 4096 --json
        """)

    @Argument(help: ArgumentHelp(
      "The memory type: its number or its name, such as status.", valueName: "type"))
    var type: String?

    @Option(
      help: ArgumentHelp("Bytes to show (default: to the end of the type).", valueName: "bytes"),
      transform: ByteCount.parse)
    var length: ByteCount?

    @Option(
      help: ArgumentHelp("Where to start, from the type's first byte (default: 0).", valueName: "bytes"),
      transform: ByteCount.parse)
    var offset: ByteCount?

    @OptionGroup(title: "Device")
    var device: DeviceOptions

    @OptionGroup
    var output: OutputOptions

    func run() throws {
      let target = try device.open()
      let types: [MemoryInfo]
      do {
        types = try target.connection.memoryTypes()
      } catch {
        throw ProbeFailure.failed("cannot list the memory types of \(target.name): \(error.explanation)")
      }
      guard let type else {
        let report = MemoryTypesReport(device: target.name, types: types)
        if output.json {
          try JSONOutput.print(report)
        } else {
          report.textLines.forEach { print($0) }
        }
        return
      }
      guard let info = types.first(where: { $0.name == type || NumberSyntax.unsigned(type) == UInt64($0.type) })
      else {
        let known = types.map { "\($0.type) (\($0.name))" }.joined(separator: ", ")
        throw ProbeFailure.usage(
          "\(target.name) has no memory type \(type)",
          types.isEmpty ? "hint: the driver shares no memory" : "hint: its memory types are \(known)")
      }
      let start = offset?.value ?? 0
      guard start <= info.length else {
        throw ProbeFailure.usage("--offset \(start) is past the \(info.length) bytes of \(info.name)")
      }
      let count = min(length?.value ?? info.length - start, info.length - start)
      let bytes: [UInt8]
      do {
        let memory = try target.connection.map(type: info.type, readOnly: true, length: info.length)
        bytes = memory.withUnsafeBytes { Array($0[start..<start + count]) }
      } catch {
        throw ProbeFailure.failed("cannot map memory type \(info.type) (\(info.name)) of \(target.name): \(error.explanation)")
      }
      if output.json {
        try JSONOutput.print(MemoryDumpReport(
          device: target.name, type: info.type, name: info.name, readOnly: info.isReadOnly,
          shared: info.isShared, length: info.length, offset: start, count: count,
          hex: HexDump.digits(of: bytes)))
      } else {
        print("memory type \(info.type) (\(info.name)) of \(target.name): \(info.length) bytes, "
          + "\(info.isReadOnly ? "read-only" : "read-write"), \(info.isShared ? "shared" : "per client")"
          + (start == 0 && count == info.length ? "" : "; bytes \(start) to \(start + count)"))
        HexDump.lines(of: bytes, startingAt: start).forEach { print($0) }
      }
    }
  }
}

/// The memory types of a driver, as `ucprobe map` without a type lists them.
struct MemoryTypesReport: Encodable {
  struct Entry: Encodable {
    var type: UInt32
    var name: String
    var readOnly: Bool
    var shared: Bool
    var length: Int
    var offset: UInt64

    enum CodingKeys: String, CodingKey {
      case type, name, readOnly = "read_only", shared, length, offset
    }
  }

  var device: String
  var types: [Entry]

  init(device: String, types: [MemoryInfo]) {
    self.device = device
    self.types = types.map {
      Entry(type: $0.type, name: $0.name, readOnly: $0.isReadOnly, shared: $0.isShared,
            length: $0.length, offset: $0.offset)
    }
  }

  var textLines: [String] {
    guard !types.isEmpty else { return ["\(device) shares no memory"] }
    var table = [["TYPE", "NAME", "ACCESS", "SCOPE", "LENGTH", "MMAP OFFSET"]]
    table += types.map {
      ["\($0.type)", $0.name, $0.readOnly ? "read-only" : "read-write",
       $0.shared ? "shared" : "per-client", "\($0.length)", "0x" + String($0.offset, radix: 16)]
    }
    let widths = (0..<table[0].count).map { column in table.map { $0[column].count }.max()! }
    return table.map { row in
      row.indices.map { column in
        column == row.count - 1 ? row[column] : row[column].padding(to: widths[column])
      }.joined(separator: "  ")
    }
  }
}

/// The bytes `ucprobe map TYPE --json` shows.
struct MemoryDumpReport: Encodable {
  var device: String
  var type: UInt32
  var name: String
  var readOnly: Bool
  var shared: Bool
  var length: Int
  var offset: Int
  var count: Int
  var hex: String

  enum CodingKeys: String, CodingKey {
    case device, type, name, readOnly = "read_only", shared, length, offset, count, hex
  }
}

extension String {
  fileprivate func padding(to width: Int) -> String {
    count >= width ? self : self + String(repeating: " ", count: width - count)
  }
}
