/// Why the conformance runner could not do its own part: map memory,
/// create its files, set the driver's max_struct_size, start the
/// unprivileged worker.  Never the driver's failure: those are a case's
/// problems.
public struct ConformanceError: Error, CustomStringConvertible, Sendable {
  /// What failed.
  public var description: String

  /// Creates an error.
  ///
  /// - Parameter description: What failed.
  public init(_ description: String) {
    self.description = description
  }
}
