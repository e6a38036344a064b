// Unchecked ioctls for tools that must send what the typed API refuses.

extension Connection {
  /// Performs one ioctl on the connection with an argument the caller
  /// built byte for byte, checking nothing.
  ///
  /// This is for probes and fuzzers that send malformed calls on purpose:
  /// a header whose `size` is short or long, non-zero `flags`, counts above
  /// `UCB_MAX_SCALARS`, bad buffer pointers, unknown ioctl numbers.  It
  /// goes through the same path as every other call of the connection, so
  /// it reaches a mock device's dispatch core as well as a device node.
  /// Apps use ``callMethod(_:scalarInput:structInput:scalarOutput:structOutput:)``
  /// instead.
  ///
  /// - Parameters:
  ///   - request: The ioctl number, such as `ucb_ioc_call`; any number is
  ///     sent as is.
  ///   - argument: The argument, passed to the driver unchanged; it may
  ///     be nil or point at memory that cannot be read (the driver, or a
  ///     mock device's dispatch core, fails the call with `EFAULT`).
  /// - Throws: ``UCBridgeError/errno(_:)`` with the ioctl's error number,
  ///   or `.badFileDescriptor` once the connection is closed.
  ///
  /// The corresponding C call is `ioctl(fd, request, argument)`.
  @_spi(RawIoctl)
  public func rawIoctl(
    _ request: CUnsignedLong, _ argument: UnsafeMutableRawPointer?
  ) throws(UCBridgeError) {
    try ioctl(request, argument).mapError(UCBridgeError.errno).get()
  }
}
