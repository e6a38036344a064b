import UCBridge

/// The shapes of call a benchmark sweeps: which struct sizes a size of
/// `--sizes` sets, given the method's checks.
struct BenchPlan {
  /// The struct sizes of one timed run.
  struct Shape {
    /// Bytes of struct input.
    var structInputSize: Int
    /// Bytes of room for the output struct.
    var structOutputRoom: Int
  }

  /// The runs, in order.
  var shapes: [Shape]

  /// The sizes measured unless `--sizes` says otherwise, those within a
  /// variable struct's maximum.
  static let defaultSizes = [0, 4096, 65536]

  /// Plans the runs.
  ///
  /// - Parameters:
  ///   - method: The method; a size sets its struct input when that is
  ///     variable, its output room when that is variable.
  ///   - sizes: The sizes given; nil for the defaults.
  ///   - outputRoom: The output room given for every size, if any.
  init(method: TargetMethod, sizes: [Int]?, outputRoom: Int?) {
    let input = method.info?.checks.structInputSize
    let output = method.info?.checks.structOutputSize
    let sizes = sizes ?? Self.defaultSizes(input: input, output: output)
    shapes = sizes.map { size in
      let inputSize: Int
      switch input {
      case .exactly(let fixed)?: inputSize = fixed
      case .variable?, nil: inputSize = size
      }
      let room: Int
      switch (outputRoom, output) {
      case (let given?, _): room = given
      case (nil, .exactly(let fixed)?): room = fixed
      case (nil, .variable?): room = size
      case (nil, nil): room = 0
      }
      return Shape(structInputSize: inputSize, structOutputRoom: room)
    }
  }

  private static func defaultSizes(
    input: MethodChecks.StructSize?, output: MethodChecks.StructSize?
  ) -> [Int] {
    switch (input, output) {
    case (.variable(let max)?, _), (_, .variable(let max)?):
      return defaultSizes.filter { $0 <= max }
    case (.exactly(let size)?, _):
      return [size]
    case (nil, _):
      return [0]
    }
  }

  /// Struct input bytes for a run: a repeating byte pattern, so that a
  /// method sees data that is neither all zero nor constant.
  ///
  /// - Parameter count: How many bytes.
  /// - Returns: The bytes.
  static func pattern(count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 % 251) }
  }
}
