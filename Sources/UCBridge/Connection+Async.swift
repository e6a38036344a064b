import CUCBridge
import SystemPackage

// Async calls and notifications: IOKit's IOConnectCallAsyncMethod,
// sendAsyncResult64 and interest notifications, as UCB_IOC_CALL_ASYNC,
// UCB_IOC_CANCEL and the events read from the connection.

/// One async call's completion, as it arrives (IOKit's
/// `sendAsyncResult64`): a `struct ucb_event` of type
/// `UCB_EVENT_COMPLETION`.
public struct AsyncCompletion: Sendable, Equatable {
  /// The call's number on its connection (`struct ucb_async_call.id`).
  public var id: UInt64
  /// The method's selector.
  public var selector: UInt32
  /// The method's final IOReturn; ``IOReturn/aborted`` for a call
  /// cancelled, or ended by close or by the driver going away.
  public var result: IOReturn
  /// The method's arguments, at most `UCB_MAX_SCALARS`.
  public var arguments: [UInt64]
  /// The `UCB_ASYNC_REFERENCE_WORDS` words given at submission, zero-padded,
  /// untouched.
  public var reference: [UInt64]

  /// Creates a completion.
  ///
  /// - Parameters:
  ///   - id: The call's number on its connection.
  ///   - selector: The method's selector.
  ///   - result: The method's final IOReturn.
  ///   - arguments: Its arguments.
  ///   - reference: The reference words given at submission.
  public init(
    id: UInt64, selector: UInt32, result: IOReturn, arguments: [UInt64],
    reference: [UInt64]
  ) {
    self.id = id
    self.selector = selector
    self.result = result
    self.arguments = arguments
    self.reference = reference
  }
}

/// One notification from the driver (IOKit's interest notification, sent
/// with `messageClients`): a `struct ucb_event` of type
/// `UCB_EVENT_NOTIFICATION`.
public struct DriverNotification: Sendable, Equatable {
  /// Its number among the connection's notifications, from 1.
  public var id: UInt64
  /// The driver's message type (IOKit's `messageType`).
  public var message: UInt32
  /// The notification's arguments, at most `UCB_MAX_SCALARS`.
  public var arguments: [UInt64]
  /// Droppable notifications lost, for want of room in the connection's
  /// queue, since the previous notification that reported some.
  public var dropped: UInt32
  /// Whether the driver let it be dropped when the queue is full
  /// (`UCB_EVENT_CAN_DROP`).
  public var canDrop: Bool

  /// Creates a notification.
  ///
  /// - Parameters:
  ///   - id: Its number among the connection's notifications.
  ///   - message: The driver's message type.
  ///   - arguments: Its arguments.
  ///   - dropped: Droppable notifications lost before it.
  ///   - canDrop: Whether it could have been dropped.
  public init(
    id: UInt64, message: UInt32, arguments: [UInt64], dropped: UInt32,
    canDrop: Bool
  ) {
    self.id = id
    self.message = message
    self.arguments = arguments
    self.dropped = dropped
    self.canDrop = canDrop
  }
}

/// A registered notification handler, for
/// ``Connection/removeNotificationHandler(_:)``.
public struct NotificationHandlerToken: Hashable, Sendable {
  /// The reader's number for the handler; 0 for one never registered
  /// (the connection was closed or its driver gone).
  internal let rawValue: UInt64
}

