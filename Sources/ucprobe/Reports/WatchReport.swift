import UCBridge

/// What `ucprobe watch` saw.
///
/// JSON keys: `device` and `notifications` (the ``NotificationReport``s in
/// the order they arrived).
struct WatchReport: Encodable {
  /// One notification.
  ///
  /// JSON keys: `id` (its number among the connection's notifications,
  /// from 1), `message` (the driver's message type), `arguments`,
  /// `dropped` (droppable notifications lost just before it) and
  /// `can_drop` (whether the driver let it be dropped).
  struct NotificationReport: Encodable {
    var id: UInt64
    var message: UInt32
    var arguments: [UInt64]
    var dropped: UInt32
    var canDrop: Bool

    init(_ notification: DriverNotification) {
      id = notification.id
      message = notification.message
      arguments = notification.arguments
      dropped = notification.dropped
      canDrop = notification.canDrop
    }

    /// The notification as `watch` prints it:
    /// `notification 1: message 0xe0000100, arguments [0, 3]`, then
    /// `, droppable` and `, 2 dropped before it` when they apply.
    var text: String {
      "notification \(id): message 0x\(HexDump.hex(UInt64(message), digits: 8)), "
        + "arguments [\(arguments.map(String.init).joined(separator: ", "))]"
        + (canDrop ? ", droppable" : "")
        + (dropped > 0 ? ", \(dropped) dropped before it" : "")
    }

    enum CodingKeys: String, CodingKey {
      case id, message, arguments, dropped
      case canDrop = "can_drop"
    }
  }

  var device: String
  var notifications: [NotificationReport] = []
}
