import UCBridge                                   // for ReferenceSelector
import UCBridgeIOKit

let kCommandIndex = ReferenceSelector.sink        // variable struct in, nothing out

func send(_ rawData: [UInt8]) -> kern_return_t {
  let service = IOServiceGetMatchingService(kIOMainPortDefault,
                                            IOServiceMatching("reference"))
  if service == IO_OBJECT_NULL {
    return kIOReturnNotFound
  }
  var connection: io_connect_t = IO_OBJECT_NULL
  var kr = IOServiceOpen(service, mach_task_self_, 0, &connection)
  IOObjectRelease(service)
  if kr != kIOReturnSuccess {
    return kr
  }
  kr = IOConnectCallMethod(connection, kCommandIndex, nil, 0,
                           rawData, rawData.count, nil, nil, nil, nil)
  IOServiceClose(connection)
  return kr
}

print(send(Array("/etc/hostname".utf8)) == kIOReturnSuccess)
