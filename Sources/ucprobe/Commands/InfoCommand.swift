import ArgumentParser

extension UCProbe {
  /// `ucprobe info`: the driver's description.
  struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Describe the driver: name, version, ABI, limits, methods and live buffers.",
      discussion: """
        Asks the driver for its description (UCB_IOC_DRIVER_INFO). \
        max_struct_size bounds every variable struct size and can change \
        at run time (root writes /sys/class/ucbridge/<name>/max_struct_size); live buffers counts the kernel \
        buffers calls hold right now, 0 when none is in flight.

        JSON OUTPUT
        An object: device (the node, or "mock"), name, version \
        ("major.minor.patch"), driver_version (major << 16 | minor << 8 | \
        patch), abi_version, method_count, max_scalars, max_struct_size, \
        struct_size_limit, live_buffers.

        EXAMPLES
          ucprobe info
          ucprobe info --device /dev/ucbridge/reference --json
          ucprobe info --mock --mock-max-struct-size 64K
        """)

    @OptionGroup(title: "Device")
    var device: DeviceOptions

    @OptionGroup
    var output: OutputOptions

    func run() throws {
      let target = try device.open()
      let report = DriverReport(try target.driverInfo(), device: target.name)
      if output.json {
        try JSONOutput.print(report)
      } else {
        report.textLines.forEach { print($0) }
      }
    }
  }
}
