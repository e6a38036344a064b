import UCBridge

let connection = try Connection.open()            // /dev/ucbridge/reference

let sum = try connection.call(.add, 40, 2)
print(sum)                                        // 42
