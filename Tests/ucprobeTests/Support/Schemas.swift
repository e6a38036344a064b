// The JSON documents ucprobe prints, as a consumer decodes them: written
// here from the documented keys, not shared with ucprobe's own types, so
// that a renamed key fails these tests.  Decoded with
// `.convertFromSnakeCase`.

struct DriverDocument: Decodable, Equatable {
  var device: String
  var name: String
  var version: String
  var driverVersion: UInt32
  var abiVersion: UInt32
  var methodCount: Int
  var maxScalars: Int
  var maxStructSize: Int
  var structSizeLimit: Int
  var liveBuffers: UInt64

  static let keys: Set<String> = [
    "device", "name", "version", "driver_version", "abi_version", "method_count", "max_scalars",
    "max_struct_size", "struct_size_limit", "live_buffers",
  ]
}

struct ServiceDocument: Decodable, Equatable {
  var name: String
  var device: String
  var version: String
  var driverVersion: UInt32
  var abiVersion: UInt32
  var methodCount: Int
  var maxStructSize: Int

  static let keys: Set<String> = [
    "name", "device", "version", "driver_version", "abi_version", "method_count",
    "max_struct_size",
  ]
}

struct ServicesDocument: Decodable {
  var services: [ServiceDocument]
}

struct CheckDocument: Decodable, Equatable {
  var variable: Bool
  var max: Int
}

struct MethodDocument: Decodable, Equatable {
  var selector: UInt32
  var name: String
  var admin: Bool
  var flags: UInt32
  var scalarInput: CheckDocument
  var structInput: CheckDocument
  var scalarOutput: CheckDocument
  var structOutput: CheckDocument
  var calls: UInt64
  var errors: UInt64

  static let keys: Set<String> = [
    "selector", "name", "admin", "flags", "scalar_input", "struct_input", "scalar_output",
    "struct_output", "calls", "errors",
  ]
}

struct ListDocument: Decodable {
  var driver: DriverDocument
  var methods: [MethodDocument]
}

struct CallDocument: Decodable {
  struct Result: Decodable {
    var code: UInt32
    var name: String
    var description: String
  }

  struct Errno: Decodable {
    var code: Int32
    var name: String
    var description: String
  }

  var device: String
  var selector: UInt32
  var method: String?
  var scalarInput: [UInt64]
  var structInputSize: Int
  var scalarOutputRoom: Int
  var structOutputRoom: Int
  var result: Result?
  var errno: Errno?
  var scalarOutput: [UInt64]
  var structOutputSize: Int
  var structOutputHex: String?
  var structOutputFile: String?
}

struct BenchDocument: Decodable {
  struct Run: Decodable {
    struct Latency: Decodable {
      var min: UInt64
      var mean: Double
      var p50: UInt64
      var p90: UInt64
      var p99: UInt64
      var p999: UInt64
      var max: UInt64
    }

    var structInputSize: Int
    var structOutputRoom: Int
    var structOutputSize: Int
    var calls: Int
    var elapsedSeconds: Double
    var callsPerSecond: Double
    var bytesPerSecond: Double
    var latencyNs: Latency
  }

  var device: String
  var driver: String
  var selector: UInt32
  var method: String?
  var scalarInput: [UInt64]
  var scalarOutputRoom: Int
  var warmupCalls: Int
  var durationSeconds: Double?
  var iterations: Int?
  var runs: [Run]
}

struct FuzzDocument: Decodable {
  struct Finding: Decodable {
    var index: Int
    var call: String
    var outcome: String
    var problems: [String]
  }

  var device: String
  var driver: String
  var seed: UInt64
  var firstIndex: Int
  var calls: Int
  var elapsedSeconds: Double
  var callsPerSecond: Double
  var watchdogSeconds: Double
  var outcomes: [String: [String: Int]]
  var liveBuffers: UInt64
  var findingCount: Int
  var findings: [Finding]
  var passed: Bool

  /// The outcomes a replay must give again: all but whether a read found
  /// an event, or a cancel its call still pending, which depends on when
  /// completions come.
  var replayableOutcomes: [String: [String: Int]] {
    outcomes.filter { !["read_events", "cancel"].contains($0.key) }
  }

  static let keys: Set<String> = [
    "device", "driver", "seed", "first_index", "calls", "elapsed_seconds", "calls_per_second",
    "watchdog_seconds", "outcomes", "live_buffers", "finding_count", "findings", "passed",
  ]
}
