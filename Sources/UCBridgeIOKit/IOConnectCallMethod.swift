import UCBridge

/// Calls a method of a ucbridge driver with IOKit's
/// `IOConnectCallMethod` parameters, so a macOS client's call ports as it
/// is:
///
/// ```swift
/// // C++: kr = IOConnectCallMethod(conn, kCommandIndex, 0, 0,
/// //                              rawData.data(), rawData.size(), 0, 0, 0, 0);
/// kr = IOConnectCallMethod(conn, kCommandIndex, nil, 0,
///                          rawData, rawData.count, nil, nil, nil, nil)
/// ```
///
/// Counts follow IOKit: `outputCnt` and `outputStructCnt` hold the room on
/// entry and what the method wrote on return (0 on failure); nil means no
/// room.  Output buffers are written only on success.
///
/// - Parameters:
///   - connection: A handle from `IOServiceOpen`.
///   - selector: The method's index in the driver's table.
///   - input: The input scalars, or nil when `inputCnt` is 0.
///   - inputCnt: How many input scalars.
///   - inputStruct: The input struct, or nil when `inputStructCnt` is 0.
///   - inputStructCnt: Its size in bytes.
///   - output: Room for output scalars, or nil.
///   - outputCnt: In: the room at `output`; out: how many were written.
///   - outputStruct: Room for the output struct, or nil.
///   - outputStructCnt: In: the room at `outputStruct`; out: how many
///     bytes were written.
/// - Returns: `kIOReturnSuccess`, the driver's IOReturn, or a system error
///   mapped as the module documentation lists (a bad pointer gives
///   `kIOReturnBadArgument`); `kIOReturnNotOpen` for a handle that is not
///   open; `kIOReturnBadArgument` for a nil buffer with a non-zero count.
///
/// The corresponding IOKit call is `IOConnectCallMethod`; the C call is
/// `ioctl(fd, UCB_IOC_CALL, &call)`.
///
/// Inlined into its caller (`@inline(always)`), with the handle's lookup
/// and the raw call, as a C caller's ioctl is built where it is made.
@inlinable @inline(always)
public func IOConnectCallMethod(
  _ connection: io_connect_t, _ selector: UInt32,
  _ input: UnsafePointer<UInt64>?, _ inputCnt: UInt32,
  _ inputStruct: UnsafeRawPointer?, _ inputStructCnt: Int,
  _ output: UnsafeMutablePointer<UInt64>?,
  _ outputCnt: UnsafeMutablePointer<UInt32>?,
  _ outputStruct: UnsafeMutableRawPointer?,
  _ outputStructCnt: UnsafeMutablePointer<Int>?
) -> kern_return_t {
  callMethod(
    connection, input, inputCnt, inputStruct, inputStructCnt, output, outputCnt,
    outputStruct, outputStructCnt
  ) { connection, scalarInput, structInput, scalarOutput, structOutput throws(UCBridgeError) in
    // The handle holds a use of the connection's descriptor, and the
    // caller is counted in the handle's slot until the call returns.
    try connection._callMethod(
      selector, scalarInput: scalarInput, structInput: structInput,
      scalarOutput: scalarOutput, structOutput: structOutput, useHeld: true)
  }
}

/// Calls a method that takes and returns scalars only, with IOKit's
/// `IOConnectCallScalarMethod` parameters.
///
/// - Parameters:
///   - connection: A handle from `IOServiceOpen`.
///   - selector: The method's index in the driver's table.
///   - input: The input scalars, or nil when `inputCnt` is 0.
///   - inputCnt: How many input scalars.
///   - output: Room for output scalars, or nil.
///   - outputCnt: In: the room at `output`; out: how many were written.
/// - Returns: As ``IOConnectCallMethod(_:_:_:_:_:_:_:_:_:_:)``.
///
/// The corresponding IOKit call is `IOConnectCallScalarMethod`.
@inlinable
public func IOConnectCallScalarMethod(
  _ connection: io_connect_t, _ selector: UInt32,
  _ input: UnsafePointer<UInt64>?, _ inputCnt: UInt32,
  _ output: UnsafeMutablePointer<UInt64>?,
  _ outputCnt: UnsafeMutablePointer<UInt32>?
) -> kern_return_t {
  IOConnectCallMethod(
    connection, selector, input, inputCnt, nil, 0, output, outputCnt, nil, nil)
}

