#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A POSIX thread running one closure, which its creator joins.
final class JoinableThread {
  private var thread = pthread_t()

  /// A closure handed to the new thread through its `void *` argument.
  private final class Body {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
  }

  /// Starts a thread.
  ///
  /// - Parameter body: What it runs.
  /// - Throws: ``ProbeFailure`` when pthread_create(3) fails.
  init(_ body: @escaping @Sendable () -> Void) throws(ProbeFailure) {
    let argument = Unmanaged.passRetained(Body(body)).toOpaque()
    let error = pthread_create(&thread, nil, { argument in
      Unmanaged<Body>.fromOpaque(argument!).takeRetainedValue().run()
      return nil
    }, argument)
    guard error == 0 else {
      Unmanaged<Body>.fromOpaque(argument).release()
      throw .failed("cannot start a thread: errno \(error)")
    }
  }

  /// Waits for the thread to finish.
  func join() {
    pthread_join(thread, nil)
  }
}
