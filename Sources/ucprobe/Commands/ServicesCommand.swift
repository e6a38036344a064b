import ArgumentParser
import CUCBridge
import UCBridge
import UCBridgeMock

extension UCProbe {
  /// `ucprobe services`: the registered drivers.
  struct Services: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the registered ucbridge drivers: name, node, version, ABI, methods, max struct size.",
      discussion: """
        Reads /sys/class/ucbridge/<name>/ for each driver registered with \
        ucbridge.ko, without opening any node (IOKit's \
        IOServiceGetMatchingServices). Any subcommand reaches one of them \
        with --service NAME; without --service, --device or --mock, a \
        subcommand uses the only registered driver, or with several the \
        reference driver, and otherwise stops and names them. An entry \
        whose sysfs files cannot be read or parsed is left out; \
        'ucprobe info --service NAME' says what is wrong with it.

        When no driver is registered, ucprobe services prints no table \
        but a line saying why (ucbridge.ko not loaded, or no driver \
        module loaded) and exits 0: an empty list is an answer, not a \
        failure. With --mock it lists the reference driver in-process, \
        as the other subcommands' --mock calls it.

        JSON OUTPUT
        An object: services, an array sorted by name of objects with \
        name, device (the node, or "mock"), version ("major.minor.patch"), \
        driver_version (major << 16 | minor << 8 | patch), abi_version, \
        method_count, max_struct_size; empty when none is registered.

        EXAMPLES
          ucprobe services
          ucprobe services --json
          ucprobe services --mock
        """)

    @OptionGroup
    var output: OutputOptions

    /// The root command, which holds the device options (``DeviceOptions``)
    /// wherever they are on the command line: of them, `services` takes
    /// `--mock` alone.
    @ParentCommand
    var root: UCProbe

    func validate() throws {
      let given = root.device
      if given.service != nil || given.device != nil || given.mockMaxStructSize != nil {
        throw ValidationError(
          "services lists every registered driver: --service, --device and --mock-max-struct-size do not apply")
      }
    }

    func run() throws {
      let mock = root.device.mock
      let services: [Service]
      do {
        if mock {
          let device = try MockDevice()
          services = try MockRegistry.withRegistered([UCB_REFERENCE_NAME: device]) {
            () throws(UCBridgeError) in try Service.all()
          }
        } else {
          services = try Service.all()
        }
      } catch {
        throw ProbeFailure.failed("cannot list the ucbridge drivers: \(error.explanation)")
      }
      let report = ServicesReport(services, mock: mock)
      if output.json {
        try JSONOutput.print(report)
      } else if services.isEmpty {
        print(Self.absence())
      } else {
        report.textLines.forEach { print($0) }
      }
    }

    /// Why no driver is registered: ucbridge.ko or any driver module not
    /// loaded.
    static func absence() -> String {
      do {
        _ = try Service.named(UCB_REFERENCE_NAME)
      } catch .serviceNotFound(_, present: [], let frameworkLoaded) {
        return DeviceOptions.absence(frameworkLoaded: frameworkLoaded)
      } catch {}
      return "no ucbridge driver is registered"
    }
  }
}
