import CUCBridge
import UCBridgeTestSupport

/// One ioctl other than a call: `UCB_IOC_DRIVER_INFO`,
/// `UCB_IOC_METHOD_INFO`, `UCB_IOC_OPEN`, or a number the driver does not
/// know, with an argument structure that grows by its `size` field as
/// `struct ucb_call` does.
struct InfoRequest: Hashable, Sendable {
  /// The ioctl number.
  var command: CUnsignedLong
  /// The size of the structure the driver knows for it.
  var knownSize: Int
  /// The structure's `size` field.
  var size: UInt32
  /// The structure's `flags` field.
  var flags: UInt32 = 0
  /// The third input field: method info's `selector`, open's `type`; nil
  /// for the other structures.
  var selector: UInt32?
  /// The bytes past the known structure, up to `size`.
  var tail: HeaderTail = .zero
  /// What the fields the driver only writes hold before the ioctl.
  var outputFieldsBefore: UInt8 = 0
  /// Where the structure lies.
  var placement: Placement = .aligned

  /// `UCB_IOC_DRIVER_INFO` with a structure of the size the caller knows.
  static func driverInfo(size: UInt32 = UInt32(UCB_DRIVER_INFO_SIZE_VER0)) -> InfoRequest {
    InfoRequest(
      command: ucb_ioc_driver_info, knownSize: MemoryLayout<ucb_driver_info>.size, size: size)
  }

  /// `UCB_IOC_METHOD_INFO` for one selector.
  static func methodInfo(
    _ selector: UInt32, size: UInt32 = UInt32(UCB_METHOD_INFO_SIZE_VER0)
  ) -> InfoRequest {
    InfoRequest(
      command: ucb_ioc_method_info, knownSize: MemoryLayout<ucb_method_info>.size, size: size,
      selector: selector)
  }

  /// `UCB_IOC_OPEN` choosing a user-client type.
  static func open(
    type: UInt32, size: UInt32 = UInt32(UCB_OPEN_SIZE_VER0)
  ) -> InfoRequest {
    InfoRequest(
      command: ucb_ioc_open, knownSize: MemoryLayout<ucb_open>.size, size: size,
      selector: type)
  }

  /// An ioctl number the driver does not know, with a 64-byte zeroed
  /// argument.
  static func unknown(_ command: CUnsignedLong) -> InfoRequest {
    InfoRequest(command: command, knownSize: 64, size: 64)
  }

  /// The fields of the structure the driver knows for the ioctl; nil for
  /// an ioctl the driver does not know.
  var fields: StructFields? {
    switch command {
    case ucb_ioc_driver_info: return .driverInfo
    case ucb_ioc_method_info: return .methodInfo
    case ucb_ioc_open: return .open
    case ucb_ioc_memory_info: return .memoryInfo
    default: return nil
    }
  }

  /// Bytes of argument memory a case writes: `size` bytes when the driver
  /// may read that many (the known size to 4096), else the known size.
  var bufferCount: Int {
    (knownSize...4096).contains(Int(size)) ? Int(size) : knownSize
  }

  /// The argument's bytes: `size`, `flags`, the selector, the output
  /// fields' filler, then the tail.
  var image: [UInt8] {
    var image = [UInt8](repeating: 0, count: bufferCount)
    let inputFields = selector == nil ? 8 : 12
    for index in inputFields..<knownSize { image[index] = outputFieldsBefore }
    image.withUnsafeMutableBytes { bytes in
      bytes.storeBytes(of: size.littleEndian, toByteOffset: 0, as: UInt32.self)
      bytes.storeBytes(of: flags.littleEndian, toByteOffset: 4, as: UInt32.self)
      if let selector {
        bytes.storeBytes(of: selector.littleEndian, toByteOffset: 8, as: UInt32.self)
      }
    }
    if case .nonZero(let offset) = tail, image.indices.contains(offset) {
      image[offset] = 0x01
    }
    return image
  }
}
