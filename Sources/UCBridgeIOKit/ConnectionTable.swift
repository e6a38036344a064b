#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import UCBridge

/// The connections `IOServiceOpen` has handed out, by handle: what the
/// Mach port name is to IOKit.
///
/// A handle is a slot's index plus one, with the slot's generation in the
/// high bits, so that a handle closed and then used again finds the slot's
/// new generation and is refused rather than reaching a stranger's
/// connection.
struct ConnectionTable: ~Copyable {
  private static var indexBits: UInt32 { 20 }
  private static var indexMask: UInt32 { 1 << indexBits - 1 }

  private var slots: [Connection?] = []
  private var generations: [UInt32] = []
  private var freeSlots: [Int] = []

  /// Registers a connection under a new, non-zero handle.
  mutating func add(_ connection: Connection) -> io_connect_t {
    let index: Int
    if let free = freeSlots.popLast() {
      index = free
      slots[index] = connection
    } else {
      index = slots.count
      precondition(
        index < Int(Self.indexMask), "more than a million open connections")
      slots.append(connection)
      generations.append(0)
    }
    return UInt32(index + 1) | generations[index] << Self.indexBits
  }

  /// The connection behind a handle, or nil for one that is not open.
  func connection(_ handle: io_connect_t) -> Connection? {
    slot(of: handle).flatMap { slots[$0] }
  }

  /// Unregisters a handle, returning its connection.
  mutating func remove(_ handle: io_connect_t) -> Connection? {
    guard let index = slot(of: handle), let connection = slots[index] else {
      return nil
    }
    slots[index] = nil
    generations[index] = (generations[index] &+ 1) & (UInt32.max >> Self.indexBits)
    freeSlots.append(index)
    return connection
  }

  private func slot(of handle: io_connect_t) -> Int? {
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

let openConnections = ReadWriteLocked(ConnectionTable())

/// The connection behind a handle, or nil for a handle that is not open.
func openConnection(_ handle: io_connect_t) -> Connection? {
  openConnections.read { $0.connection(handle) }
}
