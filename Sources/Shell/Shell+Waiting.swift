import Foundation

extension Shell {
    /// Lets probes run for `seconds`, printing their output as it comes and a progress line
    /// on a terminal. Ctrl-C ends the wait, not the shell.
    func wait(seconds: Double) {
        let start = Date()
        _ = ShellInterrupt.take()
        let interactive = reader.isInteractive
        var lastProgress = Date.distantPast
        while Date().timeIntervalSince(start) < seconds {
            if ShellInterrupt.take() { break }
            let left = seconds - Date().timeIntervalSince(start)
            // One bounded slice at a time: Ctrl-C and SIGTERM are seen between slices.
            if !pumpEvents() { pump.wait(milliseconds: Int32(max(1, min(100, left * 1000)))) }
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
        _ = ShellInterrupt.take()
    }
}
