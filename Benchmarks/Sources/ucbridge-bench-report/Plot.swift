import BenchModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A log-log line chart as hand-written SVG: no plotting library needed.
struct LogLogPlot {
  struct Line {
    var label: String
    var color: String
    var dashed: Bool = false
    var points: [(x: Double, y: Double)]
  }

  var title: String
  var xLabel: String
  var yLabel: String
  var lines: [Line]
  var xTick: (Double) -> String
  var width = 760.0
  var height = 440.0

  func svg() -> String {
    let left = 70.0, right = 200.0, top = 40.0, bottom = 56.0
    let plotW = width - left - right, plotH = height - top - bottom
    let all = lines.flatMap(\.points).filter { $0.x > 0 && $0.y > 0 }
    guard let minX = all.map(\.x).min(), let maxX = all.map(\.x).max(),
      let minY = all.map(\.y).min(), let maxY = all.map(\.y).max()
    else { return "<svg xmlns=\"http://www.w3.org/2000/svg\"/>" }
    let x0 = log2(minX), x1 = max(log2(maxX), x0 + 1)
    let y0 = floor(log10(minY)), y1 = max(ceil(log10(maxY)), y0 + 1)
    func px(_ x: Double) -> Double { left + (log2(x) - x0) / (x1 - x0) * plotW }
    func py(_ y: Double) -> Double { top + plotH - (log10(y) - y0) / (y1 - y0) * plotH }

    var s = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
      viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
      <rect width="100%" height="100%" fill="white"/>
      <text x="\(left)" y="22" font-size="15" font-weight="bold">\(escape(title))</text>

      """
    // Grid and ticks: every other power of two on x, each decade on y.
    var e = ceil(x0)
    while e <= x1 {
      let x = px(pow2(e))
      s += "<line x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(top + plotH))\" stroke=\"#e4e4e4\"/>\n"
      if Int(e) % 2 == 0 || x1 - x0 <= 10 {
        s += "<text x=\"\(f(x))\" y=\"\(f(top + plotH + 16))\" text-anchor=\"middle\">\(escape(xTick(pow2(e))))</text>\n"
      }
      e += 1
    }
    var d = y0
    while d <= y1 {
      let y = py(pow10(d))
      s += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y))\" stroke=\"#e4e4e4\"/>\n"
      s += "<text x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(escape(significant(pow10(d))))</text>\n"
      d += 1
    }
    s += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"#888\"/>\n"
    s += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 12))\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
    s += "<text transform=\"translate(16 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(escape(yLabel))</text>\n"
    for (index, line) in lines.enumerated() {
      let points = line.points.filter { $0.x > 0 && $0.y > 0 }
        .map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
      let dash = line.dashed ? " stroke-dasharray=\"6 4\"" : ""
      s += "<polyline fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"2\"\(dash) points=\"\(points)\"/>\n"
      let ly = top + 14 + Double(index) * 20
      let lx = left + plotW + 14
      s += "<line x1=\"\(f(lx))\" y1=\"\(f(ly - 4))\" x2=\"\(f(lx + 22))\" y2=\"\(f(ly - 4))\" stroke=\"\(line.color)\" stroke-width=\"2\"\(dash)/>\n"
      s += "<text x=\"\(f(lx + 28))\" y=\"\(f(ly))\">\(escape(line.label))</text>\n"
    }
    s += "</svg>\n"
    return s
  }

  private func f(_ v: Double) -> String { fixed(v, 1) }
  private func escape(_ s: String) -> String {
    s.replacingAll("&", "&amp;").replacingAll("<", "&lt;").replacingAll(">", "&gt;")
  }
}

func pow2(_ e: Double) -> Double { pow(2, e) }
func pow10(_ e: Double) -> Double { pow(10, e) }

extension String {
  func replacingAll(_ target: String, _ replacement: String) -> String {
    split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
  }
}
