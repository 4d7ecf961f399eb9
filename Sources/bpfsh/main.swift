import ArgumentParser
import Foundation
import Kernel
import Language
import Session
import Shell

/// `bpfsh`: run a bpftrace program (`-e`, a file), list probes (`-l`), or start the shell.
struct BPFShell: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bpfsh",
        abstract: "An interactive BPF tracing shell that also runs bpftrace programs.",
        discussion: "With no program (no -e and no file), bpfsh starts the interactive shell; type help there.",
        version: "bpfsh 0.1")

    @Option(name: .short, help: ArgumentHelp("Program text to run, as in bpftrace -e.", valueName: "program"))
    var e: String?

    @Flag(name: .short, help: "List probes (optionally matching the glob given as the argument).")
    var l = false

    @Flag(name: .short, help: "With -l, show tracepoint arguments.")
    var v = false

    @Option(
        name: .short,
        help: ArgumentHelp(
            "Run this command; probes are attached before it starts, and the program ends when it exits.",
            valueName: "command"))
    var c: String?

    @Option(
        name: .short, help: ArgumentHelp("Only trace this process id (uprobes); end when it exits.", valueName: "pid"))
    var p: Int32?

    @Option(name: .short, help: ArgumentHelp("Output format: text or json.", valueName: "format"))
    var f: String = "text"

    @Flag(name: .customLong("unsafe"), help: "Allow system() and other actions that run commands.")
    var unsafe = false

    @Flag(name: .short, help: "Quiet: no 'Attached N probes' line (as bpftrace -q).")
    var q = false

    @Option(
        name: .short,
        help: ArgumentHelp("Write the program's output to this file instead of standard output.", valueName: "file"))
    var o: String?

    @Flag(name: .customLong("no-warnings"), help: "Print no warnings: the compiler's, the runtime's, warnf()'s.")
    var noWarnings = false

    @Flag(
        name: .customLong("trace-self"),
        help: "Let probes see bpfsh's own process too (by default they ignore it, unlike bpftrace).")
    var traceSelf = false

    @Flag(name: .customLong("emit-llvm"), help: "Print the generated LLVM IR before running.")
    var emitLLVM = false

    @Flag(
        name: .customLong("dry-run"),
        help: "Compile and load every program through the verifier; attach nothing, run nothing.")
    var dryRun = false

    @Flag(name: .customLong("check"), help: "Run a session script and exit 1 unless every expectation in it held.")
    var check = false

    @Flag(name: .customLong("keep-going"), help: "Go on with a session script after a statement fails.")
    var keepGoing = false

    @Option(
        name: .customLong("record"),
        help: ArgumentHelp("Write what is typed in the shell as a replayable script.", valueName: "file"))
    var record: String?

    @Option(
        name: .customLong("notebook"),
        help: ArgumentHelp(
            "Write each statement and its output as a notebook (.md or .ipynb); repeatable.", valueName: "file"))
    var notebooks: [String] = []

    @Flag(name: .customLong("auto"), help: "With tutorial NAME: run every step unattended, checking each.")
    var auto = false

    @Flag(name: .customLong("force"), help: "Let --record and --notebook replace existing files.")
    var force = false

    @Flag(
        name: .customLong("interactive"),
        help: "With a session script: run it, then open the prompt with its probes and tables still live.")
    var interactive = false

    @Flag(
        name: .customLong("serve"),
        help: "Speak the machine protocol (JSON lines, docs/protocol.md) on standard input and output.")
    var serve = false

    @Argument(
        help: ArgumentHelp(
            "A program file (.bt) then positional parameters ($1, $2...); a session script (.bpfsh) then "
                + "NAME=VALUE parameters; with -l, a probe glob.",
            valueName: "file-and-arguments"))
    var arguments: [String] = []

    mutating func run() throws {
        setvbuf(stdout, nil, _IOLBF, 0)
        if l {
            let pattern = arguments.first ?? e ?? "*"
            let listing = Kernel.ProbeCatalogue().list(matching: pattern, verbose: v)
            for warning in listing.warnings { FileHandle.standardError.write(Data((warning + "\n").utf8)) }
            print(listing.text, terminator: listing.text.hasSuffix("\n") || listing.text.isEmpty ? "" : "\n")
            throw ExitCode(listing.entries.isEmpty ? 1 : 0)
        }
        var transcripts = ShellLauncher.Transcripts()
        transcripts.record = record
        transcripts.notebooks = notebooks
        transcripts.force = force
        var shellOptions = TracingSession.Options()
        shellOptions.allowUnsafe = unsafe
        shellOptions.targetPID = p
        shellOptions.excludesOwnProcess = !traceSelf
        if serve {
            guard e == nil, arguments.isEmpty, record == nil, notebooks.isEmpty else {
                FileHandle.standardError.write(
                    Data("bpfsh: --serve takes no program, script, --record or --notebook\n".utf8))
                throw ExitCode(2)
            }
            throw ExitCode(ShellLauncher.serve(options: shellOptions))
        }
        if e == nil, arguments.first == "tutorial" {
            guard arguments.count <= 3 else {
                FileHandle.standardError.write(
                    Data("bpfsh: usage: bpfsh tutorial [NAME [STEP | read | restart]] [--auto]\n".utf8))
                throw ExitCode(2)
            }
            throw ExitCode(
                ShellLauncher.runTutorial(
                    Array(arguments.dropFirst()), auto: auto, options: shellOptions, transcripts: transcripts))
        }
        if e == nil, let script = arguments.first, script.hasSuffix(".bpfsh") || check {
            let parameters: [String: String]
            do { parameters = try ParameterSubstitution.parse(Array(arguments.dropFirst())) } catch {
                FileHandle.standardError.write(Data("bpfsh: \(error)\n".utf8))
                throw ExitCode(2)
            }
            if interactive {
                throw ExitCode(
                    ShellLauncher.run(
                        options: shellOptions, transcripts: transcripts, firstStatement: "source \(script)",
                        parameters: parameters))
            }
            throw ExitCode(
                ShellLauncher.runScript(
                    path: script, parameters: parameters, options: shellOptions,
                    transcripts: transcripts, keepGoing: keepGoing, check: check))
        }
        // A program run (-e, a .bt file) has no statements to record, check or take notes of.
        if record != nil || !notebooks.isEmpty || keepGoing || auto, e != nil || !arguments.isEmpty {
            FileHandle.standardError.write(
                Data(
                    ("bpfsh: --record, --notebook, --keep-going and --auto work with the shell, session scripts "
                        + "(.bpfsh) and tutorials, not with -e or a .bt program\n").utf8))
            throw ExitCode(2)
        }
        var source: SourceFile
        var positional = arguments
        if let e {
            source = SourceFile(name: "-e", text: e)
        } else if let file = positional.first {
            positional.removeFirst()
            do {
                source = SourceFile(name: file, text: try ScriptBytes.read(file))
            } catch {
                FileHandle.standardError.write(Data("bpfsh: \(TerminalSafeText.escaped("\(error)"))\n".utf8))
                throw ExitCode(2)
            }
        } else {
            throw ExitCode(ShellLauncher.run(options: shellOptions, transcripts: transcripts))
        }
        guard let format = OutputFormat(rawValue: f) else {
            FileHandle.standardError.write(Data("bpfsh: unknown output format '\(f)' (text or json)\n".utf8))
            throw ExitCode(2)
        }
        var options = OneShotRun.Options()
        options.format = format
        options.positionalParameters = positional
        options.allowUnsafe = unsafe
        options.command = c
        options.targetPID = p
        options.printIR = emitLLVM
        options.dryRun = dryRun
        options.excludesOwnProcess = !traceSelf
        options.quiet = q
        options.warnings = !noWarnings
        var outputFile: UnsafeMutablePointer<FILE>? = nil
        if let o {
            guard let file = fopen(o, "w") else {
                FileHandle.standardError.write(
                    Data("bpfsh: cannot write \(o): \(String(cString: strerror(errno)))\n".utf8))
                throw ExitCode(2)
            }
            setvbuf(file, nil, _IOLBF, 0)
            outputFile = file
        }
        let destination = outputFile ?? stdout
        // Run under the name bpftrace (a link), bpfsh writes its messages as bpftrace does.
        if URL(fileURLWithPath: CommandLine.arguments[0]).lastPathComponent == "bpftrace" {
            options.diagnosticStyle = .bpftrace
        }
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
            if let outputFile { fclose(outputFile) }
            throw ExitCode(code)
        case .compileError: throw ExitCode(1)
        case .kernelError: throw ExitCode(1)
        }
    }
}

// `bpfsh jupyter install [--user | --prefix DIR]` passes its options on to the installer,
// which the parser here would refuse as unknown.
if CommandLine.arguments.count > 1, CommandLine.arguments[1] == "jupyter" {
    exit(JupyterInstall.run(Array(CommandLine.arguments.dropFirst(2))))
}
BPFShell.main()
