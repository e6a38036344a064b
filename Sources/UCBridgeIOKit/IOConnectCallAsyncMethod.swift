import CUCBridge
import UCBridge

/// IOKit's `io_user_reference_t`: one word of an async call's reference.
public typealias io_user_reference_t = UInt64

/// IOKit's `kOSAsyncRef64Count`: the words of an `OSAsyncReference64`,
/// which a completion carries back; the ABI's `UCB_ASYNC_REFERENCE_WORDS`.
public var kOSAsyncRef64Count: Int32 { Int32(UCB_ASYNC_REFERENCE_WORDS) }

/// IOKit's `kOSAsyncRef64Size`: an `OSAsyncReference64`'s size in bytes.
public var kOSAsyncRef64Size: Int32 {
  kOSAsyncRef64Count * Int32(MemoryLayout<io_user_reference_t>.size)
}

/// IOKit's `kIOAsyncReservedIndex`: the reference word the system fills
/// in, with the wake port (whatever the caller put there).
public var kIOAsyncReservedIndex: Int { 0 }

/// IOKit's `kIOAsyncReservedCount`: the words before the caller's own.
public var kIOAsyncReservedCount: Int { kIOAsyncReservedIndex + 1 }

/// IOKit's `kIOAsyncCalloutFuncIndex`: the reference word holding the
/// completion's callback, an ``IOAsyncCallback`` (or one of its shapes
/// for 0, 1 or 2 arguments).
public var kIOAsyncCalloutFuncIndex: Int { kIOAsyncReservedCount }

/// IOKit's `kIOAsyncCalloutRefconIndex`: the reference word holding the
/// callback's refcon.
public var kIOAsyncCalloutRefconIndex: Int { kIOAsyncCalloutFuncIndex + 1 }

/// IOKit's `kIOAsyncCalloutCount`: the reference words an async call with
/// a callback needs, the least the shim accepts.
public var kIOAsyncCalloutCount: Int { kIOAsyncCalloutRefconIndex + 1 }

/// IOKit's `IOAsyncCallback`: a completion with more than two arguments,
/// `args` pointing at them (64-bit values, read with
/// `UInt64(UInt(bitPattern: args[i]))`), valid during the callback.
public typealias IOAsyncCallback = @convention(c) (
  _ refcon: UnsafeMutableRawPointer?, _ result: kern_return_t,
  _ args: UnsafeMutablePointer<UnsafeMutableRawPointer?>?, _ numArgs: UInt32
) -> Void

/// IOKit's `IOAsyncCallback0`: a completion without arguments.
public typealias IOAsyncCallback0 = @convention(c) (
  _ refcon: UnsafeMutableRawPointer?, _ result: kern_return_t
) -> Void

/// IOKit's `IOAsyncCallback1`: a completion with one argument.
public typealias IOAsyncCallback1 = @convention(c) (
  _ refcon: UnsafeMutableRawPointer?, _ result: kern_return_t, _ arg0: UnsafeMutableRawPointer?
) -> Void

/// IOKit's `IOAsyncCallback2`: a completion with two arguments.
public typealias IOAsyncCallback2 = @convention(c) (
  _ refcon: UnsafeMutableRawPointer?, _ result: kern_return_t, _ arg0: UnsafeMutableRawPointer?,
  _ arg1: UnsafeMutableRawPointer?
) -> Void

