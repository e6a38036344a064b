import Testing
import UCBridge
import UCBridgeMock

func driverSum(_ a: UInt64, _ b: UInt64, on connection: Connection) throws(UCBridgeError) -> UInt64 {
  try connection.call(.add, a, b)
}

@Test func sumWraps() throws {
  let device = try MockDevice()                   // the reference driver, in-process
  let connection = device.connect(privileged: false)
  #expect(try driverSum(40, 2, on: connection) == 42)
  #expect(try driverSum(.max, 1, on: connection) == 0)
}
