/// A typed ``Method`` or ``AsyncMethod`` without its types: the selector, name and checks of
/// a driver's table entry, as Swift declares them.
package struct MethodDeclaration: Hashable, Sendable {
  /// The method's index in the driver's table.
  package let selector: UInt32
  /// The method's name.
  package let name: String
  /// The checks of the method's table entry.
  package let checks: MethodChecks
}

extension Method {
  /// The method's selector, name and checks.
  package var declaration: MethodDeclaration {
    MethodDeclaration(selector: selector, name: name, checks: checks)
  }
}

extension AsyncMethod {
  /// The method's selector, name and checks.
  package var declaration: MethodDeclaration {
    MethodDeclaration(selector: selector, name: name, checks: checks)
  }
}

extension MethodDeclaration {
  /// The reference driver's methods as `ReferenceMethods.swift` declares
  /// them, in selector order: the one Swift statement of its table, which
  /// the conformance corpus and the tests read, and which a test compares
  /// with the driver's own (C) table.
  package static var reference: [MethodDeclaration] {
    [
      Method.noop.declaration, Method.add.declaration, Method.echo.declaration,
      Method.checksum.declaration, Method.pathInfo.declaration,
      Method.fixedTransform.declaration, Method.consistency.declaration,
      Method.resetStats.declaration, Method.generate.declaration, Method.sink.declaration,
      Method.sharedChecksum.declaration, AsyncMethod.delayed.declaration,
      AsyncMethod.asyncChecksum.declaration, Method.notify.declaration,
    ]
  }
}
