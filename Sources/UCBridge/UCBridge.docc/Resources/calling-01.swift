import UCBridge

let connection = try Connection.open()            // /dev/ucbridge/reference
