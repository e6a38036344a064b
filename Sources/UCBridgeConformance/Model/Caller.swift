/// Who makes a conformance case's calls.
public enum Caller: String, Hashable, Sendable, Codable {
  /// A caller with `CAP_SYS_ADMIN`: root on a device node, a privileged
  /// connection on the mock.
  case root
  /// A caller without it: on a device node, a child process that dropped
  /// to uid and gid 65534 (nobody); on the mock, a connection opened with
  /// `privileged: false`.
  case unprivileged
}
