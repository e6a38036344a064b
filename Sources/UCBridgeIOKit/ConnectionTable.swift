import Synchronization
import UCBridge

/// The connections `IOServiceOpen` has handed out, by handle: what the
/// Mach port name is to IOKit.
struct ConnectionTable: ~Copyable {
  private var connections: [io_connect_t: Connection] = [:]
  private var lastHandle: io_connect_t = 0

  /// Registers a connection under a new, non-zero handle.
  mutating func add(_ connection: Connection) -> io_connect_t {
    repeat {
      lastHandle &+= 1
    } while lastHandle == IO_OBJECT_NULL || connections[lastHandle] != nil
    connections[lastHandle] = connection
    return lastHandle
  }

  func connection(_ handle: io_connect_t) -> Connection? {
    connections[handle]
  }

  mutating func remove(_ handle: io_connect_t) -> Connection? {
    connections.removeValue(forKey: handle)
  }
}

let openConnections = Mutex(ConnectionTable())

/// The connection behind a handle, or nil for a handle that is not open.
func openConnection(_ handle: io_connect_t) -> Connection? {
  openConnections.withLock { $0.connection(handle) }
}
