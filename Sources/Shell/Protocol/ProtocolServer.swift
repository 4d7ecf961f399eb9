import Foundation

/// `bpfsh --serve`: the shell driven by JSON lines (docs/protocol.md) instead of a person.
/// Statements run exactly as typed at the prompt; what they report reaches the client as the
/// shell's typed events, tagged with the id of the request that ran them. Between requests the
/// loop keeps pumping probe output (events with a null id), as the prompt does.
public final class ProtocolServer {
    public let shell: Shell
    private let send: (String) -> Void
    private let inbox = ProtocolInbox()
    /// The request whose statements are running, for the events they cause.
    private var currentID: ProtocolMessages.RequestID?
    /// The line of the cell the next `statement_started` comes from.
    private var currentLine: Int?

    /// `send` takes one line of JSON (without its newline) and must be safe to call from the
    /// request-reading thread too.
    public init(shell: Shell, send: @escaping (String) -> Void) {
        self.shell = shell
        self.send = send
        shell.listeners.append { [unowned self] event in
            var line: Int?
            if case .statementStarted(_, nested: false) = event {
                line = currentLine
            }
            write(ProtocolMessages.event(event, id: currentID, line: line))
        }
    }

    private func write(_ message: [String: Any]) { send(ProtocolMessages.encode(message)) }

    /// Answers one request; false once the session has ended (`shutdown`).
    @discardableResult
    public func handle(_ id: ProtocolMessages.RequestID?, _ request: ProtocolMessages.Request) -> Bool {
        switch request {
        case .execute(let code):
            currentID = id
            let status = shell.runCell(code) { [unowned self] line in currentLine = line }
            currentID = nil
            currentLine = nil
            let wire: String
            switch status {
            case .succeeded: wire = "ok"
            case .failed: wire = "error"
            case .interrupted: wire = "interrupted"
            }
            write(ProtocolMessages.reply(id, request.name, status: wire))
            if shell.quitRequested { return finish(id, "execute", replied: true) }
        case .complete(let code, let cursor):
            let (matches, start, end) = shell.completions(of: code, cursor: cursor)
            write(
                ProtocolMessages.reply(
                    id, request.name, status: "ok", ["matches": matches, "cursor_start": start, "cursor_end": end]))
        case .inspect(let code, let cursor):
            let text = shell.inspect(code, cursor: cursor)
            write(ProtocolMessages.reply(id, request.name, status: "ok", ["found": text != nil, "text": text ?? ""]))
        case .isComplete(let code):
            write(
                ProtocolMessages.reply(
                    id, request.name, status: "ok", ["completeness": Shell.completeness(of: code).rawValue]))
        case .interrupt:
            ShellInterrupt.interrupt()
            write(ProtocolMessages.reply(id, request.name, status: "ok"))
        case .shutdown:
            return finish(id, request.name, replied: false)
        }
        return true
    }

    /// Detaches everything and releases the session, then says so (unless the statement that
    /// quit was already answered).
    private func finish(_ id: ProtocolMessages.RequestID?, _ request: String, replied: Bool) -> Bool {
        currentID = id
        shell.shutdown()
        currentID = nil
        if !replied { write(ProtocolMessages.reply(id, request, status: "ok")) }
        return false
    }

    /// Serves requests read from `input` until `shutdown`, the end of input or SIGTERM.
    public func serve(input: Int32) {
        write(ProtocolMessages.hello())
        inbox.startReading(input) { [unowned self] result in
            switch result {
            case .failure(let bad):
                write(ProtocolMessages.reply(bad.id, "unknown", status: "error", ["message": bad.message]))
            case .success(let (id, request)):
                write(ProtocolMessages.reply(id, request.name, status: "ok"))
            }
        }
        while true {
            if let (id, request) = inbox.take() {
                if !handle(id, request) { return }
                continue
            }
            if ShellInterrupt.terminationRequested {
                _ = handle(nil, .shutdown)
                return
            }
            // Idle: probe output goes out as it comes, one bounded slice at a time.
            if shell.pumpEvents() { continue }
            var fds = [pollfd(fd: inbox.wakeFD, events: Int16(POLLIN), revents: 0)]
            let eventFD = shell.pump.readinessFD
            if eventFD >= 0 { fds.append(pollfd(fd: eventFD, events: Int16(POLLIN), revents: 0)) }
            // Without an event descriptor (the in-memory kernel) look again now and then.
            _ = poll(&fds, nfds_t(fds.count), eventFD >= 0 ? 1000 : 50)
        }
    }
}
