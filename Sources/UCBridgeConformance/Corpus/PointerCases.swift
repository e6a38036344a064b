import UCBridgeTestSupport

/// Bad and odd buffer pointers, for each of the four buffers: NULL with a
/// count, addresses with no memory, a guard page, a buffer running into
/// one, misaligned (valid) and read-only.  An input that cannot be read,
/// or an output that cannot be written, fails the call with EFAULT.
extension CorpusSection {
  var pointerCases: [ConformanceCase] {
    scalarInputPointerCases + structInputPointerCases + scalarOutputPointerCases
      + structOutputPointerCases
  }

  /// add's two input scalars.
  private var scalarInputPointerCases: [ConformanceCase] {
    func add(_ placement: Placement) -> CallRequest {
      CallRequest(
        selector: ReferenceTable.add, scalarInput: [40, 2], scalarInputPlacement: placement,
        scalarOutputRoom: 1)
    }
    let bad = [NamedPlacement.null] + NamedPlacement.unreadable + [.straddling(4)]
    return bad.map { bad in
      call("pointers/scalar_in=\(bad.label)", "add's input scalars \(bad.summary) -> EFAULT",
           expect: .fault, CallPlan(request: add(bad.placement)))
    } + [NamedPlacement.misaligned, .readOnly].map { odd in
      call("pointers/scalar_in=\(odd.label)", "add's input scalars \(odd.summary): 40 + 2 = 42",
           expect: .success, CallPlan(request: add(odd.placement), output: .scalars([42])))
    }
  }

  /// echo's input struct, on the stack path (200 bytes) and the heap
  /// path (20000 bytes).
  private var structInputPointerCases: [ConformanceCase] {
    func echo(_ size: Int, _ placement: Placement) -> CallRequest {
      CallRequest(
        selector: ReferenceTable.echo, structInput: .pattern(size), structInputPlacement: placement,
        structOutputRoom: size)
    }
    let bad = [NamedPlacement.null] + NamedPlacement.unreadable + [.straddling(100)]
    var cases = bad.map { bad in
      call("pointers/struct_in=\(bad.label)", "echo's 200-byte input \(bad.summary) -> EFAULT",
           expect: .fault, CallPlan(request: echo(200, bad.placement)))
    }
    cases.append(call(
      "pointers/struct_in=straddling/size=20000", "echo's 20000-byte input (a heap buffer) with its last 100 bytes in a PROT_NONE page -> EFAULT",
      expect: .fault, CallPlan(request: echo(20000, .overrunningGuard(by: 100)))))
    cases += [NamedPlacement.misaligned, .readOnly].map { odd in
      call("pointers/struct_in=\(odd.label)", "echo's 200-byte input \(odd.summary): the same bytes back",
           expect: .success,
           CallPlan(request: echo(200, odd.placement), output: .structOutput(.pattern(200))))
    }
    return cases
  }

  /// add's output scalar.
  private var scalarOutputPointerCases: [ConformanceCase] {
    func add(_ placement: Placement) -> CallRequest {
      CallRequest(
        selector: ReferenceTable.add, scalarInput: [40, 2], scalarOutputRoom: 1,
        scalarOutputPlacement: placement)
    }
    let bad = [NamedPlacement.null] + NamedPlacement.unreadable + [.straddling(4), .readOnly]
    return bad.map { bad in
      call("pointers/scalar_out=\(bad.label)", "add's output scalar \(bad.summary): the method runs, the copy out faults -> EFAULT",
           expect: .fault, CallPlan(request: add(bad.placement)))
    } + [
      call("pointers/scalar_out=misaligned", "add's output scalar one byte off alignment: 42",
           expect: .success, CallPlan(request: add(.misaligned(1)), output: .scalars([42])))
    ]
  }

  /// echo's output struct, on the stack path (200 bytes) and the heap
  /// path (20000 bytes).
  private var structOutputPointerCases: [ConformanceCase] {
    func echo(_ size: Int, _ placement: Placement) -> CallRequest {
      CallRequest(
        selector: ReferenceTable.echo, structInput: .pattern(size), structOutputRoom: size,
        structOutputPlacement: placement)
    }
    let bad = [NamedPlacement.null] + NamedPlacement.unreadable + [.straddling(100), .readOnly]
    var cases = bad.map { bad in
      call("pointers/struct_out=\(bad.label)", "echo's 200-byte output \(bad.summary): the method runs, the copy out faults -> EFAULT",
           expect: .fault, CallPlan(request: echo(200, bad.placement)))
    }
    cases += [
      call("pointers/struct_out=straddling/size=20000", "echo's 20000-byte output (a heap buffer) with its last 100 bytes in a PROT_NONE page -> EFAULT",
           expect: .fault, CallPlan(request: echo(20000, .overrunningGuard(by: 100)))),
      call("pointers/struct_out=misaligned", "echo's 200-byte output one byte off alignment: the same bytes back",
           expect: .success, CallPlan(request: echo(200, .misaligned(1)), output: .structOutput(.pattern(200)))),
    ]
    return cases
  }
}
