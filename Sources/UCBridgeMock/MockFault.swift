import SystemPackage
import UCBridge

/// A failure a ``MockDevice`` can force on method calls.
public enum MockFault: Hashable, Sendable {
  /// The ioctl fails with this error number, writing nothing back.
  case errno(Errno)
  /// The call is dispatched with this result instead of running: no
  /// outputs, counts 0.  The method's counters are not bumped.
  case ioReturn(IOReturn)
}

/// A fault waiting for the calls it applies to.
struct PendingFault {
  let fault: MockFault
  /// nil: any method.
  let selector: UInt32?
  var remaining: Int
}

extension [PendingFault] {
  /// Uses up one call of the first fault that applies to `selector`.
  mutating func take(for selector: UInt32) -> MockFault? {
    guard let index = firstIndex(where: {
      $0.selector == nil || $0.selector == selector
    }) else { return nil }
    self[index].remaining -= 1
    let fault = self[index].fault
    if self[index].remaining == 0 { remove(at: index) }
    return fault
  }
}
