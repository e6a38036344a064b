import CUCBridge

/// Ioctl numbers the driver does not know, in its own type 0xBC and
/// beyond: `ENOTTY`, the argument untouched.
extension CorpusSection {
  var ioctlCases: [ConformanceCase] {
    let magic = CUnsignedLong(UCB_IOC_MAGIC)
    let unknown: [(String, String, CUnsignedLong)] = [
      ("nr=0x08", "the first number after the eight ucbridge ioctls", ioc(0, magic, 0x08, 0)),
      ("nr=0x7f", "an unused number in type 0xBC", ioc(0, magic, 0x7f, 0)),
      ("nr=0xff", "the last number in type 0xBC", ioc(0, magic, 0xff, 0)),
      ("call_with_size_bits", "UCB_IOC_CALL's number as _IOWR(0xBC, 0, struct ucb_call): the numbers carry no size",
       ioc(3, magic, 0x00, MemoryLayout<ucb_call>.size)),
      ("driver_info_with_size_bits", "UCB_IOC_DRIVER_INFO's number as _IOR(0xBC, 1, struct ucb_driver_info)",
       ioc(2, magic, 0x01, MemoryLayout<ucb_driver_info>.size)),
      ("method_info_with_size_bits", "UCB_IOC_METHOD_INFO's number as _IOW(0xBC, 2, struct ucb_method_info)",
       ioc(1, magic, 0x02, MemoryLayout<ucb_method_info>.size)),
      ("open_with_size_bits", "UCB_IOC_OPEN's number as _IOWR(0xBC, 3, struct ucb_open)",
       ioc(3, magic, 0x03, MemoryLayout<ucb_open>.size)),
      ("call_batch_with_size_bits", "UCB_IOC_CALL_BATCH's number as _IOWR(0xBC, 4, struct ucb_batch)",
       ioc(3, magic, 0x04, MemoryLayout<ucb_batch>.size)),
      ("memory_info_with_size_bits", "UCB_IOC_MEMORY_INFO's number as _IOWR(0xBC, 5, struct ucb_memory_info)",
       ioc(3, magic, 0x05, MemoryLayout<ucb_memory_info>.size)),
      ("call_async_with_size_bits", "UCB_IOC_CALL_ASYNC's number as _IOWR(0xBC, 6, struct ucb_async_call)",
       ioc(3, magic, 0x06, MemoryLayout<ucb_async_call>.size)),
      ("cancel_with_size_bits", "UCB_IOC_CANCEL's number as _IOW(0xBC, 7, struct ucb_cancel)",
       ioc(1, magic, 0x07, MemoryLayout<ucb_cancel>.size)),
      ("foreign_type", "_IOWR('T', 1, int), another driver's type", ioc(3, 0x54, 0x01, 4)),
    ]
    var cases = unknown.map { name, summary, command in
      info("ioctl/\(name)", "\(summary) -> ENOTTY", expect: .notTTY, .unknown(command))
    }
    var call = InfoRequest.unknown(ucb_ioc_call | (1 << 32))
    call.knownSize = MemoryLayout<ucb_call>.size
    cases.append(info(
      "ioctl/upper_32_bits_ignored",
      "UCB_IOC_CALL with bit 32 set reaches the call handler: the kernel takes the number as 32 bits; a noop call of size 64 succeeds",
      expect: .succeeded, call, output: .literal(call.image)))
    return cases
  }

  /// An ioctl number as the kernel's `_IOC(dir, type, nr, size)`.
  private func ioc(
    _ direction: CUnsignedLong, _ type: CUnsignedLong, _ number: CUnsignedLong, _ size: Int
  ) -> CUnsignedLong {
    direction << 30 | CUnsignedLong(size) << 16 | type << 8 | number
  }
}