extension Connection {
  /// Calls an async method, the callback way (IOKit's
  /// `IOConnectCallAsyncMethod`): returns once the call is submitted.
  ///
  /// The driver checks and copies the call as ``callMethod(_:scalarInput:structInput:scalarOutput:structOutput:)``
  /// would, and writes its synchronous outputs before this returns; the
  /// buffers are not used afterwards.  `completion` runs exactly once, on
  /// the connection's event reader (a thread, one per connection, started
  /// by the first async call or subscription), when the completion event
  /// is read.  If the connection is closed first, or the driver goes
  /// away without completing the call, it runs with ``IOReturn/aborted``
  /// and the call's id.  A completion handler that blocks holds up every
  /// other completion and notification of the connection.
  ///
  /// Once it has made an async call or subscribed to notifications, a
  /// connection stays open until ``close()`` (as IOKit's
  /// `IOServiceClose`): its event reader holds it.
  ///
  /// - Parameters:
  ///   - selector: The method's index in the driver's table; it must be
  ///     an async method (`UCB_METHOD_FLAG_ASYNC`).
  ///   - reference: Words the completion carries back, at most
  ///     `UCB_ASYNC_REFERENCE_WORDS`, zero-padded (IOKit's
  ///     `OSAsyncReference64`, without the port).
  ///   - scalarInput: The input scalars, at most `UCB_MAX_SCALARS`.
  ///   - structInput: The input struct bytes.
  ///   - scalarOutput: Room for synchronous output scalars.
  ///   - structOutput: Room for the synchronous output struct.
  ///   - completion: Runs once with the call's completion.
  /// - Returns: The accepted call's id (for ``cancelAsyncCall(_:)``) and
  ///   how many synchronous outputs the method wrote.
  /// - Throws: ``UCBridgeError/ioReturn(_:)`` when the driver refuses the
  ///   call (``IOReturn/badArgument`` for a method that is not async,
  ///   ``IOReturn/noResources`` when `UCB_EVENT_QUEUE_MAX` calls and
  ///   notifications are waiting); ``UCBridgeError/errno(_:)`` as the
  ///   raw call, and `.badFileDescriptor` once closed;
  ///   ``UCBridgeError/badArgument(_:)`` for too many reference words.
  ///   When it throws, `completion` never runs.
  ///
  /// The corresponding C call is `ioctl(fd, UCB_IOC_CALL_ASYNC, &async)`.
  public func submitAsyncMethod(
    _ selector: UInt32,
    reference: [UInt64] = [],
    scalarInput: UnsafeBufferPointer<UInt64>,
    structInput: UnsafeRawBufferPointer,
    scalarOutput: UnsafeMutableBufferPointer<UInt64>,
    structOutput: UnsafeMutableRawBufferPointer,
    completion: @escaping @Sendable (AsyncCompletion) -> Void
  ) throws(UCBridgeError) -> (id: UInt64, counts: OutputCounts) {
    try _submitAsyncMethod(
      selector, reference: reference, scalarInput: scalarInput,
      structInput: structInput, scalarOutput: scalarOutput,
      structOutput: structOutput, completion: completion
    ).get()
  }

  internal func _submitAsyncMethod(
    _ selector: UInt32,
    reference: [UInt64],
    scalarInput: UnsafeBufferPointer<UInt64>,
    structInput: UnsafeRawBufferPointer,
    scalarOutput: UnsafeMutableBufferPointer<UInt64>,
    structOutput: UnsafeMutableRawBufferPointer,
    completion: @escaping @Sendable (AsyncCompletion) -> Void
  ) -> Result<(id: UInt64, counts: OutputCounts), UCBridgeError> {
    guard let words = ReferenceWords(reference) else {
      return .failure(.badArgument(
        "\(reference.count) reference words: an async call carries at most \(UCB_ASYNC_REFERENCE_WORDS)"))
    }
    var call: ucb_call
    do {
      call = try Self.callHeader(
        selector, scalarInput: scalarInput, structInput: structInput,
        scalarOutput: scalarOutput, structOutput: structOutput)
    } catch {
      return .failure(error)
    }
    let scalarOutRoom = call.scalar_out_count
    let structOutRoom = call.struct_out_size
    let reader: EventReader
    switch eventReader() {
    case .success(let running): reader = running
    case .failure(let error): return .failure(.errno(error))
    }

    var request = ucb_async_call()
    request.size = UInt32(MemoryLayout<ucb_async_call>.size)
    request.reference = words.storage
    reader.beginSubmission()
    let submitted = withUnsafeMutablePointer(to: &call) { call in
      request.call = UInt64(UInt(bitPattern: call))
      return ioctl(ucb_ioc_call_async, &request)
    }
    .mapError(UCBridgeError.errno)
    .flatMap { _ in
      Self.outputCounts(of: call, scalarOutRoom: scalarOutRoom, structOutRoom: structOutRoom)
    }
    switch submitted {
    case .success(let counts):
      reader.endSubmission(
        id: request.id,
        call: EventReader.PendingCall(
          selector: selector, reference: words, handler: completion))
      return .success((request.id, counts))
    case .failure(let error):
      reader.endSubmission(id: nil, call: nil)
      return .failure(error)
    }
  }

  /// Asks the driver to end a pending async call early.
  ///
  /// Its completion still comes, with the driver's result: usually
  /// ``IOReturn/aborted``, or the real one when the call was finishing
  /// anyway.
  ///
  /// - Parameter id: The call's id, from ``submitAsyncMethod(_:reference:scalarInput:structInput:scalarOutput:structOutput:completion:)``.
  /// - Throws: ``UCBridgeError/errno(_:)``: `.noSuchFileOrDirectory`
  ///   when no call of that id is pending (it never was, or completed
  ///   already); `.badFileDescriptor` once closed.
  ///
  /// The corresponding C call is `ioctl(fd, UCB_IOC_CANCEL, &cancel)`.
  public func cancelAsyncCall(_ id: UInt64) throws(UCBridgeError) {
    try _cancelAsyncCall(id).get()
  }

