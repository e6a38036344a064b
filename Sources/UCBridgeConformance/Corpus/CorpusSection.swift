import CUCBridge

/// A part of the corpus that runs under one driver-wide max_struct_size,
/// and makes its cases: each case's name is the section's prefix and the
/// case's own name.
struct CorpusSection: Sendable {
  /// The driver's max_struct_size while the section's cases run.
  let maxStructSize: Int
  /// What the section's case names begin with: empty, or a group of its
  /// own such as `max=64M/`.
  let prefix: String

  /// A case of one call.
  ///
  /// - Parameters:
  ///   - name: The case's name within the section.
  ///   - summary: What it checks.
  ///   - caller: Who calls.
  ///   - expected: The outcome the ABI documents.
  ///   - plan: The call, what it must write and how that is recorded.
  /// - Returns: The case.
  func call(
    _ name: String, _ summary: String, caller: Caller = .root, expect expected: Outcome,
    _ plan: CallPlan
  ) -> ConformanceCase {
    var planned = call(name, summary, caller: caller, expect: expected) { _ in plan }
    planned.call = plan.request
    return planned
  }

  /// A case of one call planned when it runs (for calls that need the
  /// runner's files).
  ///
  /// - Parameters:
  ///   - name: The case's name within the section.
  ///   - summary: What it checks.
  ///   - caller: Who calls.
  ///   - expected: The outcome the ABI documents.
  ///   - plan: Plans the call in the case's context.
  /// - Returns: The case.
  func call(
    _ name: String, _ summary: String, caller: Caller = .root, expect expected: Outcome,
    plan: @escaping @Sendable (CaseContext) -> CallPlan
  ) -> ConformanceCase {
    sequence(name, summary, caller: caller, expect: expected) { context throws(ConformanceError) in
      let plan = plan(context)
      var observation = try CallExecutor(connection: context.connection).execute(plan.request)
      if observation.outcome == .success {
        observation.problems += plan.output.problems(with: observation)
      }
      observation.scalars = plan.normalization.apply(to: observation.scalars)
      return observation
    }
  }

  /// A case of one introspection (or unknown) ioctl.
  ///
  /// - Parameters:
  ///   - name: The case's name within the section.
  ///   - summary: What it checks.
  ///   - caller: Who calls.
  ///   - expected: The outcome the ABI documents.
  ///   - request: The ioctl.
  ///   - output: What a successful ioctl writes, as recorded: the
  ///     structure the driver knows, counters zeroed for method info.
  /// - Returns: The case.
  func info(
    _ name: String, _ summary: String, caller: Caller = .root, expect expected: Outcome,
    _ request: InfoRequest, output: Bytes = .empty
  ) -> ConformanceCase {
    sequence(name, summary, caller: caller, expect: expected) { context throws(ConformanceError) in
      var observation = try InfoExecutor(connection: context.connection).execute(request)
      if request.command == ucb_ioc_method_info {
        observation.structOutput = MethodInfoLayout.withoutCounters(observation.structOutput)
      }
      if observation.outcome == .succeeded,
        !observation.structOutput.withUnsafeBytes(output.matches)
      {
        observation.problems += request.fields?.differences(observation.structOutput, expected: output.array)
          ?? ["the \(observation.structOutput.count) bytes written are not the expected \(output.count)"]
      }
      return observation
    }
  }

  /// A case with a body of its own, such as several calls and a look at
  /// the counters they left.
  ///
  /// - Parameters:
  ///   - name: The case's name within the section.
  ///   - summary: What it checks.
  ///   - caller: Who calls.
  ///   - expected: The outcome the ABI documents.
  ///   - body: Makes the calls and says what it saw.
  /// - Returns: The case.
  func sequence(
    _ name: String, _ summary: String, caller: Caller = .root, expect expected: Outcome,
    body: @escaping @Sendable (CaseContext) throws(ConformanceError) -> Observation
  ) -> ConformanceCase {
    ConformanceCase(
      name: prefix + name, summary: summary, caller: caller, maxStructSize: maxStructSize,
      expected: expected, body: body)
  }
}