/// Calls an async method of a ucbridge driver with IOKit's
/// `IOConnectCallAsyncMethod` parameters; its completion runs the
/// callback in the reference words on the notification port's dispatch
/// queue:
///
/// ```swift
/// let callback: IOAsyncCallback1 = { refcon, result, arg0 in
///   print(result, UInt64(UInt(bitPattern: arg0)))
/// }
/// var reference = [UInt64](repeating: 0, count: Int(kOSAsyncRef64Count))
/// reference[kIOAsyncCalloutFuncIndex] = UInt64(UInt(bitPattern: unsafeBitCast(callback, to: UnsafeRawPointer.self)))
/// reference[kIOAsyncCalloutRefconIndex] = UInt64(UInt(bitPattern: refcon))
/// let input: [UInt64] = [1000, 42]                 // delayed: 1 ms, then 42
/// kr = IOConnectCallAsyncScalarMethod(conn, ReferenceSelector.delayed,
///                                     IONotificationPortGetMachPort(port),
///                                     &reference, UInt32(kIOAsyncCalloutCount),
///                                     input, 2, nil, nil)
/// ```
///
/// As IOKit's callout does, the completion calls the callback in the shape
/// its argument count gives: ``IOAsyncCallback0``, ``IOAsyncCallback1``
/// and ``IOAsyncCallback2`` for none, one and two arguments, passing each
/// 64-bit argument as a pointer's bits; ``IOAsyncCallback`` for more, with
/// `args` and `numArgs`.  So a callback is declared for the arguments its
/// method completes with (the reference driver's delayed method: one; a
/// cancelled call: none, as its completion carries none).
///
/// The call returns once the driver accepted or refused it, with the
/// synchronous outputs as ``IOConnectCallMethod(_:_:_:_:_:_:_:_:_:_:)``
/// gives them.  Accepted, its callback runs exactly once: with the
/// method's result, or `kIOReturnAborted` when the connection is closed
/// (``IOServiceClose(_:)``) or the driver goes away first.  Refused, it
/// never runs.  Completions wait for
/// ``IONotificationPortSetDispatchQueue(_:_:)`` when the port has no queue
/// yet, and are dropped once the port is destroyed.
///
/// - Parameters:
///   - connection: A handle from `IOServiceOpen`.
///   - selector: The async method's index in the driver's table.
///   - wake_port: `IONotificationPortGetMachPort(port)`.
///   - reference: The caller's reference words: the callback at
///     `kIOAsyncCalloutFuncIndex`, its refcon at
///     `kIOAsyncCalloutRefconIndex`, any others the caller's own.  The
///     words are sent as they are, but for `kIOAsyncReservedIndex`, where
///     the system puts the wake port, as IOKit does; the caller's memory
///     is not written.
///   - referenceCnt: How many words, `kIOAsyncCalloutCount` to
///     `kOSAsyncRef64Count`.
///   - input: The input scalars, or nil when `inputCnt` is 0.
///   - inputCnt: How many input scalars.
///   - inputStruct: The input struct, or nil when `inputStructCnt` is 0.
///   - inputStructCnt: Its size in bytes.
///   - output: Room for the synchronous output scalars, or nil.
///   - outputCnt: In: the room at `output`; out: how many were written.
///   - outputStruct: Room for the synchronous output struct, or nil.
///   - outputStructCnt: In: the room at `outputStruct`; out: how many
///     bytes were written.
/// - Returns: `kIOReturnSuccess` when the driver accepted the call; the
///   driver's IOReturn when it refused it (`kIOReturnBadArgument` for a
///   method that is not async, `kIOReturnNoResources` when the connection
///   has `UCB_EVENT_QUEUE_MAX` calls and notifications waiting);
///   `kIOReturnNotOpen` for a handle that is not an open connection;
///   `kIOReturnBadArgument` for a `wake_port` that is no live notification
///   port, a nil `reference`, a `referenceCnt` out of range or no callback
///   in the reference (IOKit would call through whatever word is there;
///   the shim never calls a word it was not given), or a nil buffer with a
///   non-zero count.
///
/// The corresponding IOKit call is `IOConnectCallAsyncMethod`; the C calls
/// are `ioctl(fd, UCB_IOC_CALL_ASYNC, &async_call)` and, for the
/// completion, `read(fd, &event, sizeof(struct ucb_event))`.
public func IOConnectCallAsyncMethod(
  _ connection: io_connect_t, _ selector: UInt32, _ wake_port: mach_port_t,
  _ reference: UnsafeMutablePointer<UInt64>?, _ referenceCnt: UInt32,
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
    guard notificationPort(wake_port) != nil, let reference,
      (kIOAsyncCalloutCount...Int(kOSAsyncRef64Count)).contains(Int(referenceCnt)),
      reference[kIOAsyncCalloutFuncIndex] != 0
    else { throw .ioReturn(.badArgument) }
    var words = Array(UnsafeBufferPointer(start: reference, count: Int(referenceCnt)))
    words[kIOAsyncReservedIndex] = io_user_reference_t(wake_port)
    return try connection.submitAsyncMethod(
      selector, reference: words, scalarInput: scalarInput, structInput: structInput,
      scalarOutput: scalarOutput, structOutput: structOutput, completion: calloutCompletion
    ).counts
  }
}

