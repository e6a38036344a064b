import CUCBridge
import Synchronization
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A connection's event reader: one thread that waits in poll(2) on the
/// connection's event descriptor and a wake-up eventfd of its own, reads
/// whole `struct ucb_event` records, and hands each completion to the
/// handler its call registered and each notification to every subscriber.
///
/// The thread holds a use of the connection's descriptor from its start
/// until it stops, and the connection itself only while it reads: it stops
/// when the driver is gone (read(2) says `ENODEV`) or the connection is
/// closed or its last reference goes away (``stop()`` wakes it).  Stopping, it lets go of the descriptor first, so that
/// close(2) has cancelled and discarded the calls still pending, and then
/// runs every handler still registered with ``IOReturn/aborted``.
///
/// A completion can be read before its submitter has the call's id back
/// from the ioctl.  While submissions are under way a completion for an id
/// nobody registered is kept; the submitter that registers that id finds
/// it and hands it back to this thread through the wake-up descriptor, so
/// that every completion handler runs here.  Once no submission is under
/// way such completions are dropped: they belong to calls submitted around
/// this type (through ``Connection/ioctl(_:_:)`` directly).
internal final class EventReader: Sendable {
  /// A submitted call waiting for its completion.
  struct PendingCall {
    var selector: UInt32
    var reference: ReferenceWords
    var handler: @Sendable (AsyncCompletion) -> Void

    /// The completion of the call `id` when it ends without its event.
    func aborted(id: UInt64) -> AsyncCompletion {
      AsyncCompletion(
        id: id, selector: selector, result: .aborted, arguments: [],
        reference: reference.words)
    }
  }

  /// A notification handler, and for a sequence what ends it.
  struct Subscriber {
    var handler: @Sendable (DriverNotification) -> Void
    var finish: (@Sendable () -> Void)?
  }

  private enum Phase {
    /// Reading; the wake-up descriptor is open.
    case running
    /// The connection was closed: the thread is on its way out.
    case stopping
    /// The thread has ended; the wake-up descriptor is closed.
    case finished
  }

  private struct State {
    var phase = Phase.running
    var pending: [UInt64: PendingCall] = [:]
    /// Submissions between their ioctl and their registration.
    var submissions = 0
    /// Completions read before their submitter registered.
    var early: [UInt64: AsyncCompletion] = [:]
    /// Early completions matched with their handler, for the thread.
    var ready: [(PendingCall, AsyncCompletion)] = []
    var subscribers: [UInt64: Subscriber] = [:]
    var lastToken: UInt64 = 0
  }

  private let state = Mutex(State())
  private let wakeDescriptor: FileDescriptor

  private init(wakeDescriptor: FileDescriptor) {
    self.wakeDescriptor = wakeDescriptor
  }

  /// Starts the reader of `connection`, holding a use of its descriptor.
  ///
  /// - Returns: The running reader; `.badFileDescriptor` once the
  ///   connection is closed, `.operationNotSupportedByDevice` (`ENODEV`)
  ///   for a connection without events, or the error of eventfd(2) or
  ///   pthread_create(3).
  static func start(on connection: Connection) -> Result<EventReader, Errno> {
    guard connection.enterDescriptorUse() else { return .failure(.badFileDescriptor) }
    guard let events = connection.eventDescriptor else {
      connection.leaveDescriptorUse()
      return .failure(.operationNotSupportedByDevice)
    }
    let reader: EventReader
    switch makeEventCounter() {
    case .success(let wake): reader = EventReader(wakeDescriptor: wake)
    case .failure(let error):
      connection.leaveDescriptorUse()
      return .failure(error)
    }
    // Weakly: the connection's last reference going away closes it, as
    // close() does.
    let releaseOrphaned = connection.releaseOrphanedDescriptor
    let started = startThread { [weak connection] in
      reader.run(events: events, connection: { connection }, releaseOrphaned: releaseOrphaned)
    }
    if case .failure = started {
      closeEventCounter(reader.wakeDescriptor)
      connection.leaveDescriptorUse()
    }
    return started.map { reader }
  }

