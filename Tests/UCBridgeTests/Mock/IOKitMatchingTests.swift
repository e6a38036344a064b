import CUCBridgeCore
import KVStoreClient
import Testing
import UCBridge
import UCBridgeIOKit
import UCBridgeMock

/// Finding drivers as IOKit code does — IOServiceMatching,
/// IOServiceGetMatchingService(s), IOIteratorNext, IORegistryEntryGetName,
/// IOServiceOpen by service, IOObjectRelease — against MockDevices
/// registered under names for the test's scope.
@Suite(.mockOnly) struct IOKitMatching {
  /// The name a service handle reports, or nil when refused.
  func name(of service: io_service_t) -> String? {
    var name = [CChar](repeating: 0x55, count: 128)  // io_name_t
    guard IORegistryEntryGetName(service, &name) == kIOReturnSuccess else { return nil }
    return name.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
  }

  /// Every service an iterator hands out, each released after its name
  /// was read.
  func drain(_ iterator: io_iterator_t) -> [String] {
    var names: [String] = []
    while case let service = IOIteratorNext(iterator), service != IO_OBJECT_NULL {
      names.append(name(of: service) ?? "?")
      #expect(IOObjectRelease(service) == kIOReturnSuccess)
    }
    return names
  }

  @Test func matchingFindsARegisteredService() throws {
    let device = try MockDevice()
    try MockRegistry.withRegistered(["reference": device]) {
      let service = IOServiceGetMatchingService(kIOMainPortDefault, IOServiceMatching("reference"))
      #expect(service != IO_OBJECT_NULL)
      #expect(name(of: service) == "reference")

      // The question's client: match, open, the variable-length path.
      var connect: io_connect_t = IO_OBJECT_NULL
      #expect(IOServiceOpen(service, mach_task_self_, 0, &connect) == kIOReturnSuccess)
      #expect(connect != IO_OBJECT_NULL && connect != service)
      #expect(IOObjectRelease(service) == kIOReturnSuccess, "the connection outlives the service handle")
      let file = try TemporaryFile(contents: "abcd")
      let rawData = Array(file.path.string.utf8)
      var output = [UInt64](repeating: 0, count: 4)
      var outputCnt: UInt32 = 4
      #expect(IOConnectCallMethod(connect, Sel.pathInfo, nil, 0, rawData, rawData.count,
                                  &output, &outputCnt, nil, nil) == kIOReturnSuccess)
      #expect(outputCnt == 4 && output[0] == 1 && output[3] == 4)
      #expect(IOServiceClose(connect) == kIOReturnSuccess)

