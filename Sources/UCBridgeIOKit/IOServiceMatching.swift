import UCBridge

/// A matching dictionary: what IOKit's `CFMutableDictionaryRef` from
/// `IOServiceMatching` or `IOServiceNameMatching` is to
/// `IOServiceGetMatchingService(_:_:)`.
///
/// A ucbridge driver has one name — `reference`, `kvstore`, its node
/// `/dev/ucbridge/<name>` — and both kinds of dictionary match it:
/// IOKit's `IOServiceMatching` matches a class name (`IOProviderClass`)
/// and `IOServiceNameMatching` a registry entry's name (`IONameMatch`);
/// here each matches the driver's name, exactly.  One class name more is
/// kept: `IOServiceMatching("IOService")` matches every driver, as every
/// IOKit service is an `IOService`.
///
/// IOKit's matching functions consume one reference of the dictionary
/// they are given (`CF_RELEASES_ARGUMENT`), so IOKit code does not
/// release it after the call.  This is a Swift value: passing it
/// consumes nothing, and using it again is harmless.
public struct IOMatchingDictionary: Sendable, Hashable, CustomStringConvertible {
  /// Which IOKit matching key the dictionary was made with.
  public enum Key: String, Sendable, Hashable {
    /// `IOProviderClass`, from `IOServiceMatching`.
    case providerClass = "IOProviderClass"
    /// `IONameMatch`, from `IOServiceNameMatching`.
    case nameMatch = "IONameMatch"
  }

  /// The key IOKit would have put the name under.
  public var key: Key

  /// The driver name matched.
  public var name: String

  /// Creates a dictionary matching the driver called `name`.
  public init(_ key: Key, _ name: String) {
    self.key = key
    self.name = name
  }

  /// Whether a service matches: its name is the dictionary's, or the
  /// dictionary matches the class `IOService`, which every service is.
  public func matches(_ service: Service) -> Bool {
    service.name == name || (key == .providerClass && name == "IOService")
  }

  public var description: String { "{\(key.rawValue) = \(name)}" }
}

/// Makes a matching dictionary for the ucbridge driver called `name`, as
/// IOKit's `IOServiceMatching` makes one for a class name.
///
/// ```swift
/// let service = IOServiceGetMatchingService(kIOMainPortDefault,
///                                           IOServiceMatching("reference"))
/// ```
///
/// - Parameter name: The driver's name: `reference` for
///   `/dev/ucbridge/reference`.  It stands where IOKit took the driver's
///   class name; `"IOService"` matches every driver.
/// - Returns: The dictionary.  Never nil here; optional as IOKit's
///   `CFMutableDictionaryRef` is (NULL when it cannot be allocated), so
///   ported `guard let` code compiles unchanged.
///
/// The corresponding IOKit call is `IOServiceMatching`.
public func IOServiceMatching(_ name: String) -> IOMatchingDictionary? {
  IOMatchingDictionary(.providerClass, name)
}

/// Makes a matching dictionary for the ucbridge driver called `name`, as
/// IOKit's `IOServiceNameMatching` makes one for a registry entry name.
///
/// Here it matches exactly what `IOServiceMatching(_:)` matches: a
/// driver's name is both its class and its entry name.
///
/// - Parameter name: The driver's name.
/// - Returns: The dictionary; never nil here, optional as IOKit's.
///
/// The corresponding IOKit call is `IOServiceNameMatching`.
public func IOServiceNameMatching(_ name: String) -> IOMatchingDictionary? {
  IOMatchingDictionary(.nameMatch, name)
}