  /// Asks the thread to stop: the connection is closed.
  func stop() {
    state.withLock { state in
      guard case .running = state.phase else { return }
      state.phase = .stopping
      signalEventCounter(wakeDescriptor)
    }
  }

  // MARK: Completions

  /// Counts a submission about to make its ioctl, so that its completion,
  /// should it be read first, is kept for it.
  func beginSubmission() {
    state.withLock { $0.submissions += 1 }
  }

  /// Ends a submission.  An accepted call's handler is registered, or
  /// handed to the thread with its completion when that was read already,
  /// or run at once with ``IOReturn/aborted`` when the reader has stopped.
  ///
  /// - Parameters:
  ///   - id: The accepted call's id; nil when the call was refused.
  ///   - call: The accepted call.
  func endSubmission(id: UInt64?, call: PendingCall?) {
    let orphan: PendingCall? = state.withLock { state in
      state.submissions -= 1
      defer { if state.submissions == 0 { state.early.removeAll() } }
      guard let id, let call else { return nil }
      // `early` is emptied as the thread ends, so a completion found
      // there has a thread to run its handler.
      if let completion = state.early.removeValue(forKey: id) {
        state.ready.append((call, completion))
        signalEventCounter(wakeDescriptor)
        return nil
      }
      guard case .finished = state.phase else {
        state.pending[id] = call
        return nil
      }
      return call
    }
    if let orphan, let id { orphan.handler(orphan.aborted(id: id)) }
  }

  // MARK: Notifications

  /// Registers a subscriber, unless the reader has stopped.
  ///
  /// - Returns: Its token, or nil when the reader has stopped (then
  ///   `finish` has run).
  func subscribe(_ subscriber: Subscriber) -> UInt64? {
    let token: UInt64? = state.withLock { state in
      guard case .running = state.phase else { return nil }
      state.lastToken += 1
      state.subscribers[state.lastToken] = subscriber
      return state.lastToken
    }
    if token == nil { subscriber.finish?() }
    return token
  }

  /// Unregisters a subscriber; nothing when it is gone already.
  func unsubscribe(_ token: UInt64) {
    state.withLock { _ = $0.subscribers.removeValue(forKey: token) }
  }

  // MARK: The thread

  /// Records per read(2): enough to empty a busy queue in a few reads.
  private static var recordsPerRead: Int { 64 }

  private func run(
    events: FileDescriptor, connection: () -> Connection?,
    releaseOrphaned: () -> Void
  ) {
    let records = UnsafeMutableBufferPointer<ucb_event>.allocate(
      capacity: Self.recordsPerRead)
    defer { records.deallocate() }
    reading: while true {
      switch pollForInput(events, wakeDescriptor) {
      case .success(let (_, woken)):
        if woken { resetEventCounter(wakeDescriptor) }
      case .failure:
        break reading
      }
      while true {
        // Held only while reading and dispatching, never while polling.
        guard let connection = connection() else { break reading }
        switch connection.readEvents(into: UnsafeMutableRawBufferPointer(records)) {
        case .success(let bytes) where bytes > 0:
          for event in records[..<(bytes / MemoryLayout<ucb_event>.stride)] {
            dispatch(event)
          }
          continue
        case .success, .failure(.resourceTemporarilyUnavailable):
          // None waits (a read of 0 would say the same; the ABI never
          // returns it, and looping on it would spin).
          break
        case .failure:
          // ENODEV: the driver is gone and every completion is read;
          // EBADF: the connection is closed.
          break reading
        }
        break
      }
      let (ready, stopping) = state.withLock { state in
        defer { state.ready.removeAll() }
        return (state.ready, state.phase != .running)
      }
      for (call, completion) in ready { call.handler(completion) }
      if stopping { break reading }
    }
    let (ready, pending, subscribers) = state.withLock { state in
      state.phase = .finished
      closeEventCounter(wakeDescriptor)
      defer {
        state.ready.removeAll()
        state.pending.removeAll()
        state.early.removeAll()
        state.subscribers.removeAll()
      }
      return (state.ready, state.pending, state.subscribers)
    }
    // The descriptor first: once the handlers run, close(2) has ended the
    // calls still pending and the driver holds nothing of them.
    // A connection gone meanwhile left its descriptor to this use (its
    // deinit saw the use and only stopped the reader).
    if let connection = connection() {
      connection.leaveDescriptorUse()
    } else {
      releaseOrphaned()
    }
    for (call, completion) in ready { call.handler(completion) }
    for (id, call) in pending { call.handler(call.aborted(id: id)) }
    for subscriber in subscribers.values { subscriber.finish?() }
  }

