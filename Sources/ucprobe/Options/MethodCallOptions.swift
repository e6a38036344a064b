import ArgumentParser

/// The method a command calls, its input scalars and the room for its
/// output scalars: what `call` and `bench` take alike.
struct MethodCallOptions: ParsableArguments {
  @Argument(
    help: ArgumentHelp(
      "The method: its name, or its selector in decimal or 0x hex.", valueName: "method"),
    completion: .custom(MethodNameCompletion.candidates))
  var method: MethodReference

  @Option(
    name: [.customShort("s"), .customLong("scalar")],
    help: ArgumentHelp(
      "An input scalar, decimal or 0x hex; repeat for more (a call carries up to 16). Write a negative one as -s=-1.",
      valueName: "value"),
    transform: ScalarArgument.parse)
  var scalars: [ScalarArgument] = []

  @Option(
    help: ArgumentHelp(
      "Room for output scalars (default: the method's fixed count, or 16 when variable).",
      valueName: "count"))
  var outScalars: Int?

  /// Most output scalars ucprobe offers room for: enough to see the
  /// driver refuse more than `UCB_MAX_SCALARS`.
  static let maxOutputScalarRoom = 1024

  /// The input scalars' values.
  var scalarInput: [UInt64] { scalars.map(\.value) }

  /// The room for output scalars: `--out-scalars`, else the method's
  /// default.
  func scalarOutputRoom(for method: TargetMethod) -> Int {
    outScalars ?? method.defaultScalarOutputRoom
  }

  func validate() throws {
    if let outScalars, !(0...Self.maxOutputScalarRoom).contains(outScalars) {
      throw ValidationError(
        "--out-scalars is 0 to \(Self.maxOutputScalarRoom) (a call carries up to 16)")
    }
  }
}
