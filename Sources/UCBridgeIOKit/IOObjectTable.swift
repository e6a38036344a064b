#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CIOObjectSlots
import Synchronization
import UCBridge

/// An object a handle stands for: what a Mach port name is to IOKit.
///
/// Every case is one reference, so that looking a connection up copies no
/// more than a retain, as when the table held connections alone.
enum IOObject {
  /// An `io_connect_t`, from `IOServiceOpen`.
  case connection(Connection)
  /// An `io_service_t`, from matching or an iterator.
  case service(Boxed<Service>)
  /// An `io_iterator_t`, from `IOServiceGetMatchingServices`; changed
  /// only under the table's write lock.
  case iterator(Boxed<ServiceIterator>)
  /// A notification port, from `IONotificationPortCreate`: its handle is
  /// the port's `mach_port_t`, and `IONotificationPortDestroy` removes it.
  case notificationPort(NotificationPort)
  /// An interest notification, from `IOServiceAddInterestNotification`.
  case interestNotification(InterestNotification)
}

/// A value in a box of its own.
final class Boxed<Value> {
  var value: Value
  init(_ value: Value) { self.value = value }
}

/// The services matched when an iterator was made, and how far
/// `IOIteratorNext` has gone.
struct ServiceIterator {
  var services: [Service]
  var position = 0
}

/// Every object the IOKit-shaped calls have handed out, by handle:
/// connections, services, iterators, notification ports and interest
/// notifications share one handle space, so a handle
/// names one object of one kind, whichever call it is passed to.
///
/// A handle is a slot's index, with the slot's generation in the high
/// bits, so that a handle released and then used again finds the slot's
/// new generation and is refused rather than reaching a stranger's
/// object.  Slot 0 is never handed out, so 0 (`IO_OBJECT_NULL`) is never
/// a handle: it finds slot 0 empty.
///
/// Objects are added and removed under the write lock of ``ioObjects``
/// and looked up under its read lock, except a connection for a call:
/// ``withOpenConnection(_:_:)`` takes no lock and no reference (a read
/// lock and a retain cost about 160 instructions, more than the rest of a
/// call through the shim).  A caller counts itself in the slot instead,
/// and a removed slot's object is let go of, and the slot reused, only
/// once no caller is in it.
struct IOObjectTable: ~Copyable {
  /// Each slot's object, by slot index; changed only while the slot is
  /// neither live nor has callers that found it live.  Slot 0 is never
  /// handed out.
  private var objects: [IOObject?] = [nil]
  /// How many times each slot was emptied: the low bits are the
  /// generation of its handle.
  private var generations: [UInt32] = [0]
  private var freeSlots: [Int] = []

  /// Registers an object under a new, non-zero handle.
  mutating func add(_ object: IOObject) -> io_object_t {
    let index: Int
    if let free = freeSlots.popLast() {
      index = free
    } else {
      index = objects.count
      precondition(index < IOObjectSlots.capacity, "more than a million IOKit objects")
      IOObjectSlots.makeChunk(for: index)
      objects.append(nil)
      generations.append(0)
    }
    objects[index] = object
    let slot = IOObjectSlots.slot(index)!
    if case .connection(let connection) = object {
      slot.pointee.connection.store(
        UInt(bitPattern: Unmanaged.passUnretained(connection).toOpaque()), ordering: .relaxed)
    }
    let handle = UInt32(index) | generations[index] << IOObjectSlots.indexBits
    slot.pointee.open(handle)
    return handle
  }

  /// The object behind a handle, or nil for one that is not live.
  func object(_ handle: io_object_t) -> IOObject? {
    guard IOObjectSlots.liveSlot(handle) != nil else { return nil }
    return objects[IOObjectSlots.index(of: handle)]
  }

  /// Unregisters a handle, returning its object, if `body` says so of the
  /// object; nil when the handle is not live or `body` refused.  The slot
  /// keeps the object for the callers still in it, until the last leaves.
  mutating func remove(
    _ handle: io_object_t, if body: (IOObject) -> Bool = { _ in true }
  ) -> IOObject? {
    let index = IOObjectSlots.index(of: handle)
    guard let slot = IOObjectSlots.liveSlot(handle), let object = objects[index], body(object)
    else { return nil }
    if slot.pointee.close(handle) { _ = release(slotAt: index) }
    return object
  }

