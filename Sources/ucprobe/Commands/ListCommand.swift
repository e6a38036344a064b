import ArgumentParser

extension UCProbe {
  /// `ucprobe list`: the driver's method table.
  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the driver's methods: selectors, names, checks, flags and counters.",
      discussion: """
        Reads the method table through introspection (UCB_IOC_METHOD_INFO), \
        so it shows any ucbridge driver's methods. Each method has four \
        checks, as IOKit's IOExternalMethodDispatch: scalar input count, \
        struct input size, scalar output count and struct output size. A \
        number is exact: a call must pass exactly that. var≤N is variable: \
        a call passes 0 to N, where a struct's N is the method's own \
        maximum bounded by the driver's current max_struct_size (sizes as \
        4K, 1M: binary multiples). admin methods need CAP_SYS_ADMIN. CALLS \
        and ERRORS count the calls of every connection since load or \
        resetStats for a caller with CAP_SYS_ADMIN, and this connection's \
        own calls for anyone else.

        JSON OUTPUT
        An object: driver (as 'ucprobe info --json' prints it) and \
        methods, an array in selector order of objects with selector, \
        name, admin (bool), flags (raw UCB_METHOD_FLAG_* bits), \
        scalar_input, struct_input, scalar_output, struct_output (each \
        {"variable": bool, "max": N}: exactly max, or 0 to max when \
        variable), calls, errors.

        EXAMPLES
          ucprobe list
          ucprobe list --mock --json
        """)

    @OptionGroup(title: "Device")
    var device: DeviceOptions

    @OptionGroup
    var output: OutputOptions

    func run() throws {
      let target = try device.open()
      let driver = try target.driverInfo()
      let report = ListReport(
        driver: DriverReport(driver, device: target.name),
        methods: try target.methods().map { MethodReport($0, maxScalars: driver.maxScalars) })
      if output.json {
        try JSONOutput.print(report)
      } else {
        report.textLines.forEach { print($0) }
      }
    }
  }
}
