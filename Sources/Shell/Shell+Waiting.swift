import Foundation
import Session

extension Shell {
    /// Lets probes run for `seconds`, printing their output as it comes and a progress line
    /// on a terminal. Ctrl-C ends the wait, not the shell.
    func wait(seconds: Double) {
        let start = Date()
        _ = ShellInterrupt.take()
        let interactive = reader.isInteractive
        var lastProgress = Date.distantPast
        while Date().timeIntervalSince(start) < seconds {
            if ShellInterrupt.take() || ShellInterrupt.terminationRequested {
                statementInterrupted = true
                break
            }
            let left = seconds - Date().timeIntervalSince(start)
            // One bounded slice at a time: Ctrl-C and SIGTERM are seen between slices.
            let sleep = min(100, left * 1000, (nextBackgroundSample ?? 1) * 1000)
            if !pumpEvents() { pump.wait(milliseconds: Int32(max(1, sleep))) }
            if interactive && Date().timeIntervalSince(lastProgress) >= 0.1 {
                lastProgress = Date()
                let elapsed = Date().timeIntervalSince(start)
                progress(String(format: "\r\u{1B}[Kwaiting %.1fs / %.1fs", elapsed, seconds))
            }
        }
        if interactive { progress("\r\u{1B}[K") }
    }

    /// A progress line redrawn in place, on the terminal only.
    func progress(_ text: String) {
        if let terminal {
            terminal.write(text, kind: .status)
        } else {
            FileHandle.standardError.write(Data(text.utf8))
        }
    }

    /// Reruns `command` every `interval` seconds, redrawing it in place, until Ctrl-C.
    func watch(_ command: String, every interval: Double) {
        _ = ShellInterrupt.take()
        let interactive = reader.isInteractive
        // Without a terminal there is no Ctrl-C to stop it: run it a bounded number of times.
        var remaining = interactive ? Int.max : 3
        while remaining > 0 && !ShellInterrupt.isPending {
            remaining -= 1
            if interactive { print("\u{1B}[H\u{1B}[2J" + "every \(interval)s: \(command)   (Ctrl-C to stop)") }
            execute(command, announce: false)
            let start = Date()
            while Date().timeIntervalSince(start) < interval && !ShellInterrupt.isPending {
                if !pumpEvents() { pump.wait(milliseconds: 50) }
            }
        }
        if ShellInterrupt.take() { statementInterrupted = true }
    }

    /// Runs a detach, showing on a terminal how many links are closed once it has taken a
    /// second (closing a link waits for the kernel; hundreds take a while).
    @discardableResult
    func withDetachProgress<T>(_ body: (TracingSession.DetachProgress?) throws -> T) rethrows -> T {
        guard reader.isInteractive else { return try body(nil) }
        var shown = false
        defer { if shown { progress("\r\u{1B}[K") } }
        return try body { [weak self] closed, total, seconds in
            guard let self, seconds >= 1 else { return }
            shown = true
            self.progress(
                "\r\u{1B}[Kdetaching: \(closed) of \(total) links closed (\(String(format: "%.1f", seconds)) s)")
            self.terminal?.flush()
        }
    }
}
