/// Rows of text in columns, each as wide as its widest cell, for the
/// tables of `list`, `bench` and `fuzz`.
struct TextTable {
  /// How a column's cells line up.
  enum Alignment {
    /// Text: padded on the right.
    case left
    /// Numbers: padded on the left.
    case right
  }

  /// A column's heading and alignment.
  struct Column {
    /// The heading, printed above the cells.
    var title: String
    /// How its cells line up.
    var alignment: Alignment
  }

  /// The columns, left to right.
  var columns: [Column]
  /// The rows; each has one cell per column.
  var rows: [[String]] = []

  /// Creates an empty table.
  ///
  /// - Parameter columns: Headings and alignments, left to right.
  init(_ columns: [(String, Alignment)]) {
    self.columns = columns.map { Column(title: $0.0, alignment: $0.1) }
  }

  /// Adds a row.
  ///
  /// - Parameter cells: One cell per column.
  mutating func append(_ cells: [String]) {
    precondition(cells.count == columns.count, "a row has one cell per column")
    rows.append(cells)
  }

  /// The table as lines: headings first, columns two spaces apart, no
  /// trailing spaces.
  var lines: [String] {
    let widths = columns.indices.map { column in
      rows.reduce(columns[column].title.count) { max($0, $1[column].count) }
    }
    return ([columns.map(\.title)] + rows).map { cells in
      var line = ""
      for (column, cell) in cells.enumerated() {
        let padding = String(repeating: " ", count: widths[column] - cell.count)
        if column > 0 { line += "  " }
        switch columns[column].alignment {
        case .left: line += cell + padding
        case .right: line += padding + cell
        }
      }
      while line.last == " " { line.removeLast() }
      return line
    }
  }
}

extension TextTable {
  /// Labelled values, one per line, the values lined up:
  /// `name      ucbridge`.
  ///
  /// - Parameter fields: Labels and values, in order.
  /// - Returns: The lines.
  static func fields(_ fields: [(label: String, value: String)]) -> [String] {
    let width = fields.map(\.label.count).max() ?? 0
    return fields.map { field in
      field.label + String(repeating: " ", count: width - field.label.count + 2) + field.value
    }
  }
}
