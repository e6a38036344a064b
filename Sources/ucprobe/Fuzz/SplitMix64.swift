/// SplitMix64 (Steele, Lea and Flood, 2014; the generator that seeds
/// xoshiro): a seedable random number generator, so that a fuzz run can be
/// replayed from its seed.  The standard library's generator cannot be
/// seeded.
struct SplitMix64: RandomNumberGenerator {
  private var state: UInt64

  /// Creates a generator.
  ///
  /// - Parameter seed: The starting state; equal seeds give equal
  ///   sequences.
  init(seed: UInt64) {
    state = seed
  }

  mutating func next() -> UInt64 {
    state &+= 0x9e37_79b9_7f4a_7c15
    return Self.mix(state)
  }

  /// SplitMix64's output function: a bijective mix of 64 bits, used also
  /// to derive independent seeds.
  ///
  /// - Parameter value: The bits to mix.
  /// - Returns: The mixed bits.
  static func mix(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
  }

  /// The generator of one fuzz case: derived from the run's seed and the
  /// case's index alone, so that any case can be replayed by itself.
  ///
  /// - Parameters:
  ///   - seed: The run's seed.
  ///   - index: The case's index in the run.
  /// - Returns: The case's generator.
  static func forCase(seed: UInt64, index: Int) -> SplitMix64 {
    SplitMix64(seed: mix(seed ^ mix(UInt64(truncatingIfNeeded: index) &+ 0x632b_e59b_d9b4_e019)))
  }
}