  /// Takes the object out of a removed slot that no caller is in, lets go
  /// of a connection's descriptor use, and makes the slot free for
  /// another.
  ///
  /// - Returns: The object, for the caller to let go of after the lock:
  ///   its deinit may wait for a thread that looks handles up.
  mutating func release(slotAt index: Int) -> IOObject? {
    let slot = IOObjectSlots.slot(index)!
    let connection = slot.pointee.connection.exchange(0, ordering: .relaxed)
    if let connection = UnsafeRawPointer(bitPattern: connection) {
      Unmanaged<Connection>.fromOpaque(connection)._withUnsafeGuaranteedRef {
        $0.leaveDescriptorUse()
      }
    }
    generations[index] &+= 1
    freeSlots.append(index)
    return objects[index].take()
  }
}

/// One entry of ``IOObjectTable``: what a caller outside the table's lock
/// reads, all of it atomic, so that the table changing a slot under its
/// lock never writes memory a caller reads as well.
///
/// Its caller count and connection are inlinable, as the synchronous calls
/// that use them are.
@usableFromInline
struct IOObjectSlot: ~Copyable {
  /// The slot's handle while its object is live, else 0 (bits 32 and up),
  /// the callers in it (bits 1 to 31, counted in twos), and whether it was
  /// removed and waits for its callers to leave (bit 0).  A caller tells a
  /// live slot of its handle's generation with one comparison.
  @usableFromInline
  let state = Atomic<UInt64>(0)
  /// The address of the connection the slot's object is, else 0; set
  /// before the slot is opened and cleared once it is released, under the
  /// table's write lock.  The handle holds a use of the connection's
  /// descriptor while the slot has it, so that a call through the handle
  /// need not count itself in the connection as well as in the slot.
  @usableFromInline
  let connection = Atomic<UInt>(0)
  /// Fills the slot to a cache line of its own (chunks are aligned to
  /// one), so that calls through different handles on different CPUs do
  /// not contend for the line of their slots' words.
  private let padding: (Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0)

  @inlinable static var removed: UInt64 { 1 }
  @inlinable static var oneCaller: UInt64 { 2 }
  @inlinable static var handleShift: UInt64 { 32 }

  /// Makes the slot live as `handle`, its object set.
  func open(_ handle: io_object_t) {
    state.wrappingAdd(UInt64(handle) << Self.handleShift, ordering: .releasing)
  }

  /// Whether the slot is live in the generation of `handle`.
  @inlinable
  func isLive(_ state: UInt64, for handle: io_object_t) -> Bool {
    state >> Self.handleShift == UInt64(handle)
  }

  /// Removes the live slot's object, of `handle`; true when no caller is
  /// in it, and the caller must release the slot now.
  func close(_ handle: io_object_t) -> Bool {
    // Live → removed in one addition: the handle's bits are set and the
    // removed bit clear.
    let before = state.wrappingAdd(
      Self.removed &- UInt64(handle) << Self.handleShift, ordering: .acquiringAndReleasing
    ).oldValue
    return UInt32(truncatingIfNeeded: before) == 0 && claimRelease()
  }

  /// Counts a caller in.  Returns the state it found: the caller may use
  /// the object if that is live in its handle's generation, and leaves
  /// again in any case.
  @inlinable
  func enter() -> UInt64 {
    state.wrappingAdd(Self.oneCaller, ordering: .acquiring).oldValue
  }

  /// Counts a caller out; true when it was the last in a removed slot and
  /// must release the slot.
  @inlinable
  func leave() -> Bool {
    // Removed, with this caller the last in it: bits 0 to 31 alone.
    let before = state.wrappingSubtract(Self.oneCaller, ordering: .releasing).oldValue
    return UInt32(truncatingIfNeeded: before) == UInt32(Self.removed | Self.oneCaller)
      && claimRelease()
  }

  /// Takes the release of a removed slot with no caller on for the
  /// caller; false when another caller, in and out since, took it.
  @usableFromInline
  func claimRelease() -> Bool {
    state.bitwiseAnd(~Self.removed, ordering: .acquiringAndReleasing).oldValue
      & Self.removed != 0
  }
}

/// The slots of ``IOObjectTable``, in chunks that never move, so that a
/// caller finds a slot without the table's lock: a directory of chunk
/// addresses (`io_object_chunks`, in C: see `io_object_slots.h`), each
/// chunk made under the write lock as the table grows and kept for the
/// life of the process.
@usableFromInline
enum IOObjectSlots {
  @inlinable static var indexBits: UInt32 { UInt32(IO_OBJECT_INDEX_BITS) }
  @inlinable static var indexMask: UInt32 { 1 << indexBits - 1 }
  /// The most slots: the handle's index bits, slot 0 included.
  static var capacity: Int { Int(indexMask) + 1 }
  @inlinable static var chunkBits: Int { Int(IO_OBJECT_CHUNK_BITS) }
  @inlinable static var chunkSize: Int { 1 << chunkBits }
  private static var cacheLine: Int { 64 }

