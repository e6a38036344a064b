/// pathInfo: a path in, what the kernel finds there out.  The runner's
/// own files (``PathFixture``) and paths every machine has; outputs are
/// checked exactly against stat(2) and recorded without the inode, the
/// permission bits and a directory's size.
extension CorpusSection {
  var pathInfoCases: [ConformanceCase] {
    var cases = [
      lookup("file", "the runner's 4097-byte file: found, a regular file, 4097 bytes") { $0.path("file") },
      lookup("file/nul_terminated", "the same path with a terminating NUL: accepted", nul: true) { $0.path("file") },
      lookup("dir", "the runner's directory: found, a directory") { $0.path("dir") },
      lookup("link_to_file", "a symbolic link to the file: followed") { $0.path("link") },
      lookup("dangling_link", "a symbolic link to nothing: found 0, zeros") { $0.path("dangling") },
      lookup("missing", "a name that does not exist: found 0, zeros") { $0.path("missing") },
      lookup("through_file", "a path through a regular file (ENOTDIR): found 0") { $0.path("file/x") },
      lookup("file/trailing_slash", "the file's path with a trailing slash (ENOTDIR): found 0") { $0.path("file/") },
      lookup("dotdot", "\"dir/..\": the runner's directory again") { $0.path("dir/..") },
      lookup("root", "\"/\": a directory") { _ in "/" },
      lookup("dev_null", "/dev/null: a character device") { _ in "/dev/null" },
      lookup("cwd", "\".\": the caller's working directory, a directory") { _ in "." },
      lookup("name=255", "a missing name of NAME_MAX bytes: found 0") { $0.path(String(repeating: "n", count: 255)) },
      lookup("name=256", "a name of NAME_MAX + 1 bytes (ENAMETOOLONG) -> kIOReturnBadArgument",
             expect: .badArgument) { $0.path(String(repeating: "n", count: 256)) },
      lookup("symlink_loop", "a symbolic link to itself (ELOOP) -> kIOReturnBadArgument",
             expect: .badArgument) { $0.path("loop") },
      refused("embedded_nul", "a NUL inside the path", .text("/tmp\0/x")),
      refused("only_nul", "a lone NUL: an empty path", .literal([0])),
      refused("two_nuls", "\"/\" and two NULs: a NUL inside", .literal([0x2f, 0, 0])),
    ]
    for size in boundarySizes {
      cases.append(sized(size))
    }
    cases.append(call(
      "pathInfo/struct_in=4096/nul_terminated", "PATH_MAX - 1 slashes and a NUL, UCB_PATH_INFO_MAX bytes: \"/\"",
      expect: .success,
      plan: { _ in
        CallPlan(request: Self.pathRequest(.literal(Array(repeating: 0x2f, count: 4095) + [0])),
                 output: .scalars(PathFixture.expectedScalars(for: "/")), normalization: .pathInfo)
      }))
    let pathInfo = ReferenceTable.pathInfo
    return cases + [
      refused("scalar_out=3", "room for 3 output scalars where exactly 4 are given", .text("/"), scalarRoom: 3),
      refused("scalar_out=5", "room for 5 output scalars where exactly 4 are given", .text("/"), scalarRoom: 5),
      call("pathInfo/struct_out=1", "struct room where none is given -> kIOReturnBadArgument",
           expect: .badArgument,
           CallPlan(request: CallRequest(
             selector: pathInfo, structInput: .text("/"), scalarOutputRoom: 4, structOutputRoom: 1))),
    ]
  }

  /// A pathInfo call on a path of `size` bytes: slashes, which name "/"
  /// up to PATH_MAX - 1 of them.
  private func sized(_ size: SizePoint) -> ConformanceCase {
    let name = "struct_in=\(size.label)"
    let slashes = Bytes.repeating(0x2f, count: size.bytes)
    switch size.bytes {
    case 0:
      return refused(name, "an empty path", slashes)
    case 1...4095:
      return call(
        "pathInfo/\(name)", "\(size.bytes) slashes: \"/\", a directory", expect: .success,
        plan: { _ in
          CallPlan(request: Self.pathRequest(slashes),
                   output: .scalars(PathFixture.expectedScalars(for: "/")), normalization: .pathInfo)
        })
    case 4096:
      return refused(name, "PATH_MAX bytes without a NUL: too long for a path", slashes)
    default:
      return refused(name, "\(size.bytes) bytes, over pathInfo's own maximum of UCB_PATH_INFO_MAX", slashes)
    }
  }

  /// A pathInfo call on a path of the runner's, expected to find what
  /// stat(2) finds.
  private func lookup(
    _ name: String, _ summary: String, expect expected: Outcome = .success, nul: Bool = false,
    path: @escaping @Sendable (PathFixture) -> String
  ) -> ConformanceCase {
    call("pathInfo/\(name)", summary, expect: expected) { context in
      let path = path(context.fixture)
      return CallPlan(
        request: Self.pathRequest(.literal(Array(path.utf8) + (nul ? [0] : []))),
        output: .scalars(PathFixture.expectedScalars(for: path)), normalization: .pathInfo)
    }
  }

  /// A pathInfo call refused with kIOReturnBadArgument.
  private func refused(
    _ name: String, _ summary: String, _ path: Bytes, scalarRoom: Int = 4
  ) -> ConformanceCase {
    var request = Self.pathRequest(path)
    request.scalarOutputRoom = scalarRoom
    return call("pathInfo/\(name)", "\(summary) -> kIOReturnBadArgument",
                expect: .badArgument, CallPlan(request: request))
  }

  /// pathInfo of `path`, with room for its four scalars.
  private static func pathRequest(_ path: Bytes) -> CallRequest {
    CallRequest(selector: ReferenceTable.pathInfo, structInput: path, scalarOutputRoom: 4)
  }
}