  private func dispatch(_ event: ucb_event) {
    switch event.type {
    case UInt32(UCB_EVENT_COMPLETION):
      let completion = AsyncCompletion(event)
      let call: PendingCall? = state.withLock { state in
        if let call = state.pending.removeValue(forKey: completion.id) { return call }
        if state.submissions > 0 { state.early[completion.id] = completion }
        return nil
      }
      call?.handler(completion)
    case UInt32(UCB_EVENT_NOTIFICATION):
      let notification = DriverNotification(event)
      let subscribers = state.withLock { $0.subscribers }
      for subscriber in subscribers.values { subscriber.handler(notification) }
    default:
      // A kind of event this version does not know: nothing waits for it.
      break
    }
  }
}

/// The `UCB_ASYNC_REFERENCE_WORDS` words of an async call, as the ABI
/// lays them out (`struct ucb_async_call.reference`).
internal struct ReferenceWords {
  var storage = ucb_async_call().reference

  /// The words, zero-padded, from at most `UCB_ASYNC_REFERENCE_WORDS`.
  init?(_ words: [UInt64]) {
    guard words.count <= Int(UCB_ASYNC_REFERENCE_WORDS) else { return nil }
    withUnsafeMutableBytes(of: &storage) { bytes in
      words.withUnsafeBytes { bytes.copyMemory(from: $0) }
    }
  }

  var words: [UInt64] { eventWords(storage) }
}

/// A fixed array of `UInt64` from the ABI (a C array imports as a tuple)
/// as an array.
private func eventWords<Tuple>(_ tuple: Tuple, count: Int? = nil) -> [UInt64] {
  withUnsafeBytes(of: tuple) { bytes in
    Array(bytes.bindMemory(to: UInt64.self).prefix(count ?? Int.max))
  }
}

extension AsyncCompletion {
  /// A completion event as it was read.
  fileprivate init(_ event: ucb_event) {
    self.init(
      id: event.id, selector: event.selector,
      result: IOReturn(rawValue: event.result),
      arguments: eventWords(event.args, count: Int(event.arg_count)),
      reference: eventWords(event.reference))
  }
}

extension DriverNotification {
  /// A notification event as it was read.
  fileprivate init(_ event: ucb_event) {
    self.init(
      id: event.id, message: event.result,
      arguments: eventWords(event.args, count: Int(event.arg_count)),
      dropped: event.dropped,
      canDrop: event.flags & UInt32(UCB_EVENT_CAN_DROP) != 0)
  }
}

/// Runs `body` on a new detached thread.
private func startThread(_ body: @escaping @Sendable () -> Void) -> Result<Void, Errno> {
  final class Box { let body: @Sendable () -> Void; init(_ body: @escaping @Sendable () -> Void) { self.body = body } }
  let context = Unmanaged.passRetained(Box(body)).toOpaque()
  var thread = pthread_t()
  let error = pthread_create(&thread, nil, { context in
    Unmanaged<Box>.fromOpaque(context!).takeRetainedValue().body()
    return nil
  }, context)
  guard error == 0 else {
    Unmanaged<Box>.fromOpaque(context).release()
    return .failure(Errno(rawValue: error))
  }
  pthread_detach(thread)
  return .success(())
}
