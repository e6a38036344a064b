/// A call case's call, what a successful call must write, and how its
/// outputs are recorded.
struct CallPlan: Sendable {
  /// The call.
  var request: CallRequest
  /// What the method must write when the call succeeds.
  var output: ExpectedOutput = .nothing
  /// How the outputs are recorded in the transcript.
  var normalization: OutputNormalization = .none
}

/// The outputs the ABI's description of a method gives for a call.
struct ExpectedOutput: Hashable, Sendable {
  /// The output scalars, exactly.
  var scalars: [UInt64] = []
  /// The output struct, exactly.
  var structOutput: Bytes = .empty

  /// No scalars and no struct bytes.
  static var nothing: ExpectedOutput { ExpectedOutput() }

  /// These scalars and no struct bytes.
  static func scalars(_ scalars: [UInt64]) -> ExpectedOutput {
    ExpectedOutput(scalars: scalars)
  }

  /// These struct bytes and no scalars.
  static func structOutput(_ bytes: Bytes) -> ExpectedOutput {
    ExpectedOutput(structOutput: bytes)
  }

  /// The checksum method's output for an input: its CRC-32C and length.
  static func checksum(of input: Bytes) -> ExpectedOutput {
    .scalars([UInt64(ReferenceModel.crc32c(input)), UInt64(input.count)])
  }

  /// The problems of outputs that are not these.
  ///
  /// - Parameter observation: What a successful call wrote.
  /// - Returns: One problem per output that differs.
  func problems(with observation: Observation) -> [String] {
    var problems: [String] = []
    if observation.scalars != scalars {
      problems.append("output scalars \(hex(observation.scalars)), expected \(hex(scalars))")
    }
    if !observation.structOutput.withUnsafeBytes(structOutput.matches) {
      problems.append(
        "output struct of \(observation.structOutput.count) bytes is not the expected \(structOutput.count) bytes")
    }
    return problems
  }

  private func hex(_ values: [UInt64]) -> String {
    "[" + values.map { "0x" + String($0, radix: 16) }.joined(separator: ", ") + "]"
  }
}

/// How a case records outputs that legitimately differ between machines,
/// once they have been checked exactly.
enum OutputNormalization: Hashable, Sendable {
  /// As written.
  case none
  /// pathInfo's `{found, inode, mode, size}`: the inode as 0, only the
  /// file type bits of the mode, and the size only for a regular file
  /// (a directory's size depends on its filesystem).
  case pathInfo

  /// Normalizes output scalars.
  func apply(to scalars: [UInt64]) -> [UInt64] {
    switch self {
    case .none:
      return scalars
    case .pathInfo:
      guard scalars.count == 4 else { return scalars }
      let type = scalars[2] & UInt64(PathFixture.fileTypeMask)
      let isRegular = type == UInt64(PathFixture.regularFileType)
      return [scalars[0], 0, type, isRegular ? scalars[3] : 0]
    }
  }
}
