import Testing

@testable import ucprobe

/// The benchmark's latency histogram.
@Suite struct LatencyHistogramTests {
  @Test func emptyHistogramReadsZero() {
    let histogram = LatencyHistogram()
    #expect(histogram.count == 0)
    #expect(histogram.percentile(50) == 0)
    #expect(histogram.mean == 0)
  }

  @Test func smallValuesAreExact() {
    var histogram = LatencyHistogram()
    for value in 1...100 { histogram.record(UInt64(value)) }
    #expect(histogram.count == 100)
    #expect(histogram.min == 1)
    #expect(histogram.max == 100)
    #expect(histogram.mean == 50.5)
    #expect(histogram.percentile(50) == 50)
    #expect(histogram.percentile(90) == 90)
    #expect(histogram.percentile(99) == 99)
    #expect(histogram.percentile(100) == 100)
  }

  @Test(arguments: [1_000 as UInt64, 123_456, 9_876_543_210])
  func largeValuesAreWithinOnePercent(_ scale: UInt64) {
    var histogram = LatencyHistogram()
    for step in 1...1000 { histogram.record(scale + UInt64(step) * scale / 1000) }
    for percent in [50.0, 90, 99, 99.9] {
      let exact = Double(scale) + percent * 10 * Double(scale) / 1000
      let read = Double(histogram.percentile(percent))
      #expect(abs(read - exact) / exact < 0.01, "p\(percent) of \(scale): \(read), not \(exact)")
    }
    #expect(histogram.percentile(100) == histogram.max)
    #expect(histogram.percentile(0.0001) >= histogram.min)
  }

  @Test func theLargestValueFits() {
    var histogram = LatencyHistogram()
    histogram.record(.max)
    histogram.record(0)
    #expect(histogram.percentile(100) == .max)
    #expect(histogram.percentile(50) == 0)
  }
}
