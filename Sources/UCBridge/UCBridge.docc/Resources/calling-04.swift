import UCBridge

let connection = try Connection.open()            // /dev/ucbridge/reference

let sum = try connection.call(.add, 40, 2)
print(sum)                                        // 42

do {
  try connection.call(.resetStats)
} catch .ioReturn(.notPrivileged) {
  print("resetStats needs CAP_SYS_ADMIN")
}

let output = try connection.callMethod(
  ReferenceSelector.echo, structInput: Array("hello".utf8), structOutputRoom: 64)
print(output.structBytes.count)                   // 5: what the method wrote
