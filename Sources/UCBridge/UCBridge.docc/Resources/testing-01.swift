import UCBridge

/// Adds two numbers on the driver.
func driverSum(_ a: UInt64, _ b: UInt64, on connection: Connection) throws(UCBridgeError) -> UInt64 {
  try connection.call(.add, a, b)
}
