import CUCBridge
import UCBridgeTestSupport

/// One `UCB_IOC_CALL` a case makes: the selector, the four buffers with
/// their counts and placements, and, for malformed calls, the header.
///
/// Counts come from the buffers: `scalar_in_count` is
/// `scalarInput.count`, `struct_in_size` is `structInput.count`, and the
/// output counts are the rooms.
struct CallRequest: Hashable, Sendable {
  /// The selector.
  var selector: UInt32
  /// The input scalars.
  var scalarInput: [UInt64] = []
  /// Where the input scalars lie.
  var scalarInputPlacement: Placement = .aligned
  /// The input struct.
  var structInput: Bytes = .empty
  /// Where the input struct lies.
  var structInputPlacement: Placement = .aligned
  /// Room for output scalars.
  var scalarOutputRoom = 0
  /// Where the output scalars go.
  var scalarOutputPlacement: Placement = .aligned
  /// Room for the output struct, in bytes.
  var structOutputRoom = 0
  /// Where the output struct goes.
  var structOutputPlacement: Placement = .aligned
  /// The header, sent through the raw ioctl SPI; nil sends the call
  /// through `Connection.callMethod`, the public raw call, whenever its
  /// buffer pointers can carry the placements (a NULL buffer with a
  /// non-zero count, or misaligned scalars, go through the SPI with a
  /// well-formed header).
  var header: CallHeader?
  /// For a call sent with `UCB_IOC_CALL_ASYNC`, its `struct
  /// ucb_async_call`; nil for `UCB_IOC_CALL`.
  var async: AsyncHeader?
}

/// The header of a call sent through the raw ioctl SPI, well-formed or
/// not.
struct CallHeader: Hashable, Sendable {
  /// The header's `size` field.
  var size = UInt32(UCB_CALL_SIZE_VER0)
  /// The bytes past the 64 of `struct ucb_call`, up to `size`.
  var tail: HeaderTail = .zero
  /// The header's `flags` field.
  var flags: UInt32 = 0
  /// What the `result` field holds before the call; the driver only
  /// writes it.
  var resultBefore: UInt32 = 0x5a5a_5a5a
  /// Where the header lies.
  var placement: Placement = .aligned

  /// A well-formed header, through the SPI.
  static var wellFormed: CallHeader { CallHeader() }
}

/// The bytes of an argument header past the structure the driver knows.
enum HeaderTail: Hashable, Sendable {
  /// All zero: accepted.
  case zero
  /// Zero but for one byte of 0x01 at this offset from the header's start.
  case nonZero(at: Int)
}
