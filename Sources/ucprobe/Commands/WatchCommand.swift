import ArgumentParser
import CUCBridge
import UCBridge

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension UCProbe {
  /// `ucprobe watch`: a connection's notifications, as IOKit's interest
  /// notifications deliver them.
  struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print the driver's notifications to this connection as they arrive.",
      discussion: """
        Opens a connection and prints each notification the driver sends \
        it (an event read(2) from the descriptor, what IOKit delivers to an \
        interest notification): its number on the connection, the driver's \
        message type, its arguments, whether the driver let it be dropped \
        and how many droppable ones were lost before it. It stops after \
        --count notifications (counting those lost), or on Ctrl-C.

        A driver notifies the connection it chooses; the reference \
        driver's notify method notifies the connection that called it. So \
        --notify COUNT[,INTERVAL_US] first calls notify on the same \
        connection: COUNT notifications of message \
        0x\(HexDump.hex(UCB_NOTIFY_MESSAGE, digits: 8)) (UCB_NOTIFY_MESSAGE), \
        INTERVAL_US microseconds apart (default 0), \
        each with arguments [index, COUNT]; --droppable lets the driver \
        drop them when the connection's queue is full \
        (UCB_EVENT_CAN_DROP). With --notify, --count defaults to COUNT.

        JSON OUTPUT
        One object, printed when ucprobe stops: device, and notifications, \
        each {id, message, arguments, dropped, can_drop}.

        EXAMPLES
          ucprobe --mock watch --notify 3
          ucprobe --mock watch --notify 5,100000 --json
          ucprobe watch --count 10
        """)

    @Option(
      help: ArgumentHelp(
        "Stop after this many notifications, counting those reported dropped (default: on Ctrl-C; with --notify, its COUNT).",
        valueName: "n"))
    var count: Int?

    @Option(
      help: ArgumentHelp(
        "First call the reference driver's notify method on this connection: COUNT notifications, INTERVAL_US microseconds apart.",
        valueName: "count[,interval_us]"),
      transform: NotifyRequest.parse)
    var notify: NotifyRequest?

    @Flag(help: "With --notify: let the driver drop notifications when the queue is full.")
    var droppable = false

    @OptionGroup(title: "Device")
    var device: DeviceOptions

    @OptionGroup
    var output: OutputOptions

    func validate() throws {
      if let count, count < 1 {
        throw ValidationError("--count is at least 1")
      }
      if droppable && notify == nil {
        throw ValidationError("--droppable applies to --notify only")
      }
    }

    /// What `watch` waits for.
    private enum WatchEvent: Sendable {
      case notification(DriverNotification)
      case interrupt
    }

    func run() throws {
      let target = try device.open()
      let driver = try target.driverInfo()
      if notify != nil && driver.name != UCB_REFERENCE_NAME {
        throw ProbeFailure.usage(
          "--notify calls the reference driver's notify method; \(target.name) is \(driver.name)")
      }

      let events = Mailbox<WatchEvent>()
      let token = target.connection.addNotificationHandler { events.post(.notification($0)) }
      defer { target.connection.removeNotificationHandler(token) }
      let interruption = Interruption { events.post(.interrupt) }
      defer { interruption.end() }

      if let notify {
        let flags = droppable ? UInt64(UCB_EVENT_CAN_DROP) : 0
        let call = MethodCall(
          selector: ReferenceSelector.notify,
          scalarInput: [notify.count, notify.intervalMicroseconds, flags],
          structInput: [], scalarOutputRoom: 0, structOutputRoom: 0)
        if case .failure(let error) = call.make(on: target.connection) {
          throw ProbeFailure.failed("notify: \(error.explanation)")
        }
      }

      let limit = count ?? notify.map { Int($0.count) }
      var report = WatchReport(device: target.name)
      var seen = 0
      while limit.map({ seen < $0 }) ?? true, case .notification(let note)? = events.next() {
        let entry = WatchReport.NotificationReport(note)
        report.notifications.append(entry)
        seen += 1 + Int(note.dropped)
        if !output.json {
          print(entry.text)
          // One line as each arrives, also when standard output is a pipe.
          fflush(nil)
        }
      }
      if output.json {
        try JSONOutput.print(report)
      }
    }
  }
}

/// `--notify COUNT[,INTERVAL_US]`: the reference notify method's count and
/// interval.
struct NotifyRequest: Hashable, Sendable {
  /// How many notifications, 1 to `UCB_NOTIFY_MAX_COUNT`.
  var count: UInt64
  /// Microseconds between them, at most `UCB_DELAYED_MAX_DELAY_US`.
  var intervalMicroseconds: UInt64

  /// Reads `COUNT` or `COUNT,INTERVAL_US`.
  ///
  /// - Parameter text: The option's value.
  /// - Returns: The request.
  /// - Throws: ``InvalidValue`` for anything else, or a value out of the
  ///   method's range.
  static func parse(_ text: String) throws(InvalidValue) -> NotifyRequest {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false)
    guard (1...2).contains(parts.count),
      let count = NumberSyntax.unsigned(parts[0]),
      let interval = parts.count == 2 ? NumberSyntax.unsigned(parts[1]) : 0
    else {
      throw InvalidValue(description: "write COUNT or COUNT,INTERVAL_US, such as 5 or 5,100000")
    }
    guard (1...UInt64(UCB_NOTIFY_MAX_COUNT)).contains(count) else {
      throw InvalidValue(description: "COUNT is 1 to \(UCB_NOTIFY_MAX_COUNT)")
    }
    guard interval <= UInt64(UCB_DELAYED_MAX_DELAY_US) else {
      throw InvalidValue(description: "INTERVAL_US is at most \(UCB_DELAYED_MAX_DELAY_US) (10 s)")
    }
    return NotifyRequest(count: count, intervalMicroseconds: interval)
  }
}
