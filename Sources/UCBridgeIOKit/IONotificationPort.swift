import Dispatch
import Synchronization
import UCBridge

/// IOKit's `IONotificationPortRef`: a notification port, where async
/// completions and interest notifications wait until they run on the
/// port's dispatch queue.
///
/// Here the pointer is no address: its bit pattern is the port's handle in
/// the shim's handle table (the `mach_port_t` that
/// ``IONotificationPortGetMachPort(_:)`` returns), so that a destroyed or
/// foreign port is refused instead of dereferenced.
public typealias IONotificationPortRef = OpaquePointer

/// IOKit's `kIOGeneralInterest`: the interest type whose notifications are
/// the driver's own messages, the only type a ucbridge driver sends.
public var kIOGeneralInterest: String { "IOGeneralInterest" }

/// IOKit's `IOServiceInterestCallback`: runs on the port's dispatch queue
/// for each notification, with the refcon given, the handle the interest
/// was registered on, the driver's message type and its argument.
public typealias IOServiceInterestCallback = @convention(c) (
  _ refcon: UnsafeMutableRawPointer?, _ service: io_service_t, _ messageType: UInt32,
  _ messageArgument: UnsafeMutableRawPointer?
) -> Void

/// A notification port's state: where callouts run, and those that came
/// before there was a queue to run them on.
///
/// As on macOS, where completions wait in the Mach port until a queue or a
/// run loop serves it, callouts delivered before
/// ``IONotificationPortSetDispatchQueue(_:_:)`` wait here, in order, and
/// run once a queue is set.  After ``IONotificationPortDestroy(_:)`` none
/// runs, not even one already on the queue, as the destroyed port's
/// messages are never received.
final class NotificationPort: Sendable {
  private struct State {
    var queue: DispatchQueue?
    var waiting: [@Sendable () -> Void] = []
    var destroyed = false
  }

  private let state = Mutex(State())

  /// Runs a callout on the port's queue, or keeps it for the queue to
  /// come; drops it once the port is destroyed.
  func deliver(_ callout: @escaping @Sendable () -> Void) {
    state.withLock { state in
      guard !state.destroyed else { return }
      // Queued under the lock, so that callouts keep their order across
      // a change of queue.
      if let queue = state.queue {
        queue.async { self.run(callout) }
      } else {
        state.waiting.append(callout)
      }
    }
  }

  /// Sets the queue callouts run on, and queues the waiting ones there.
  func setQueue(_ queue: DispatchQueue) {
    state.withLock { state in
      state.queue = queue
      for callout in state.waiting {
        queue.async { self.run(callout) }
      }
      state.waiting = []
    }
  }

  /// Stops every callout, queued or to come.
  func destroy() {
    state.withLock { state in
      state.destroyed = true
      state.waiting = []
    }
  }

  private func run(_ callout: () -> Void) {
    guard !state.withLock({ $0.destroyed }) else { return }
    callout()
  }
}

/// An interest notification from `IOServiceAddInterestNotification`: a
/// handler on the connection, until `IOObjectRelease` removes it.
final class InterestNotification: Sendable {
  private let connection: Connection
  private let token = Mutex<NotificationHandlerToken?>(nil)
  /// Cleared on release, so that callouts already on the port's queue do
  /// not run afterwards.
  private let isActive = Atomic(true)

  init(connection: Connection) {
    self.connection = connection
  }

  /// Whether it was not released yet.
  var isLive: Bool { isActive.load(ordering: .acquiring) }

  /// Adds the handler to the connection.  It holds the notification
  /// weakly: the handle table owns it.
  func start(_ handler: @escaping @Sendable (InterestNotification, DriverNotification) -> Void) {
    let added = connection.addNotificationHandler { [weak self] note in
      guard let self else { return }
      handler(self, note)
    }
    token.withLock { $0 = added }
  }

  /// Stops the notification: no callout starts once this returns.
  func cancel() {
    isActive.store(false, ordering: .releasing)
    if let added = token.withLock({ $0.take() }) {
      connection.removeNotificationHandler(added)
    }
  }
}

/// The live port a `mach_port_t` names, or nil.
func notificationPort(_ port: mach_port_t) -> NotificationPort? {
  guard case .notificationPort(let notificationPort)? = ioObjects.read({ $0.object(port) })
  else { return nil }
  return notificationPort
}

/// The handle an `IONotificationPortRef` carries, when it can be one.
private func handle(_ notify: IONotificationPortRef?) -> mach_port_t? {
  notify.flatMap { mach_port_t(exactly: UInt(bitPattern: $0)) }
}

/// Creates a notification port, for async calls' completions and interest
/// notifications, as IOKit's `IONotificationPortCreate` does:
///
/// ```swift
/// let port = IONotificationPortCreate(kIOMainPortDefault)
/// IONotificationPortSetDispatchQueue(port, DispatchQueue(label: "completions"))
/// // IOConnectCallAsyncMethod(conn, selector, IONotificationPortGetMachPort(port), ...)
/// IONotificationPortDestroy(port)
/// ```
///
/// - Parameter mainPort: Ignored; pass `kIOMainPortDefault`.
/// - Returns: The port, which ``IONotificationPortDestroy(_:)`` destroys.
///   Never nil here; optional as IOKit's (NULL when it cannot allocate).
///
/// The corresponding IOKit call is `IONotificationPortCreate`.
public func IONotificationPortCreate(_ mainPort: mach_port_t) -> IONotificationPortRef? {
  let handle = ioObjects.write { $0.add(.notificationPort(NotificationPort())) }
  return IONotificationPortRef(bitPattern: UInt(handle))
}

