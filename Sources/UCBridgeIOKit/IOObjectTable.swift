#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
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
/// A handle is a slot's index plus one, with the slot's generation in the
/// high bits, so that a handle released and then used again finds the
/// slot's new generation and is refused rather than reaching a stranger's
/// object.  0 (`IO_OBJECT_NULL`) is never a handle.
struct IOObjectTable: ~Copyable {
  private static var indexBits: UInt32 { 20 }
  private static var indexMask: UInt32 { 1 << indexBits - 1 }

  private var slots: [IOObject?] = []
  private var generations: [UInt32] = []
  private var freeSlots: [Int] = []

  /// Registers an object under a new, non-zero handle.
  mutating func add(_ object: IOObject) -> io_object_t {
    let index: Int
    if let free = freeSlots.popLast() {
      index = free
      slots[index] = object
    } else {
      index = slots.count
      precondition(
        index < Int(Self.indexMask), "more than a million IOKit objects")
      slots.append(object)
      generations.append(0)
    }
    return UInt32(index + 1) | generations[index] << Self.indexBits
  }

  /// The object behind a handle, or nil for one that is not live.
  func object(_ handle: io_object_t) -> IOObject? {
    slot(of: handle).flatMap { slots[$0] }
  }

  /// The connection behind a handle, or nil for a handle that is not an
  /// open connection.
  func connection(_ handle: io_connect_t) -> Connection? {
    guard case .connection(let connection) = object(handle) else { return nil }
    return connection
  }

  /// Unregisters a handle, returning its object, if `body` says so of the
  /// object; nil when the handle is not live or `body` refused.
  mutating func remove(
    _ handle: io_object_t, if body: (IOObject) -> Bool = { _ in true }
  ) -> IOObject? {
    guard let index = slot(of: handle), let object = slots[index], body(object)
    else { return nil }
    slots[index] = nil
    generations[index] = (generations[index] &+ 1) & (UInt32.max >> Self.indexBits)
    freeSlots.append(index)
    return object
  }

  private func slot(of handle: io_object_t) -> Int? {
    let index = Int(handle & Self.indexMask) - 1
    guard slots.indices.contains(index),
      generations[index] == handle >> Self.indexBits
    else { return nil }
    return index
  }
}

/// A value behind a read-write lock: the calls of every thread look
/// handles up at once, and only opening and closing wait for each other.
///
/// The value lives in memory of its own rather than in a stored property:
/// the lock already makes access exclusive, and a class's `var` would add
/// Swift's dynamic exclusivity check to every call (about 70 instructions,
/// a sixth of a call through the shim).
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

/// The connection behind a handle, or nil for a handle that is not an
/// open connection.
func openConnection(_ handle: io_connect_t) -> Connection? {
  ioObjects.read { $0.connection(handle) }
}
