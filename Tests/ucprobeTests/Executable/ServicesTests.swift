import Testing

/// `ucprobe services`, and `--service` on the subcommands that open a
/// device, from the built binary.
@Suite struct ServicesTests {
  @Test func mockListsTheReferenceDriver() throws {
    let run = try ucprobe("services", "--mock")
    #expect(run.status == 0)
    #expect(run.stderr.isEmpty)
    #expect(run.stdout == """
      NAME       NODE  VERSION  ABI  METHODS  MAX STRUCT
      reference  mock  0.1.0      1       14          1M

      """)
  }

  @Test func mockJSONHasTheDocumentedKeys() throws {
    let run = try ucprobe("services", "--mock", "--json")
    #expect(run.status == 0)
    let object = try run.jsonObject()
    #expect(Set(object.keys) == ["services"])
    let first = try #require((object["services"] as? [[String: Any]])?.first)
    #expect(Set(first.keys) == ServiceDocument.keys)
    let services = try run.decode(ServicesDocument.self).services
    #expect(services == [
      ServiceDocument(
        name: "reference", device: "mock", version: "0.1.0", driverVersion: 0x000100,
        abiVersion: 1, methodCount: 14, maxStructSize: 1 << 20)
    ])
  }

  @Test func theSystemsListIsAnAnswerEvenWhenEmpty() throws {
    // Whatever this machine has registered: a table, or a line saying why
    // there is none; never a failure.
    let run = try ucprobe("services")
    #expect(run.status == 0)
    #expect(run.stdout.hasPrefix("NAME ") || run.stdout.hasPrefix("no ucbridge driver is registered: "))
    let json = try ucprobe("services", "--json")
    #expect(json.status == 0)
    _ = try json.decode(ServicesDocument.self)
  }

  @Test func serviceWithMockIsAUsageError() throws {
    let run = try ucprobe("info", "--service", "reference", "--mock")
    #expect(run.status == 64)
    #expect(run.stderr.contains("--service and --mock each name a device; use one"))
  }

  @Test func anUnregisteredServiceFailsNamingIt() throws {
    let run = try ucprobe("info", "--service", "no-such-driver")
    #expect(run.status == 1)
    #expect(run.stderr.hasPrefix(#"ucprobe: no ucbridge driver named "no-such-driver" is registered"#))
    #expect(run.stderr.contains("ucprobe: hint: "))
  }
}
