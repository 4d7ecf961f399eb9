import Foundation

/// Requests read from the client on a thread of their own, so an `interrupt` acts while a
/// statement runs (it sets the Ctrl-C flag a `wait` polls) and a malformed line is answered at
/// once. Everything else waits, in order, for the loop that runs statements; the loop sleeps
/// on `wakeFD` together with the probes' event descriptor.
final class ProtocolInbox {
    typealias Entry = (id: ProtocolMessages.RequestID?, request: ProtocolMessages.Request)
    private let lock = NSLock()
    private var pending: [Entry] = []
    private let pipe: [Int32]
    /// Readable while requests wait.
    var wakeFD: Int32 { pipe[0] }

    init() {
        var fds: [Int32] = [-1, -1]
        _ = Glibc.pipe(&fds)
        _ = fcntl(fds[0], F_SETFL, O_NONBLOCK)
        pipe = fds
    }

    deinit {
        close(pipe[0])
        close(pipe[1])
    }

    func put(_ entry: Entry) {
        lock.lock()
        pending.append(entry)
        lock.unlock()
        var byte: UInt8 = 1
        _ = write(pipe[1], &byte, 1)
    }

    func take() -> Entry? {
        lock.lock()
        defer { lock.unlock() }
        var buffer = [UInt8](repeating: 0, count: 64)
        _ = read(pipe[0], &buffer, buffer.count)
        guard !pending.isEmpty else { return nil }
        let first = pending.removeFirst()
        if !pending.isEmpty {
            var byte: UInt8 = 1
            _ = write(pipe[1], &byte, 1)
        }
        return first
    }

    /// Reads lines from `fd` until end of input, on a new thread. `immediate` answers what
    /// cannot wait (bad lines, interrupts); the end of input queues a shutdown with no id,
    /// after stopping whatever runs: a client that goes away ends the session.
    func startReading(
        _ fd: Int32, immediate: @escaping (Result<Entry, ProtocolMessages.BadRequest>) -> Void
    ) {
        let thread = Thread { [self] in
            let file = fdopen(fd, "r")
            var line: UnsafeMutablePointer<CChar>?
            var capacity = 0
            while let file, getline(&line, &capacity, file) >= 0 {
                let text = String(cString: line!).trimmingCharacters(in: .whitespacesAndNewlines)
                if text.isEmpty { continue }
                switch ProtocolMessages.parse(text) {
                case .failure(let bad): immediate(.failure(bad))
                case .success(let (id, request)):
                    switch request {
                    case .interrupt:
                        ShellInterrupt.interrupt()
                        immediate(.success((id, request)))
                    case .shutdown:
                        ShellInterrupt.interrupt()
                        put((id, request))
                    default: put((id, request))
                    }
                }
            }
            free(line)
            // As a hang-up: the running statement stops, the rest of its cell does not run.
            ShellInterrupt.requestTermination()
            put((nil, .shutdown))
        }
        thread.start()
    }
}