      // IONameMatch matches the same name.
      let byName = IOServiceGetMatchingService(kIOMainPortDefault, IOServiceNameMatching("reference"))
      #expect(byName != IO_OBJECT_NULL && name(of: byName) == "reference")
      #expect(IOObjectRelease(byName) == kIOReturnSuccess)
    }
  }

  @Test func nothingMatchingGivesNull() throws {
    let device = try MockDevice()
    MockRegistry.withRegistered(["reference": device]) {
      #expect(IOServiceGetMatchingService(kIOMainPortDefault, IOServiceMatching("nosuch")) == IO_OBJECT_NULL)
      #expect(IOServiceGetMatchingService(kIOMainPortDefault, IOServiceMatching("Reference")) == IO_OBJECT_NULL,
              "names match exactly")
      #expect(IOServiceGetMatchingService(kIOMainPortDefault, nil) == IO_OBJECT_NULL)

      // No match is success with an empty iterator, as in IOKit.
      var iterator: io_iterator_t = IO_OBJECT_NULL
      #expect(IOServiceGetMatchingServices(kIOMainPortDefault, IOServiceMatching("nosuch"), &iterator)
              == kIOReturnSuccess)
      #expect(iterator != IO_OBJECT_NULL)
      #expect(IOIteratorNext(iterator) == IO_OBJECT_NULL)
      #expect(IOObjectRelease(iterator) == kIOReturnSuccess)

      // A nil dictionary is a bad argument, as in IOKit; the iterator is
      // left as it was.
      iterator = 12345
      #expect(IOServiceGetMatchingServices(kIOMainPortDefault, nil, &iterator) == kIOReturnBadArgument)
      #expect(iterator == 12345)
    }
  }

  @Test func nothingRegisteredGivesNull() {
    MockRegistry.withRegistered([:]) {
      #expect(IOServiceGetMatchingService(kIOMainPortDefault, IOServiceMatching("reference")) == IO_OBJECT_NULL)
      var iterator: io_iterator_t = IO_OBJECT_NULL
      #expect(IOServiceGetMatchingServices(kIOMainPortDefault, IOServiceMatching("IOService"), &iterator)
              == kIOReturnSuccess)
      #expect(drain(iterator) == [])
      #expect(IOObjectRelease(iterator) == kIOReturnSuccess)
    }
  }

  /// IOServiceMatching("IOService") matches every service, as every IOKit
  /// service is an IOService; the iterator goes in name order.
  @Test func iterationYieldsEveryServiceThenNull() throws {
    let reference = try MockDevice()
    let kvstore = try MockDevice { ucb_kvstore_driver_fill($0) }
    MockRegistry.withRegistered(["reference": reference, "kvstore": kvstore]) {
      var iterator: io_iterator_t = IO_OBJECT_NULL
      #expect(IOServiceGetMatchingServices(kIOMainPortDefault, IOServiceMatching("IOService"), &iterator)
              == kIOReturnSuccess)
      #expect(IOIteratorIsValid(iterator) == 1)
      #expect(drain(iterator) == ["kvstore", "reference"])
      #expect(IOIteratorNext(iterator) == IO_OBJECT_NULL, "the end stays the end")
      #expect(IOIteratorReset(iterator) == kIOReturnSuccess)
      #expect(drain(iterator) == ["kvstore", "reference"], "a reset iterator starts over")
      #expect(IOObjectRelease(iterator) == kIOReturnSuccess)

      // A name matches one of them.
      #expect(IOServiceGetMatchingServices(kIOMainPortDefault, IOServiceMatching("kvstore"), &iterator)
              == kIOReturnSuccess)
      #expect(drain(iterator) == ["kvstore"])
      #expect(IOObjectRelease(iterator) == kIOReturnSuccess)
      #expect(IOServiceGetMatchingServices(kIOMainPortDefault, IOServiceNameMatching("IOService"), &iterator)
              == kIOReturnSuccess)
      #expect(drain(iterator) == [], "IONameMatch has no wildcard")
      #expect(IOObjectRelease(iterator) == kIOReturnSuccess)
    }
  }

  @Test func registryEntryGetNameWritesANulTerminatedName() throws {
    let device = try MockDevice { ucb_kvstore_driver_fill($0) }
    MockRegistry.withRegistered(["kvstore": device]) {
      let service = IOServiceGetMatchingService(kIOMainPortDefault, IOServiceMatching("kvstore"))
      var name = [CChar](repeating: 0x55, count: 128)
      #expect(IORegistryEntryGetName(service, &name) == kIOReturnSuccess)
      #expect(Array(name[..<8]) == Array("kvstore".utf8CString))
      #expect(name[8...].allSatisfy { $0 == 0x55 }, "nothing written past the NUL")
      #expect(IOObjectRelease(service) == kIOReturnSuccess)
    }
  }

  /// The type reaches the driver's open callback: the template driver
  /// refuses 7 and opens 1 read-only.
  @Test func openByServiceTakesTheType() throws {
    let device = try MockDevice { ucb_kvstore_driver_fill($0) }
    MockRegistry.withRegistered(["kvstore": device]) {
      let service = IOServiceGetMatchingService(kIOMainPortDefault, IOServiceMatching("kvstore"))
      #expect(service != IO_OBJECT_NULL)
      defer { #expect(IOObjectRelease(service) == kIOReturnSuccess) }
      let put = KVStore.putInput(key: Array("k".utf8), value: Array("v".utf8))

      var connect: io_connect_t = 777
      #expect(IOServiceOpen(service, mach_task_self_, 7, &connect) == kIOReturnBadArgument)
      #expect(connect == 777, "left as it was")

      #expect(IOServiceOpen(service, mach_task_self_, KVStore.readOnly, &connect) == kIOReturnSuccess)
      #expect(IOConnectCallStructMethod(connect, Method.put.selector, put, put.count, nil, nil)
              == kIOReturnNotPermitted)
      #expect(IOServiceClose(connect) == kIOReturnSuccess)

      #expect(IOServiceOpen(service, mach_task_self_, KVStore.readWrite, &connect) == kIOReturnSuccess)
      #expect(IOConnectCallStructMethod(connect, Method.put.selector, put, put.count, nil, nil)
              == kIOReturnSuccess)
      #expect(IOServiceClose(connect) == kIOReturnSuccess)
    }
  }

  @Test func releasedHandlesAreRefused() throws {
    let device = try MockDevice()
    MockRegistry.withRegistered(["reference": device]) {
      let service = IOServiceGetMatchingService(kIOMainPortDefault, IOServiceMatching("reference"))
      #expect(service != IO_OBJECT_NULL)
      #expect(IOObjectRelease(service) == kIOReturnSuccess)
      #expect(IOObjectRelease(service) == kIOReturnBadArgument, "released twice")
      var connect: io_connect_t = IO_OBJECT_NULL
      #expect(IOServiceOpen(service, mach_task_self_, 0, &connect) == kIOReturnBadArgument)
      #expect(connect == IO_OBJECT_NULL)
      #expect(name(of: service) == nil)

      var iterator: io_iterator_t = IO_OBJECT_NULL
      #expect(IOServiceGetMatchingServices(kIOMainPortDefault, IOServiceMatching("reference"), &iterator)
              == kIOReturnSuccess)
      #expect(IOObjectRelease(iterator) == kIOReturnSuccess)
      #expect(IOIteratorNext(iterator) == IO_OBJECT_NULL)
      #expect(IOIteratorReset(iterator) == kIOReturnBadArgument)
      #expect(IOIteratorIsValid(iterator) == 0)
      #expect(IOObjectRelease(iterator) == kIOReturnBadArgument)

      // IO_OBJECT_NULL: never a handle; releasing it does nothing, as
      // mach_port_deallocate does for MACH_PORT_NULL.
      #expect(IOServiceOpen(IO_OBJECT_NULL, mach_task_self_, 0, &connect) == kIOReturnBadArgument)
      #expect(name(of: IO_OBJECT_NULL) == nil)
      #expect(IOIteratorNext(IO_OBJECT_NULL) == IO_OBJECT_NULL)
      #expect(IOObjectRelease(IO_OBJECT_NULL) == kIOReturnSuccess)
      #expect(IOObjectRelease(0xdead_beef) == kIOReturnBadArgument, "never handed out")
    }
  }

  /// Handles of every kind share one space: each call takes its own kind
  /// and refuses the others, leaving them as they were.
  @Test func aHandleOfAnotherKindIsRefused() throws {
    let device = try MockDevice()
    MockRegistry.withRegistered(["reference": device]) {
      let service = IOServiceGetMatchingService(kIOMainPortDefault, IOServiceMatching("reference"))
      var iterator: io_iterator_t = IO_OBJECT_NULL
      #expect(IOServiceGetMatchingServices(kIOMainPortDefault, IOServiceMatching("reference"), &iterator)
              == kIOReturnSuccess)
      var connect: io_connect_t = IO_OBJECT_NULL
      #expect(IOServiceOpen(service, mach_task_self_, 0, &connect) == kIOReturnSuccess)
      #expect(Set([service, iterator, connect]).count == 3)

      #expect(IOServiceClose(service) == kIOReturnNotOpen)
      #expect(IOServiceClose(iterator) == kIOReturnNotOpen)
      #expect(IOConnectCallMethod(service, Sel.noop, nil, 0, nil, 0, nil, nil, nil, nil) == kIOReturnNotOpen)
      var other: io_connect_t = IO_OBJECT_NULL
      #expect(IOServiceOpen(connect, mach_task_self_, 0, &other) == kIOReturnBadArgument)
      #expect(IOServiceOpen(iterator, mach_task_self_, 0, &other) == kIOReturnBadArgument)
      #expect(name(of: connect) == nil && name(of: iterator) == nil)
      #expect(IOIteratorNext(service) == IO_OBJECT_NULL && IOIteratorNext(connect) == IO_OBJECT_NULL)

      // All three still work.
      #expect(name(of: service) == "reference")
      #expect(IOConnectCallMethod(connect, Sel.noop, nil, 0, nil, 0, nil, nil, nil, nil) == kIOReturnSuccess)
      #expect(drain(iterator) == ["reference"])
      #expect(IOObjectRelease(iterator) == kIOReturnSuccess)
      #expect(IOObjectRelease(service) == kIOReturnSuccess)
      #expect(IOServiceClose(connect) == kIOReturnSuccess)
      #expect(IOObjectRelease(connect) == kIOReturnBadArgument, "IOServiceClose released it")
    }
  }

  /// Releasing a connection closes it, as the last reference of an
  /// io_connect_t going closes IOKit's user client.
  @Test func releasingAConnectionClosesIt() throws {
    let device = try MockDevice()
    MockRegistry.withRegistered(["reference": device]) {
      let service = IOServiceGetMatchingService(kIOMainPortDefault, IOServiceMatching("reference"))
      defer { IOObjectRelease(service) }
      var connect: io_connect_t = IO_OBJECT_NULL
      #expect(IOServiceOpen(service, mach_task_self_, 0, &connect) == kIOReturnSuccess)
      #expect(IOObjectRelease(connect) == kIOReturnSuccess)
      #expect(IOConnectCallMethod(connect, Sel.noop, nil, 0, nil, 0, nil, nil, nil, nil) == kIOReturnNotOpen)
      #expect(IOServiceClose(connect) == kIOReturnNotOpen)
    }
  }

  /// A driver that unregistered after it was matched: its handle still
  /// names it, but it no longer opens.
  @Test func aServiceThatWentDoesNotOpen() throws {
    let device = try MockDevice()
    MockRegistry.withRegistered(["reference": device]) {
      let service = IOServiceGetMatchingService(kIOMainPortDefault, IOServiceMatching("reference"))
      #expect(service != IO_OBJECT_NULL)
      device.unregister()
      var connect: io_connect_t = IO_OBJECT_NULL
      #expect(IOServiceOpen(service, mach_task_self_, 0, &connect) == kIOReturnNoDevice)
      #expect(connect == IO_OBJECT_NULL)
      #expect(name(of: service) == "reference")
      #expect(IOObjectRelease(service) == kIOReturnSuccess)
      #expect(IOServiceGetMatchingService(kIOMainPortDefault, IOServiceMatching("reference")) == IO_OBJECT_NULL,
              "no longer found")
    }
  }

  /// An iterator holds what matched when it was made: registering
  /// afterwards does not change what it hands out.
  @Test func anIteratorHoldsWhatMatchedWhenItWasMade() throws {
    let reference = try MockDevice()
    let kvstore = try MockDevice { ucb_kvstore_driver_fill($0) }
    MockRegistry.withRegistered(["reference": reference]) {
      var iterator: io_iterator_t = IO_OBJECT_NULL
      #expect(IOServiceGetMatchingServices(kIOMainPortDefault, IOServiceMatching("IOService"), &iterator)
              == kIOReturnSuccess)
      MockRegistry.withRegistered(["reference": reference, "kvstore": kvstore]) {
        #expect(drain(iterator) == ["reference"])
      }
      #expect(IOObjectRelease(iterator) == kIOReturnSuccess)
    }
  }

  @Test func constants() {
    #expect(kIOMainPortDefault == 0)
    #expect(IO_OBJECT_NULL == 0)
    #expect(IOServiceMatching("reference") == IOServiceMatching("reference"))
    #expect(IOServiceMatching("reference") != IOServiceNameMatching("reference"))
    #expect(IOServiceMatching("reference")?.description == "{IOProviderClass = reference}")
  }
}
