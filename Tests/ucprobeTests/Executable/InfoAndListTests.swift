import Testing

/// `ucprobe info` and `ucprobe list` against the mock.
@Suite struct InfoAndListTests {
  @Test func infoDescribesTheReferenceDriver() throws {
    let run = try ucprobe("info", "--mock")
    #expect(run.status == 0)
    #expect(run.stderr.isEmpty)
    for line in [
      "driver             reference", "version            0.1.0 (driver_version 0x000100)",
      "methods            14 (selectors 0 to 13)", "max_struct_size    1048576 bytes (1 MiB)",
      "live buffers       0",
    ] {
      #expect(run.stdout.contains(line + "\n"), "missing \(line)")
    }
  }

  @Test func infoJSONHasTheDocumentedKeys() throws {
    let run = try ucprobe("info", "--mock", "--mock-max-struct-size", "64K", "--json")
    #expect(run.status == 0)
    #expect(Set(try run.jsonObject().keys) == DriverDocument.keys)
    let info = try run.decode(DriverDocument.self)
    #expect(info.device == "mock")
    #expect(info.name == "reference")
    #expect(info.version == "0.1.0")
    #expect(info.driverVersion == 0x000100)
    #expect(info.abiVersion == 1)
    #expect(info.methodCount == 14)
    #expect(info.maxScalars == 16)
    #expect(info.maxStructSize == 65536)
    #expect(info.structSizeLimit == 64 << 20)
    #expect(info.liveBuffers == 0)
  }

  @Test func listShowsTheTable() throws {
    let run = try ucprobe("list", "--mock")
    #expect(run.status == 0)
    let lines = run.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first == "reference 0.1.0 (ABI 1) on mock: 14 methods, max_struct_size 1M")
    #expect(lines.contains {
      $0.hasPrefix("SEL  NAME") && $0.contains("SCALARS IN  STRUCT IN  SCALARS OUT  STRUCT OUT")
    })
    let echo = try #require(lines.first { $0.contains(" echo ") })
    #expect(echo.split(separator: " ") == ["2", "echo", "0", "var≤1M", "0", "var≤1M", "0", "0"])
    let consistency = try #require(lines.first { $0.contains(" consistency ") })
    #expect(consistency.contains("var≤16"))
    let resetStats = try #require(lines.first { $0.contains(" resetStats ") })
    #expect(resetStats.contains(" admin "))
  }

  @Test func deviceOptionsBeforeTheSubcommandWorkAsAfter() throws {
    let first = try ucprobe("--mock", "list")
    let after = try ucprobe("list", "--mock")
    #expect(first.status == 0)
    #expect(first.stdout == after.stdout)
    let missing = try ucprobe("--device", "/nonexistent/ucbridge", "info")
    #expect(missing.status == 1)
    #expect(missing.stderr.hasPrefix("ucprobe: cannot open /nonexistent/ucbridge: ENOENT"))
  }

  @Test func listJSONDescribesEveryMethod() throws {
    let run = try ucprobe("list", "--mock", "--json")
    #expect(run.status == 0)
    let object = try run.jsonObject()
    #expect(Set(object.keys) == ["driver", "methods"])
    let firstMethod = try #require((object["methods"] as? [[String: Any]])?.first)
    #expect(Set(firstMethod.keys) == MethodDocument.keys)

    let list = try run.decode(ListDocument.self)
    #expect(list.driver.name == "reference")
    #expect(list.methods.map(\.selector) == Array(0..<14))
    #expect(list.methods.map(\.name) == [
      "noop", "add", "echo", "checksum", "pathInfo", "fixedTransform", "consistency",
      "resetStats", "generate", "sink", "sharedChecksum", "delayed", "asyncChecksum", "notify",
    ])
    let echo = list.methods[2]
    #expect(echo.structInput == CheckDocument(variable: true, max: 1 << 20))
    #expect(echo.structOutput == CheckDocument(variable: true, max: 1 << 20))
    #expect(echo.scalarInput == CheckDocument(variable: false, max: 0))
    #expect(list.methods[1].scalarInput == CheckDocument(variable: false, max: 2))
    #expect(list.methods[4].structInput == CheckDocument(variable: true, max: 4096))
    #expect(list.methods[5].structOutput == CheckDocument(variable: false, max: 24))
    #expect(list.methods[6].scalarInput == CheckDocument(variable: true, max: 16))
    #expect(list.methods.filter(\.admin).map(\.name) == ["resetStats"])
    #expect(list.methods[7].flags == 1)
  }

  @Test func aMissingDeviceIsNamedWithItsErrno() throws {
    let run = try ucprobe("info", "--device", "/nonexistent/ucbridge")
    #expect(run.status == 1)
    #expect(run.stdout.isEmpty)
    #expect(run.stderr.hasPrefix(
      "ucprobe: cannot open /nonexistent/ucbridge: ENOENT (errno 2): No such file or directory\n"))
    #expect(run.stderr.contains("ucprobe: hint: is the driver's module loaded"))
  }

  /// /dev/ucbridge was the one device before 0.2; now it is a directory.
  @Test func aDirectoryGetsTheNodeLayoutHint() throws {
    let run = try ucprobe("info", "--device", "/tmp")
    #expect(run.status == 1)
    #expect(run.stderr.contains("EISDIR"))
    #expect(run.stderr.contains(
      "ucprobe: hint: /dev/ucbridge holds one node per driver since ucbridge 0.2: use --device /dev/ucbridge/<name>"))
  }

  @Test func aDeviceThatIsNotUCBridgeAnswersENOTTY() throws {
    let run = try ucprobe("list", "--device", "/dev/null")
    #expect(run.status == 1)
    #expect(run.stderr.contains("cannot describe the driver at /dev/null: ENOTTY (errno 25)"))
    #expect(run.stderr.contains("is it a ucbridge device?"))
  }
}