/// Calls a method that takes and returns structs only, with IOKit's
/// `IOConnectCallStructMethod` parameters.
///
/// - Parameters:
///   - connection: A handle from `IOServiceOpen`.
///   - selector: The method's index in the driver's table.
///   - inputStruct: The input struct, or nil when `inputStructCnt` is 0.
///   - inputStructCnt: Its size in bytes.
///   - outputStruct: Room for the output struct, or nil.
///   - outputStructCnt: In: the room at `outputStruct`; out: how many
///     bytes were written.
/// - Returns: As ``IOConnectCallMethod(_:_:_:_:_:_:_:_:_:_:)``.
///
/// The corresponding IOKit call is `IOConnectCallStructMethod`.
@inlinable
public func IOConnectCallStructMethod(
  _ connection: io_connect_t, _ selector: UInt32,
  _ inputStruct: UnsafeRawPointer?, _ inputStructCnt: Int,
  _ outputStruct: UnsafeMutableRawPointer?,
  _ outputStructCnt: UnsafeMutablePointer<Int>?
) -> kern_return_t {
  IOConnectCallMethod(
    connection, selector, nil, 0, inputStruct, inputStructCnt, nil, nil,
    outputStruct, outputStructCnt)
}

/// The raw call behind the IOKit shapes, synchronous or async: the checks
/// every shape makes, then `make` with the connection and the buffers.
///
/// Counts follow IOKit: `outputCnt` and `outputStructCnt` hold the room
/// on entry and what the method wrote on return (0 on failure).
@inlinable @inline(always)
func callMethod(
  _ handle: io_connect_t,
  _ input: UnsafePointer<UInt64>?, _ inputCnt: UInt32,
  _ inputStruct: UnsafeRawPointer?, _ inputStructCnt: Int,
  _ output: UnsafeMutablePointer<UInt64>?,
  _ outputCnt: UnsafeMutablePointer<UInt32>?,
  _ outputStruct: UnsafeMutableRawPointer?,
  _ outputStructCnt: UnsafeMutablePointer<Int>?,
  make: (
    Connection, UnsafeBufferPointer<UInt64>, UnsafeRawBufferPointer,
    UnsafeMutableBufferPointer<UInt64>, UnsafeMutableRawBufferPointer
  ) throws(UCBridgeError) -> OutputCounts
) -> kern_return_t {
  let outputRoom = Int(outputCnt?.pointee ?? 0)
  let outputStructRoom = outputStructCnt?.pointee ?? 0
  outputCnt?.pointee = 0
  outputStructCnt?.pointee = 0
  return withOpenConnection(handle) { connection in
    // Buffers must exist wherever there is a count (a null pointer with a
    // count would fault in the driver), and no size is negative: tested
    // together, not with a branch each.
    let countsWithoutBuffer =
      (input == nil ? Int(inputCnt) : 0) | (inputStruct == nil ? inputStructCnt : 0)
      | (output == nil ? outputRoom : 0) | (outputStruct == nil ? outputStructRoom : 0)
    guard countsWithoutBuffer == 0, inputStructCnt | outputStructRoom >= 0
    else { return kIOReturnBadArgument }
    do throws(UCBridgeError) {
      let counts = try make(
        connection,
        UnsafeBufferPointer(start: input, count: Int(inputCnt)),
        UnsafeRawBufferPointer(start: inputStruct, count: inputStructCnt),
        UnsafeMutableBufferPointer(start: output, count: outputRoom),
        UnsafeMutableRawBufferPointer(start: outputStruct, count: outputStructRoom))
      // At most the room, which was a UInt32.
      outputCnt?.pointee = UInt32(truncatingIfNeeded: counts.scalarCount)
      outputStructCnt?.pointee = counts.structSize
      return kIOReturnSuccess
    } catch {
      return kernReturn(error)
    }
  } ?? kIOReturnNotOpen
}
