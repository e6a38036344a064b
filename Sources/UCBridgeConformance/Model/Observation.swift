import UCBridge

/// What one conformance case saw: how its ioctl ended, the outputs it
/// records, and every way the driver broke the ABI or the case's own
/// expectation along the way.
struct Observation {
  /// How the case's (last) ioctl ended.
  var outcome: Outcome
  /// The output scalars the case records, after normalization.
  var scalars: [UInt64] = []
  /// The output struct bytes the case records, after normalization.
  var structOutput: [UInt8] = []
  /// What was wrong; empty when the driver kept the ABI.
  var problems: [String] = []

  /// The transcript line of the case.
  ///
  /// - Parameter name: The case's name.
  /// - Returns: The entry: outcome, output counts and their hash.
  func entry(named name: String) -> TranscriptEntry {
    var hash = FNV1a64()
    hash.combine(littleEndian: scalars)
    structOutput.withUnsafeBytes { hash.combine($0) }
    return TranscriptEntry(
      name: name, outcome: outcome.name, scalarCount: scalars.count,
      structSize: structOutput.count, hash: hash.hexDigits)
  }
}

extension Observation {
  /// What a case saw when a call through the API threw.
  ///
  /// - Parameter error: The error.
  /// - Throws: ``ConformanceError`` for a call the API refused before any
  ///   ioctl, which no case means to make.
  init(thrown error: UCBridgeError) throws(ConformanceError) {
    guard let outcome = Outcome.of(error) else {
      throw ConformanceError("the call was refused in Swift: \(error)")
    }
    self.init(outcome: outcome)
  }
}