/// Finds the ucbridge driver a matching dictionary matches.
///
/// ```swift
/// let service = IOServiceGetMatchingService(kIOMainPortDefault,
///                                           IOServiceMatching("reference"))
/// guard service != IO_OBJECT_NULL else { /* no such driver loaded */ }
/// defer { IOObjectRelease(service) }
/// ```
///
/// The drivers are those registered now: `/sys/class/ucbridge/<name>/`
/// on Linux, or the `MockDevice`s a test registered with UCBridgeMock.
///
/// - Parameters:
///   - mainPort: Ignored; pass `kIOMainPortDefault`.
///   - matching: From `IOServiceMatching(_:)` or
///     `IOServiceNameMatching(_:)`.  IOKit consumes one reference of it;
///     a Swift value needs no release.
/// - Returns: A new service handle, which the caller releases with
///   ``IOObjectRelease(_:)``; `IO_OBJECT_NULL` when nothing matches, when
///   `matching` is nil, or when the registry cannot be read — as IOKit
///   returns `MACH_PORT_NULL` on every failure.
///
/// The corresponding IOKit call is `IOServiceGetMatchingService`; the
/// system calls read `/sys/class/ucbridge/<name>/`.
public func IOServiceGetMatchingService(
  _ mainPort: mach_port_t, _ matching: IOMatchingDictionary?
) -> io_service_t {
  guard let matching,
    let service = try? Service.all().first(where: matching.matches)
  else { return IO_OBJECT_NULL }
  return ioObjects.write { $0.add(.service(Boxed(service))) }
}

/// Finds every ucbridge driver a matching dictionary matches, for
/// `IOIteratorNext(_:)` to hand out one by one.
///
/// ```swift
/// var iterator: io_iterator_t = IO_OBJECT_NULL
/// guard IOServiceGetMatchingServices(kIOMainPortDefault,
///                                    IOServiceMatching("kvstore"),
///                                    &iterator) == kIOReturnSuccess
/// else { … }
/// defer { IOObjectRelease(iterator) }
/// while case let service = IOIteratorNext(iterator), service != IO_OBJECT_NULL {
///   defer { IOObjectRelease(service) }
///   …
/// }
/// ```
///
/// The iterator holds the drivers registered when it was made, in name
/// order; drivers that come or go afterwards do not change it (a
/// driver that went fails `IOServiceOpen` with `kIOReturnNoDevice`).
///
/// - Parameters:
///   - mainPort: Ignored; pass `kIOMainPortDefault`.
///   - matching: From `IOServiceMatching(_:)` or
///     `IOServiceNameMatching(_:)`.  IOKit consumes one reference of it;
///     a Swift value needs no release.
///   - existing: Receives a new iterator handle on success, which the
///     caller releases with ``IOObjectRelease(_:)``; left as it was on
///     failure.
/// - Returns: `kIOReturnSuccess`, also when nothing matches (the iterator
///   is then empty), as in IOKit; `kIOReturnBadArgument` when `matching`
///   is nil, as in IOKit; or the error reading the registry, mapped as the
///   module documentation lists.
///
/// The corresponding IOKit call is `IOServiceGetMatchingServices`; the
/// system calls read `/sys/class/ucbridge/`.
public func IOServiceGetMatchingServices(
  _ mainPort: mach_port_t, _ matching: IOMatchingDictionary?,
  _ existing: UnsafeMutablePointer<io_iterator_t>
) -> kern_return_t {
  guard let matching else { return kIOReturnBadArgument }
  let services: [Service]
  do {
    services = try Service.all().filter(matching.matches)
  } catch {
    return kernReturn(error)
  }
  existing.pointee = ioObjects.write {
    $0.add(.iterator(Boxed(ServiceIterator(services: services))))
  }
  return kIOReturnSuccess
}

/// The next service of an iterator.
///
/// - Parameter iterator: From `IOServiceGetMatchingServices(_:_:_:)`.
/// - Returns: A new service handle, which the caller releases with
///   ``IOObjectRelease(_:)``; `IO_OBJECT_NULL` at the end, and for a handle
///   that is no live iterator (IOKit's failed call returns 0 too).
///
/// The corresponding IOKit call is `IOIteratorNext`.
public func IOIteratorNext(_ iterator: io_iterator_t) -> io_service_t {
  ioObjects.write { table in
    guard case .iterator(let walk)? = table.object(iterator),
      walk.value.position < walk.value.services.count
    else { return IO_OBJECT_NULL }
    let service = walk.value.services[walk.value.position]
    walk.value.position += 1
    return table.add(.service(Boxed(service)))
  }
}

