import Foundation

/// `bpfsh jupyter install [--user | --prefix DIR]`: installs the Jupyter kernel of this
/// checkout (`jupyter/install.py`, found above the executable) for this executable, with the
/// checkout's `.venv` Python, where scripts/setup installs the pinned ipykernel and
/// jupyter_client (Debian's Python is externally managed, and its ipykernel is older).
public enum JupyterInstall {
    public static func run(_ arguments: [String]) -> Int32 {
        guard arguments.first == "install" else {
            fputs("bpfsh: usage: bpfsh jupyter install [--user | --prefix DIR]\n", stderr)
            return 2
        }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        guard let script = installer(above: executable) else {
            fputs("bpfsh: jupyter/install.py not found above \(executable): run it from the bpfsh checkout\n", stderr)
            return 1
        }
        let python = pythonBeside(installer: script)
        guard FileManager.default.isExecutableFile(atPath: python) else {
            fputs("bpfsh: \(python) is missing: run scripts/setup, which makes the Jupyter environment\n", stderr)
            return 1
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, "--bpfsh", executable] + arguments.dropFirst()
        do { try process.run() } catch {
            fputs("bpfsh: cannot run \(python) \(script): \(error) (scripts/setup makes it)\n", stderr)
            return 1
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// The checkout's `.venv/bin/python3` for the installer at `<checkout>/jupyter/install.py`.
    static func pythonBeside(installer: String) -> String {
        URL(fileURLWithPath: installer).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".venv/bin/python3").path
    }

    /// `jupyter/install.py` in the nearest folder above `path` that has one (the executable
    /// lives in the checkout's .build).
    static func installer(above path: String) -> String? {
        var directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("jupyter/install.py").path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }
}
