import CUCBridge

// `UCB_IOC_CALL_ASYNC` and `UCB_IOC_CANCEL` are `_IO(UCB_IOC_MAGIC, nr)`,
// a function-like macro Swift cannot import; CUCBridge.h exports the
// other numbers as constants (`ucb_ioc_call`, ...) and should export these
// two the same way, replacing this file.

/// `UCB_IOC_CALL_ASYNC`: `_IO(UCB_IOC_MAGIC, 0x06)`.
package let ucbIocCallAsync = CUnsignedLong(UCB_IOC_MAGIC) << 8 | 0x06
/// `UCB_IOC_CANCEL`: `_IO(UCB_IOC_MAGIC, 0x07)`.
package let ucbIocCancel = CUnsignedLong(UCB_IOC_MAGIC) << 8 | 0x07