/// Starts an iterator over: the next `IOIteratorNext(_:)` returns its
/// first service again.
///
/// - Parameter iterator: From `IOServiceGetMatchingServices(_:_:_:)`.
/// - Returns: `kIOReturnSuccess`, or `kIOReturnBadArgument` for a handle
///   that is no live iterator.
///
/// The corresponding IOKit call is `IOIteratorReset`.
@discardableResult
public func IOIteratorReset(_ iterator: io_iterator_t) -> kern_return_t {
  ioObjects.write { table in
    guard case .iterator(let walk)? = table.object(iterator) else {
      return kIOReturnBadArgument
    }
    walk.value.position = 0
    return kIOReturnSuccess
  }
}

/// Whether an iterator is still valid.  An iterator here holds the
/// services matched when it was made, so the set never changes under it:
/// 1 for every live iterator, 0 for a handle that is none.
///
/// The corresponding IOKit call is `IOIteratorIsValid`.
public func IOIteratorIsValid(_ iterator: io_iterator_t) -> boolean_t {
  ioObjects.read { table in
    if case .iterator? = table.object(iterator) { 1 } else { 0 }
  }
}

/// Writes a service's name — its driver's name, `reference` for
/// `/dev/ucbridge/reference` — into an `io_name_t`.
///
/// ```swift
/// var name = [CChar](repeating: 0, count: 128)   // io_name_t
/// IORegistryEntryGetName(service, &name)
/// print(name.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
/// // "reference"
/// ```
///
/// - Parameters:
///   - entry: A service handle.
///   - name: Room for IOKit's `io_name_t`, 128 bytes: receives the name,
///     NUL-terminated, cut at 127 bytes.
/// - Returns: `kIOReturnSuccess`, or `kIOReturnBadArgument` for a handle
///   that is no live service (IOKit's MIG call fails there with a Mach
///   error instead).
///
/// The corresponding IOKit call is `IORegistryEntryGetName`.
@discardableResult
public func IORegistryEntryGetName(
  _ entry: io_registry_entry_t, _ name: UnsafeMutablePointer<CChar>
) -> kern_return_t {
  guard case .service(let service)? = ioObjects.read({ $0.object(entry) }) else {
    return kIOReturnBadArgument
  }
  let bytes = Array(service.value.name.utf8.prefix(ioNameSize - 1))
  bytes.withUnsafeBytes { source in
    UnsafeMutableRawPointer(name).copyMemory(
      from: source.baseAddress ?? UnsafeRawPointer(name), byteCount: source.count)
  }
  name[bytes.count] = 0
  return kIOReturnSuccess
}

/// The size of IOKit's `io_name_t`, NUL included.
private var ioNameSize: Int { 128 }

/// Releases a handle: a service, an iterator, a connection, or an
/// interest notification.
///
/// Every service and iterator handle the matching calls return is the
/// caller's to release, as in IOKit.  Releasing a connection closes it,
/// as releasing an `io_connect_t`'s last reference makes IOKit close its
/// user client; ``IOServiceClose(_:)`` closes and releases at once.
/// Releasing an iterator releases none of the service handles it returned.
/// Releasing an interest notification stops it: no callback of it starts
/// once this returns, not even one already on the port's queue.
///
/// - Parameter object: The handle.
/// - Returns: `kIOReturnSuccess`, also for `IO_OBJECT_NULL`, as
///   `mach_port_deallocate` does for `MACH_PORT_NULL`;
///   `kIOReturnBadArgument` for a handle that was released already or
///   never handed out (IOKit returns the Mach error `KERN_INVALID_NAME`
///   there, and may raise a guard exception), and for a notification
///   port's, which ``IONotificationPortDestroy(_:)`` releases (IOKit's
///   `KERN_INVALID_RIGHT`).  A connection whose close fails gives that
///   error mapped, its handle released all the same.
///
/// The corresponding IOKit call is `IOObjectRelease`.
@discardableResult
public func IOObjectRelease(_ object: io_object_t) -> kern_return_t {
  guard object != IO_OBJECT_NULL else { return kIOReturnSuccess }
  let released = ioObjects.write {
    $0.remove(object) { if case .notificationPort = $0 { false } else { true } }
  }
  switch released {
  case nil, .notificationPort?: return kIOReturnBadArgument
  case .service?, .iterator?: return kIOReturnSuccess
  case .interestNotification(let interest)?:
    interest.cancel()
    return kIOReturnSuccess
  case .connection(let connection)?:
    do {
      try connection.close()
      return kIOReturnSuccess
    } catch {
      return kernReturn(error)
    }
  }
}
