import BenchModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A number with `digits` decimals.
func fixed(_ value: Double, _ digits: Int) -> String {
  guard value.isFinite else { return "–" }
  var scale = 1.0
  for _ in 0..<digits { scale *= 10 }
  let rounded = (abs(value) * scale).rounded() / scale
  let whole = Int(rounded)
  var text = (value < 0 && rounded != 0 ? "-" : "") + String(whole)
  if digits > 0 {
    var fraction = String(Int(((rounded - Double(whole)) * scale).rounded()))
    while fraction.count < digits { fraction = "0" + fraction }
    text += "." + fraction
  }
  return text
}

/// Three significant digits, without exponent, for magnitudes seen here.
func significant(_ value: Double) -> String {
  guard value.isFinite else { return "–" }
  let magnitude = abs(value)
  if magnitude >= 100 { return fixed(value, 0) }
  if magnitude >= 10 { return fixed(value, 1) }
  if magnitude >= 1 { return fixed(value, 2) }
  if magnitude >= 0.1 { return fixed(value, 3) }
  return fixed(value, 4)
}

/// "1.23× (1.20–1.25)": the median and the interquartile range.
func ratioText(_ summary: Summary?) -> String {
  guard let s = summary else { return "–" }
  return "\(fixed(s.median, 2))× (\(fixed(s.p25, 2))–\(fixed(s.p75, 2)))"
}

/// Bytes as "4 KiB", "4095 B".
func sizeText(_ bytes: Int) -> String {
  if bytes >= 1 << 20 && bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
  if bytes >= 1 << 10 && bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
  return "\(bytes) B"
}

/// Nanoseconds for the eye: "1234 ns", "12.3 µs", "45.6 ms".
func timeText(_ ns: Double) -> String {
  if ns >= 1e6 { return "\(significant(ns / 1e6)) ms" }
  if ns >= 1e4 { return "\(significant(ns / 1e3)) µs" }
  return "\(fixed(ns, 0)) ns"
}

/// Bytes per nanosecond as GiB/s.
func bandwidthText(bytes: Int, ns: Double) -> String {
  guard ns > 0, bytes > 0 else { return "–" }
  return significant(Double(bytes) / ns * 1e9 / Double(1 << 30))
}

func verdict(_ met: Bool?) -> String {
  switch met {
  case true?: return "**met**"
  case false?: return "**missed**"
  case nil: return "–"
  }
}

func writeText(_ path: String, _ text: String) {
  guard let file = fopen(path, "w") else {
    fatalError("cannot write \(path)")
  }
  var text = text
  text.withUTF8 { _ = fwrite($0.baseAddress, 1, $0.count, file) }
  fclose(file)
}
