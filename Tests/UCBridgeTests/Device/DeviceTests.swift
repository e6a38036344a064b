import Testing

/// Everything that tests driver behaviour, run one test at a time so that
/// counters and max_struct_size on a shared real device are not disturbed.
/// See ``DeviceUnderTest`` for what they run against.
@Suite(.serialized)
struct DeviceTests {}
