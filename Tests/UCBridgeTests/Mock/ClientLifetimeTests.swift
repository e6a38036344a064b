#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import SystemPackage
import Testing
import UCBridge
import UCBridgeMock

/// A connection's life as a client of its driver: the user-client type it
/// chooses, and the driver going away under it (the hot-unplug path).
@Suite(.mockOnly) struct ClientLifetime {
  @Test func aTypeIsChosenOnceBeforeTheFirstCall() throws {
    let device = try MockDevice()
    let connection = try device.connect(type: 7)
    #expect(throws: UCBridgeError.errno(.resourceBusy)) {
      try connection.openUserClient(type: 1)
    }
    #expect(try connection.call(.add, 40, 2) == 42)
  }

  @Test func aFirstCallOpensWithTypeZero() throws {
    let connection = try MockDevice().connect()
    try connection.call(.noop)
    #expect(throws: UCBridgeError.errno(.resourceBusy)) {
      try connection.openUserClient(type: 0)
    }
  }

  @Test func afterUnregisterEveryIoctlFailsAndCloseWorks() throws {
    let device = try MockDevice()
    let used = device.connect()
    let unused = device.connect()
    try used.call(.noop)
    device.unregister()
    #expect(throws: UCBridgeError.errno(.operationNotSupportedByDevice)) { try used.call(.noop) }
    #expect(throws: UCBridgeError.errno(.operationNotSupportedByDevice)) { try used.driverInfo() }
    #expect(throws: UCBridgeError.errno(.operationNotSupportedByDevice)) {
      try unused.openUserClient(type: 0)
    }
    device.unregister()
    try used.close()
    try unused.close()
  }

  /// Calls in flight when the driver goes: each either completes or fails
  /// with ENODEV, none in between, and none succeeds once unregister
  /// returned.
  @Test func unregisterWaitsForCallsInFlight() throws {
    let device = try MockDevice()
    let connections = (0..<4).map { _ in device.connect() }
    let group = DispatchGroup()
    for connection in connections {
      DispatchQueue.global().async(group: group) {
        while true {
          do {
            _ = try connection.call(.consistency(delayMicroseconds: 50), [UInt8](repeating: 1, count: 64))
          } catch {
            #expect(error as? UCBridgeError == .errno(.operationNotSupportedByDevice))
            return
          }
        }
      }
    }
    usleep(20_000)
    device.unregister()
    for connection in connections {
      #expect(throws: UCBridgeError.errno(.operationNotSupportedByDevice)) { try connection.call(.noop) }
    }
    group.wait()
    for connection in connections { try connection.close() }
  }
}