  /// The slot index of a handle.
  @inlinable
  static func index(of handle: io_object_t) -> Int {
    Int(handle & indexMask)
  }

  /// The slot at `index`, a handle's index bits; nil for an index no
  /// chunk was made for.
  @inlinable
  static func slot(_ index: Int) -> UnsafeMutablePointer<IOObjectSlot>? {
    UnsafeMutablePointer<IOObjectSlot>(bitPattern: io_object_chunk(UInt(index >> chunkBits)))
      .map { $0 + index & (chunkSize - 1) }
  }

  /// The slot of a live handle, under the table's lock; nil for a handle
  /// that is not.
  static func liveSlot(_ handle: io_object_t) -> UnsafeMutablePointer<IOObjectSlot>? {
    guard let slot = slot(index(of: handle)),
      slot.pointee.isLive(slot.pointee.state.load(ordering: .acquiring), for: handle)
    else { return nil }
    return slot
  }

  /// Makes the chunk of `index` unless it exists; under the table's
  /// write lock.
  static func makeChunk(for index: Int) {
    let number = UInt(index >> chunkBits)
    guard io_object_chunk(number) == 0 else { return }
    let chunk = UnsafeMutableRawPointer.allocate(
      byteCount: MemoryLayout<IOObjectSlot>.stride * chunkSize, alignment: cacheLine
    ).bindMemory(to: IOObjectSlot.self, capacity: chunkSize)
    for slot in 0..<chunkSize {
      (chunk + slot).initialize(to: IOObjectSlot())
    }
    io_object_set_chunk(number, UInt(bitPattern: chunk))
  }
}

/// A value behind a read-write lock: the lookups of every thread run at
/// once, and only adding and removing wait for each other.
///
/// The value lives in memory of its own rather than in a stored property:
/// the lock already makes access exclusive, and a class's `var` would add
/// Swift's dynamic exclusivity check to every access (about 70
/// instructions).
final class ReadWriteLocked<Value: ~Copyable>: @unchecked Sendable {
  private let lock = UnsafeMutablePointer<pthread_rwlock_t>.allocate(capacity: 1)
  private let value = UnsafeMutablePointer<Value>.allocate(capacity: 1)

  init(_ value: consuming Value) {
    self.value.initialize(to: value)
    pthread_rwlock_init(lock, nil)
  }

  deinit {
    pthread_rwlock_destroy(lock)
    lock.deallocate()
    value.deinitialize(count: 1)
    value.deallocate()
  }

  func read<Result>(_ body: (borrowing Value) -> Result) -> Result {
    pthread_rwlock_rdlock(lock)
    defer { pthread_rwlock_unlock(lock) }
    return body(value.pointee)
  }

  func write<Result>(_ body: (inout Value) -> Result) -> Result {
    pthread_rwlock_wrlock(lock)
    defer { pthread_rwlock_unlock(lock) }
    return body(&value.pointee)
  }
}

/// Every live handle of the process.
let ioObjects = ReadWriteLocked(IOObjectTable())

/// Runs `body` with the open connection behind a handle, without a lock
/// or a reference of its own: counted in the handle's slot, the caller
/// keeps the table from letting go of the connection until it leaves.
/// Nil for a handle that is not an open connection.
@inlinable @inline(always)
func withOpenConnection<Result>(
  _ handle: io_connect_t, _ body: (Connection) -> Result
) -> Result? {
  let index = IOObjectSlots.index(of: handle)
  guard let slot = IOObjectSlots.slot(index) else { return nil }
  let found = slot.pointee.enter()
  defer {
    if slot.pointee.leave() { releaseRemovedSlot(index) }
  }
  guard slot.pointee.isLive(found, for: handle),
    let connection = UnsafeRawPointer(
      bitPattern: slot.pointee.connection.load(ordering: .relaxed))
  else { return nil }
  // The table holds the connection while a caller that found its slot
  // live is in: borrowing it needs no retain.
  return Unmanaged<Connection>.fromOpaque(connection)._withUnsafeGuaranteedRef(body)
}

/// Releases a removed slot for the last caller to leave it: out of line,
/// as only a caller racing the removal comes here.
@usableFromInline @inline(never)
func releaseRemovedSlot(_ index: Int) {
  // Dropped once write(_:) has unlocked.
  _ = ioObjects.write { $0.release(slotAt: index) }
}

/// The connection behind a handle, or nil for a handle that is not an
/// open connection.
func openConnection(_ handle: io_connect_t) -> Connection? {
  withOpenConnection(handle) { $0 }
}
