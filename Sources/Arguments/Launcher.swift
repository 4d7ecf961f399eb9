import Foundation
import Kernel
import Language
import Session
import Shell

/// Runs what the command line asked for — list probes, a program, a session script, a
/// tutorial, the machine protocol or the shell — and returns the exit status.
public enum Launcher {
    public static let version = Version.text

    public static func run(_ invocation: Invocation) -> Int32 {
        StartupTiming.mark(.arguments, since: StartupTiming.mainTime)
        setvbuf(stdout, nil, _IOLBF, 0)
        let arguments = invocation.arguments
        if invocation.list {
            let pattern = arguments.first ?? invocation.program ?? "*"
            if let usdt = UsdtListing.list(pattern, pid: invocation.pid) {
                switch usdt {
                case .success(let names):
                    for name in names { print(name) }
                    return names.isEmpty ? 1 : 0
                case .failure(let error):
                    FileHandle.standardError.write(Data("ERROR: \(error)\n".utf8))
                    return 1
                }
            }
            let listing = Kernel.ProbeCatalogue().list(matching: pattern, verbose: invocation.verbose)
            for warning in listing.warnings { FileHandle.standardError.write(Data((warning + "\n").utf8)) }
            print(listing.text, terminator: listing.text.hasSuffix("\n") || listing.text.isEmpty ? "" : "\n")
            return listing.entries.isEmpty ? 1 : 0
        }
        if invocation.info {
            print(SystemInfo.report(version: version, features: KernelFeatures.probe()), terminator: "")
            return 0
        }
        var buffering = _IOLBF
        if let mode = invocation.buffering {
            switch mode {
            case "none": buffering = _IONBF
            case "line": buffering = _IOLBF
            case "full": buffering = _IOFBF
            default: return fail("-B takes none, line or full, not '\(mode)'")
            }
            setvbuf(stdout, nil, buffering, 0)
        }
        if let pattern = invocation.probeFilter, (try? Regex(pattern)) == nil {
            // bpftrace's words, for scripts that look for them.
            FileHandle.standardError.write(Data("ERROR: Invalid --probe-filter regex: \(pattern)\n".utf8))
            return 1
        }
        var transcripts = ShellLauncher.Transcripts()
        transcripts.record = invocation.record
        transcripts.notebooks = invocation.notebooks
        transcripts.force = invocation.force
        var shellOptions = TracingSession.Options()
        shellOptions.allowUnsafe = invocation.unsafe
        shellOptions.targetPID = invocation.pid
        shellOptions.excludesOwnProcess = !invocation.traceSelf
        // A probe typed again (a replayed session, a tutorial step, a notebook re-run) skips LLVM.
        shellOptions.cache = CompiledProgramCache.standard(version: Version.text)
        if invocation.serve {
            guard invocation.program == nil, arguments.isEmpty, invocation.record == nil, invocation.notebooks.isEmpty
            else {
                return fail("--serve takes no program, script, --record or --notebook")
            }
            return ShellLauncher.serve(options: shellOptions)
        }
        if invocation.program == nil, arguments.first == "tutorial" {
            guard arguments.count <= 3 || (arguments.count == 4 && arguments[2] == "notebook") else {
                return fail("usage: bpfsh tutorial [NAME [STEP | read | restart | notebook FILE.ipynb]] [--auto]")
            }
            return ShellLauncher.runTutorial(
                Array(arguments.dropFirst()), auto: invocation.auto, options: shellOptions, transcripts: transcripts)
        }
        var maxWait: Double?
        if let text = invocation.maxWait {
            guard let seconds = Duration.seconds(text), invocation.program == nil, !arguments.isEmpty else {
                return fail("--max-wait takes a duration (e.g. 5s) and a session script to replay")
            }
            maxWait = seconds
        }
        if invocation.program == nil, let script = arguments.first, script.hasSuffix(".bpfsh") || invocation.check {
            let parameters: [String: String]
            do { parameters = try ParameterSubstitution.parse(Array(arguments.dropFirst())) } catch {
                return fail("\(error)")
            }
            if invocation.interactive {
                return ShellLauncher.run(
                    options: shellOptions, transcripts: transcripts,
                    firstStatement: "source \(script)" + (invocation.maxWait.map { " --max-wait \($0)" } ?? ""),
                    parameters: parameters)
            }
            return ShellLauncher.runScript(
                path: script, parameters: parameters, options: shellOptions,
                transcripts: transcripts, keepGoing: invocation.keepGoing, check: invocation.check, maxWait: maxWait)
        }
        // A program run (-e, a .bt file) has no statements to record, check or take notes of.
        if invocation.record != nil || !invocation.notebooks.isEmpty || invocation.keepGoing || invocation.auto,
            invocation.program != nil || !arguments.isEmpty
        {
            return fail(
                "--record, --notebook, --keep-going and --auto work with the shell, session scripts "
                    + "(.bpfsh) and tutorials, not with -e or a .bt program")
        }
        var source: SourceFile
        var positional = arguments
        if let program = invocation.program {
            source = SourceFile(name: "-e", text: program)
        } else if let file = positional.first {
            positional.removeFirst()
            do {
                source = SourceFile(name: file, text: try ScriptBytes.read(file))
            } catch {
                return fail(TerminalSafeText.escaped("\(error)"))
            }
        } else {
            return ShellLauncher.run(options: shellOptions, transcripts: transcripts)
        }
        guard let format = OutputFormat(rawValue: invocation.format) else {
            return fail("unknown output format '\(invocation.format)' (text or json)")
        }
        var options = OneShotRun.Options()
        options.format = format
        // As in bpftrace, what follows `--` and starts with `--` is a named parameter for
        // getopt() (`--name=value`, or `--name` alone); the rest are positional.
        for argument in positional where argument.hasPrefix("--") && argument.count > 2 {
            let text = argument.dropFirst(2)
            if let equals = text.firstIndex(of: "=") {
                options.namedParameters[String(text[..<equals])] = String(text[text.index(after: equals)...])
            } else {
                options.namedParameters[String(text)] = .some(nil)
            }
        }
        options.positionalParameters = positional.filter { !($0.hasPrefix("--") && $0.count > 2) }
        options.allowUnsafe = invocation.unsafe
        options.command = invocation.command
        options.targetPID = invocation.pid
        options.printIR = invocation.emitLLVM
        options.dryRun = invocation.dryRun
        options.excludesOwnProcess = !invocation.traceSelf
        // bpfsh exits when the run ends: the kernel's slow release of perf events is left to a child.
        options.releasesInBackground = true
        options.quiet = invocation.quiet
        options.warnings = !invocation.noWarnings
        options.probeFilter = invocation.probeFilter
        options.reportsProbeReadErrors = invocation.probeReadErrors
        var outputFile: UnsafeMutablePointer<FILE>? = nil
        if let path = invocation.outputFile {
            guard let file = fopen(path, "w") else {
                return fail("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            setvbuf(file, nil, buffering, 0)
            outputFile = file
        }
        defer { if let outputFile { fclose(outputFile) } }
        let destination = outputFile ?? stdout
        let run = OneShotRun(
            options: options,
            output: { text in fputs(text, destination) },
            errors: { text in
                fflush(stdout)
                fputs(TerminalSafeText.escaped(text), stderr)
            })
        switch run.run(source) {
        case .finished(let code):
            fflush(stdout)
            return code
        case .compileError, .kernelError: return 1
        }
    }

    /// Says why the command line cannot be run; the status for a usage error.
    private static func fail(_ message: String) -> Int32 {
        FileHandle.standardError.write(Data("bpfsh: \(message)\n".utf8))
        return 2
    }
}