/// Calls an async method that takes and returns scalars only, with
/// IOKit's `IOConnectCallAsyncScalarMethod` parameters.
///
/// - Parameters:
///   - connection: A handle from `IOServiceOpen`.
///   - selector: The async method's index in the driver's table.
///   - wake_port: `IONotificationPortGetMachPort(port)`.
///   - reference: The reference words, the callback and refcon among them.
///   - referenceCnt: How many words.
///   - input: The input scalars, or nil when `inputCnt` is 0.
///   - inputCnt: How many input scalars.
///   - output: Room for output scalars, or nil.
///   - outputCnt: In: the room at `output`; out: how many were written.
/// - Returns: As ``IOConnectCallAsyncMethod(_:_:_:_:_:_:_:_:_:_:_:_:_:)``.
///
/// The corresponding IOKit call is `IOConnectCallAsyncScalarMethod`.
public func IOConnectCallAsyncScalarMethod(
  _ connection: io_connect_t, _ selector: UInt32, _ wake_port: mach_port_t,
  _ reference: UnsafeMutablePointer<UInt64>?, _ referenceCnt: UInt32,
  _ input: UnsafePointer<UInt64>?, _ inputCnt: UInt32,
  _ output: UnsafeMutablePointer<UInt64>?,
  _ outputCnt: UnsafeMutablePointer<UInt32>?
) -> kern_return_t {
  IOConnectCallAsyncMethod(
    connection, selector, wake_port, reference, referenceCnt, input, inputCnt, nil, 0,
    output, outputCnt, nil, nil)
}

/// Calls an async method that takes and returns structs only, with
/// IOKit's `IOConnectCallAsyncStructMethod` parameters.
///
/// - Parameters:
///   - connection: A handle from `IOServiceOpen`.
///   - selector: The async method's index in the driver's table.
///   - wake_port: `IONotificationPortGetMachPort(port)`.
///   - reference: The reference words, the callback and refcon among them.
///   - referenceCnt: How many words.
///   - inputStruct: The input struct, or nil when `inputStructCnt` is 0.
///   - inputStructCnt: Its size in bytes.
///   - outputStruct: Room for the output struct, or nil.
///   - outputStructCnt: In: the room at `outputStruct`; out: how many
///     bytes were written.
/// - Returns: As ``IOConnectCallAsyncMethod(_:_:_:_:_:_:_:_:_:_:_:_:_:)``.
///
/// The corresponding IOKit call is `IOConnectCallAsyncStructMethod`.
public func IOConnectCallAsyncStructMethod(
  _ connection: io_connect_t, _ selector: UInt32, _ wake_port: mach_port_t,
  _ reference: UnsafeMutablePointer<UInt64>?, _ referenceCnt: UInt32,
  _ inputStruct: UnsafeRawPointer?, _ inputStructCnt: Int,
  _ outputStruct: UnsafeMutableRawPointer?,
  _ outputStructCnt: UnsafeMutablePointer<Int>?
) -> kern_return_t {
  IOConnectCallAsyncMethod(
    connection, selector, wake_port, reference, referenceCnt, nil, 0, inputStruct,
    inputStructCnt, nil, nil, outputStruct, outputStructCnt)
}

/// Delivers a completion as IOKit's callout does: to the notification
/// port named in its reference's reserved word, calling the callback in
/// the reference with its refcon, in the shape the argument count gives.
@Sendable
private func calloutCompletion(_ completion: AsyncCompletion) {
  let words = completion.reference
  guard let port = notificationPort(mach_port_t(truncatingIfNeeded: words[kIOAsyncReservedIndex]))
  else { return }
  let result = kern_return_t(bitPattern: completion.result.rawValue)
  let arguments = completion.arguments
  port.deliver {
    // Checked non-zero when the call was submitted.
    let function = UnsafeRawPointer(bitPattern: UInt(words[kIOAsyncCalloutFuncIndex]))!
    let refcon = UnsafeMutableRawPointer(bitPattern: UInt(words[kIOAsyncCalloutRefconIndex]))
    let argument = { (index: Int) in UnsafeMutableRawPointer(bitPattern: UInt(arguments[index])) }
    switch arguments.count {
    case 0:
      unsafeBitCast(function, to: IOAsyncCallback0.self)(refcon, result)
    case 1:
      unsafeBitCast(function, to: IOAsyncCallback1.self)(refcon, result, argument(0))
    case 2:
      unsafeBitCast(function, to: IOAsyncCallback2.self)(refcon, result, argument(0), argument(1))
    default:
      var pointers = arguments.indices.map(argument)
      pointers.withUnsafeMutableBufferPointer {
        unsafeBitCast(function, to: IOAsyncCallback.self)(
          refcon, result, $0.baseAddress, UInt32($0.count))
      }
    }
  }
}
