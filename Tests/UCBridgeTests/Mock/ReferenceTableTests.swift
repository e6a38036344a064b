import CUCBridge
import Testing
import UCBridge
import UCBridgeMock

/// The reference driver's table is declared in C (`kmod/reference/ucb_reference.c`)
/// and once in Swift (`ReferenceMethods.swift`, listed by
/// `MethodDeclaration.reference`, which the conformance corpus reads): a
/// method declared in one and not the other, or with other checks, fails
/// here.
@Suite(.mockOnly) struct ReferenceTableDeclarations {
  @Test func swiftDeclaresTheCTable() throws {
    // With max_struct_size at the ABI's limit, the live table shows each
    // variable size's own maximum, as the Swift checks state it.
    let device = try MockDevice(maxStructSize: Int(UCB_STRUCT_SIZE_LIMIT))
    let live = try device.connect(privileged: true).methods()
    #expect(live.count == Int(UCB_REFERENCE_METHOD_COUNT.rawValue))
    let declared = MethodDeclaration.reference
    #expect(declared.map(\.selector) == live.map(\.selector))
    #expect(declared.map(\.name) == live.map(\.name))
    for (swift, c) in zip(declared, live) {
      #expect(swift.checks == c.checks, "\(c.name)")
    }
  }

  @Test func theCheckTestsHaveAShapeForEveryMethod() {
    #expect(validShapes.map(\.name) == MethodDeclaration.reference.map(\.name))
    #expect(validShapes.map(\.selector) == MethodDeclaration.reference.map(\.selector))
  }
}
