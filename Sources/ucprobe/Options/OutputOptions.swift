import ArgumentParser

/// The output format every subcommand offers.
struct OutputOptions: ParsableArguments {
  @Flag(help: "Print one JSON document instead of text (its keys are listed under JSON OUTPUT).")
  var json = false
}