/// Sets the dispatch queue a port's callbacks run on, as IOKit's
/// `IONotificationPortSetDispatchQueue` does.  Callbacks that came before
/// run there now, in order; setting another queue moves the ones to come.
///
/// - Parameters:
///   - notify: The port.
///   - queue: The queue; nil is ignored, as in IOKit.  A serial queue runs
///     callbacks one at a time, in the order they came.
///
/// The corresponding IOKit call is `IONotificationPortSetDispatchQueue`.
public func IONotificationPortSetDispatchQueue(
  _ notify: IONotificationPortRef?, _ queue: DispatchQueue?
) {
  guard let queue, let port = handle(notify).flatMap(notificationPort) else { return }
  port.setQueue(queue)
}

/// The `mach_port_t` of a notification port: the wake port the async
/// calls take.
///
/// - Parameter notify: The port.
/// - Returns: Its port name, or 0 (`MACH_PORT_NULL`) for a port that is
///   not live.
///
/// The corresponding IOKit call is `IONotificationPortGetMachPort`.
public func IONotificationPortGetMachPort(_ notify: IONotificationPortRef?) -> mach_port_t {
  guard let port = handle(notify), notificationPort(port) != nil else { return 0 }
  return port
}

/// Destroys a notification port, as IOKit's `IONotificationPortDestroy`
/// does: no callback of it runs afterwards, not even one queued already
/// (completions of calls still pending are dropped, as a dead Mach port's
/// messages are).  Interest notifications on it stay registered until
/// released with ``IOObjectRelease(_:)``, and deliver nothing.
///
/// - Parameter notify: The port; one not live is ignored.
///
/// The corresponding IOKit call is `IONotificationPortDestroy`.
public func IONotificationPortDestroy(_ notify: IONotificationPortRef?) {
  guard let handle = handle(notify),
    case .notificationPort(let port)? = ioObjects.write({
      $0.remove(handle) { if case .notificationPort = $0 { true } else { false } }
    })
  else { return }
  port.destroy()
}

/// Registers for a connection's notifications, IOKit's interest
/// notifications, delivered on a notification port:
///
/// ```swift
/// var notification: io_object_t = IO_OBJECT_NULL
/// kr = IOServiceAddInterestNotification(port, conn, kIOGeneralInterest,
///                                       callback, refcon, &notification)
/// // ...
/// IOObjectRelease(notification)
/// ```
///
/// A ucbridge driver sends a notification to one client, a connection
/// (the reference driver's notify method, to the connection that called
/// it), never to a service as a whole, as IOKit's `messageClients` sends
/// to every client with an interest.  So the interest is registered on an
/// open connection: pass the `io_connect_t` where IOKit code passes the
/// `io_service_t` it opened.  A service handle would need a connection of
/// its own, and would see nothing the driver sends to another.
///
/// The callback runs on the port's dispatch queue for each notification
/// from now on, as `callback(refcon, connect, messageType,
/// messageArgument)`: the driver's message type; as IOKit's callout
/// passes it, the argument itself when the driver sent at most one (nil
/// for none), else a pointer to the 64-bit arguments, valid during the
/// callback.
///
/// - Parameters:
///   - notifyPort: The port, from `IONotificationPortCreate(_:)`.
///   - service: An open connection's handle, standing for the service.
///   - interestType: `kIOGeneralInterest` (IOKit's `const io_name_t`, a C
///     string).
///   - callback: The callback.
///   - refCon: Passed to the callback as it is.
///   - notification: Receives the notification's handle, which
///     ``IOObjectRelease(_:)`` releases, stopping the callbacks.
/// - Returns: `kIOReturnSuccess`; `kIOReturnNotOpen` when `service` is not
///   an open connection; `kIOReturnBadArgument` for a port that is not
///   live; `kIOReturnUnsupported` for an interest type other than
///   `kIOGeneralInterest` (power and busy-state interests have no ucbridge
///   counterpart).
///
/// The corresponding IOKit call is `IOServiceAddInterestNotification`; the
/// notifications are `read(2)` from the connection's descriptor.
public func IOServiceAddInterestNotification(
  _ notifyPort: IONotificationPortRef?, _ service: io_service_t, _ interestType: UnsafePointer<CChar>,
  _ callback: IOServiceInterestCallback, _ refCon: UnsafeMutableRawPointer?,
  _ notification: UnsafeMutablePointer<io_object_t>
) -> kern_return_t {
  guard let connection = openConnection(service) else { return kIOReturnNotOpen }
  guard let portName = handle(notifyPort), notificationPort(portName) != nil else {
    return kIOReturnBadArgument
  }
  guard String(cString: interestType) == kIOGeneralInterest else { return kIOReturnUnsupported }
  // The callback and refcon cross threads as the words they are in IOKit's
  // message; the port is found again by name, so one destroyed meanwhile
  // gets nothing.
  let functionBits = UInt(bitPattern: unsafeBitCast(callback, to: UnsafeRawPointer.self))
  let refconBits = UInt(bitPattern: refCon)
  let interest = InterestNotification(connection: connection)
  interest.start { interest, note in
    notificationPort(portName)?.deliver {
      guard interest.isLive else { return }
      var arguments = note.arguments
      arguments.withUnsafeMutableBufferPointer { arguments in
        let argument =
          arguments.count <= 1
          ? UnsafeMutableRawPointer(bitPattern: UInt(arguments.first ?? 0))
          : UnsafeMutableRawPointer(arguments.baseAddress)
        let callback = unsafeBitCast(
          UnsafeRawPointer(bitPattern: functionBits)!, to: IOServiceInterestCallback.self)
        callback(UnsafeMutableRawPointer(bitPattern: refconBits), service, note.message, argument)
      }
    }
  }
  notification.pointee = ioObjects.write { $0.add(.interestNotification(interest)) }
  return kIOReturnSuccess
}
