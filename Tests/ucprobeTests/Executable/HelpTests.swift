import Testing

/// `--help`, `--version` and completion scripts, from the built binary.
@Suite struct HelpTests {
  @Test func versionIsPrinted() throws {
    let run = try ucprobe("--version")
    #expect(run.status == 0)
    #expect(run.stdout == "0.1.0\n")
  }

  @Test func rootHelpListsEverySubcommandWithExamples() throws {
    let run = try ucprobe("--help")
    #expect(run.status == 0)
    for subcommand in ["services", "info", "list", "call", "bench", "fuzz", "map"] {
      #expect(run.stdout.contains("\n  \(subcommand) "), "missing \(subcommand)")
    }
    #expect(run.stdout.contains("EXIT STATUS"))
    #expect(run.stdout.contains("ucprobe call add -s 40 -s 0x2"))
  }

  @Test(arguments: ["services", "info", "list", "call", "bench", "fuzz", "map"])
  func subcommandHelpHasJSONKeysAndExamples(_ subcommand: String) throws {
    let run = try ucprobe("help", subcommand)
    #expect(run.status == 0)
    #expect(run.stdout.contains("USAGE: ucprobe \(subcommand)"))
    #expect(run.stdout.contains("JSON OUTPUT"))
    #expect(run.stdout.contains("EXAMPLES\n  ucprobe \(subcommand)"))
    #expect(run.stdout.contains("--mock"))
    #expect(run.stdout.contains("--json"))
  }

  @Test(arguments: ["bash", "zsh", "fish"])
  func completionScriptsCoverTheSubcommands(_ shell: String) throws {
    let run = try ucprobe("--generate-completion-script", shell)
    #expect(run.status == 0)
    for word in ["ucprobe", "fuzz", "mock-max-struct-size", "out-size"] {
      #expect(run.stdout.contains(word), "\(shell) script lacks \(word)")
    }
  }
}