  internal func _cancelAsyncCall(_ id: UInt64) -> Result<Void, UCBridgeError> {
    var request = ucb_cancel()
    request.size = UInt32(MemoryLayout<ucb_cancel>.size)
    request.id = id
    return ioctl(ucb_ioc_cancel, &request).mapError(UCBridgeError.errno)
  }

  /// Registers a handler for every notification from now on.
  ///
  /// The handler runs on the connection's event reader, one notification
  /// after another, in the order the driver sent them.  Once the
  /// connection is closed or its driver gone it never runs again.
  ///
  /// - Parameter handler: Runs with each notification.
  /// - Returns: The token that ``removeNotificationHandler(_:)`` takes.
  public func addNotificationHandler(
    _ handler: @escaping @Sendable (DriverNotification) -> Void
  ) -> NotificationHandlerToken {
    NotificationHandlerToken(
      rawValue: subscribe(EventReader.Subscriber(handler: handler, finish: nil)) ?? 0)
  }

  /// Unregisters a notification handler.  It may still be running, or
  /// about to run for a notification already read, as this returns.
  ///
  /// - Parameter token: What ``addNotificationHandler(_:)`` returned.
  public func removeNotificationHandler(_ token: NotificationHandlerToken) {
    eventReaderSlot.withLock { $0 }?.unsubscribe(token.rawValue)
  }

  /// The connection's notifications from now on, as an asynchronous
  /// sequence.
  ///
  /// Each use of the property is a new subscription, starting at once;
  /// iterate it once.  It ends when the connection is closed or its
  /// driver is gone, and unsubscribes when its task is cancelled or it is
  /// discarded.  Notifications wait in it without bound until they are
  /// consumed.  The kernel bounds only its own queue (`UCB_EVENT_QUEUE_MAX`
  /// events, where droppable notifications are dropped), which the event
  /// reader empties as fast as the driver fills it; so a consumer slower
  /// than the driver holds what the driver sent and it has not read yet,
  /// in memory.  Use ``addNotificationHandler(_:)`` to decide otherwise.
  ///
  /// ```swift
  /// for await note in connection.notifications {
  ///   print(note.message, note.arguments)
  /// }
  /// ```
  public var notifications: Notifications {
    let (stream, continuation) = AsyncStream.makeStream(
      of: DriverNotification.self, bufferingPolicy: .unbounded)
    let token = subscribe(EventReader.Subscriber(
      handler: { continuation.yield($0) },
      finish: { continuation.finish() }))
    if let token {
      continuation.onTermination = { [weak self] _ in
        self?.eventReaderSlot.withLock { $0 }?.unsubscribe(token)
      }
    }
    return Notifications(stream: stream)
  }

  /// Registers a subscriber with the event reader, starting it; nil,
  /// with `finish` run, when the connection is closed or its driver gone.
  private func subscribe(_ subscriber: EventReader.Subscriber) -> UInt64? {
    guard case .success(let reader) = eventReader() else {
      subscriber.finish?()
      return nil
    }
    return reader.subscribe(subscriber)
  }

  /// The connection's event reader, started at the first use.
  private func eventReader() -> Result<EventReader, Errno> {
    eventReaderSlot.withLock { slot in
      if let reader = slot { return .success(reader) }
      return EventReader.start(on: self).map { reader in
        slot = reader
        return reader
      }
    }
  }
}

/// A connection's notifications, as ``Connection/notifications`` gives
/// them: one subscription, iterated once.
public struct Notifications: AsyncSequence, Sendable {
  public typealias Element = DriverNotification
  public typealias Failure = Never

  fileprivate let stream: AsyncStream<DriverNotification>

  /// The subscription's iterator.
  public struct AsyncIterator: AsyncIteratorProtocol {
    fileprivate var base: AsyncStream<DriverNotification>.Iterator

    /// The next notification, or nil once the connection is closed or its
    /// driver gone (or the task cancelled).
    public mutating func next() async -> DriverNotification? {
      await base.next()
    }

    /// The next notification, as ``next()``.
    public mutating func next(
      isolation actor: isolated (any Actor)?
    ) async -> DriverNotification? {
      await base.next(isolation: actor)
    }
  }

  /// The iterator of the subscription.
  public func makeAsyncIterator() -> AsyncIterator {
    AsyncIterator(base: stream.makeAsyncIterator())
  }
}
