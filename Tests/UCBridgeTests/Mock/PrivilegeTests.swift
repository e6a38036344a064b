import Testing
import UCBridge
import UCBridgeIOKit
import UCBridgeMock

/// Admin-only methods on mock connections (the real device's are covered
/// by the C selftest, which can drop privileges in a child).
@Suite(.mockOnly) struct Privilege {
  let device: MockDevice
  init() throws { device = try MockDevice() }

  @Test func unprivilegedResetStatsIsNotPrivilegedOnEveryLayer() throws {
    let user = device.connect(privileged: false)
    #expect(throws: UCBridgeError.ioReturn(.notPrivileged)) { try user.call(.resetStats) }
    #expect(throws: UCBridgeError.ioReturn(.notPrivileged)) { try user.callMethod(Sel.resetStats) }
    var conn = IO_OBJECT_NULL
    #expect(IOServiceOpen(user, mach_task_self_, 0, &conn) == kIOReturnSuccess)
    defer { _ = IOServiceClose(conn) }
    #expect(IOConnectCallScalarMethod(conn, Sel.resetStats, nil, 0, nil, nil) == kIOReturnNotPrivileged)
  }

  @Test func privilegeIsCheckedBeforeTheCounts() throws {
    let user = device.connect()
    #expect(throws: UCBridgeError.ioReturn(.notPrivileged), "wrong count too, privilege first") {
      try user.callMethod(Sel.resetStats, scalarInput: [1])
    }
  }

  @Test func unprivilegedCallsOtherMethods() throws {
    let user = device.connect()
    try user.call(.noop)
    #expect(try user.call(.add, 2, 3) == 5)
    #expect(
      try user.methods().count == MethodDeclaration.reference.count,
      "introspection needs no privilege")
  }

  @Test func refusedCallsCountAsErrorsAndPrivilegedResetWorks() throws {
    let admin = device.connect(privileged: true)
    let user = device.connect(privileged: false)
    try admin.call(.resetStats)
    _ = try? user.call(.resetStats)
    _ = try? user.call(.resetStats)
    let info = try admin.methodInfo(selector: Sel.resetStats)
    #expect(info.calls == 3 && info.errors == 2)
    try admin.call(.resetStats)
    #expect(try admin.methodInfo(selector: Sel.resetStats).errors == 0)
  }

  @Test func privilegeIsPerConnection() throws {
    let admin = device.connect(privileged: true)
    let user = device.connect(privileged: false)
    try admin.call(.resetStats)
    #expect(throws: UCBridgeError.ioReturn(.notPrivileged)) { try user.call(.resetStats) }
    try admin.call(.resetStats)
  }
}
