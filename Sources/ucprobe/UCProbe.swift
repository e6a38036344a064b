import ArgumentParser

/// `ucprobe`: the command-line probe for any ucbridge device.
///
/// The root command holds the subcommands and the device options, which
/// may come before a subcommand's name; each subcommand opens the device
/// itself (`services` only lists them) (``DeviceOptions``) and prints text
/// or, with `--json`, one JSON document (``OutputOptions``).
@main
struct UCProbe: ParsableCommand {
  /// ucprobe's own version, which `--version` prints.
  static let version = "0.1.0"

  static let configuration = CommandConfiguration(
    commandName: "ucprobe",
    abstract: "Probe a ucbridge device: describe it, list and call its methods, watch its notifications, benchmark and fuzz it.",
    discussion: """
      ucprobe talks to a ucbridge driver through its device node, \
      /dev/ucbridge/<name>, or, with --mock, to the reference driver's own \
      dispatch core running in this process. It learns a driver's methods \
      from the driver's introspection ioctls, so it works with any \
      ucbridge driver, not only the reference one.

      Which driver: --service NAME (a registered driver, as 'ucprobe \
      services' lists them), --device PATH (a node) or --mock. Without \
      any, the only registered driver; with several, the reference \
      driver; with several and no reference driver, or none, ucprobe \
      stops and says which are registered (exit status 1). These options \
      go before or after the subcommand's name.

      Every subcommand takes --json to print one JSON document for other \
      programs; each subcommand's help lists its keys, which keep their \
      meaning from release to release.

      EXIT STATUS
        0   success
        1   a failure: a non-success IOReturn, an errno, a fuzz finding
        64  a command-line error: an unknown option, method or value

      EXAMPLES
        ucprobe services
        ucprobe info
        ucprobe list --service kvstore
        ucprobe list --mock
        ucprobe --mock list
        ucprobe call add -s 40 -s 0x2
        ucprobe call pathInfo --string /etc/hostname --nul
        ucprobe --mock call --async delayed -s 1000 -s 42
        ucprobe --mock watch --notify 3
        ucprobe bench echo --sizes 0,4096,64K,1M
        ucprobe fuzz --iterations 100000 --seed 42
        ucprobe map status --mock
        ucprobe --generate-completion-script bash > /etc/bash_completion.d/ucprobe
      """,
    version: version,
    subcommands: [
      Services.self, Info.self, List.self, Call.self, Watch.self, Bench.self, Fuzz.self, Map.self,
    ])

  /// The device options, on either side of the subcommand's name, as in
  /// `ucprobe --mock list`.  A subcommand that declares an `@OptionGroup`
  /// of ``DeviceOptions`` gets this value (ArgumentParser decodes a group's
  /// type once per command line); `services` reads it as its parent's.
  @OptionGroup(title: "Device")
  var device: DeviceOptions

  /// Runs the command the arguments name.  A ``ProbeFailure`` is reported
  /// as `ucprobe: message` lines on standard error with its own exit
  /// status; every other error as ArgumentParser reports it.
  static func main() {
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch let failure as ProbeFailure {
      StandardError.report(failure.messages)
      exit(withError: failure.exitCode)
    } catch {
      exit(withError: error)
    }
  }
}
