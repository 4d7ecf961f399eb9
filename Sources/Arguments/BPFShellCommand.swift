import ArgumentParser
import Foundation

/// `bpfsh`'s command line as swift-argument-parser reads it: for `--help`, `--version`,
/// completion scripts, errors with the usage, and every form `QuickParser` leaves to it.
public struct BPFShellCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bpfsh",
        abstract: "An interactive BPF tracing shell that also runs bpftrace programs.",
        discussion: "With no program (no -e and no file), bpfsh starts the interactive shell; type help there.",
        version: "bpfsh \(Launcher.version)")

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
        name: .short, help: ArgumentHelp("Only trace this process id (every probe but BEGIN, END and interval); end when it exits.", valueName: "pid"))
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

    @Flag(name: .customLong("info"), help: "Print what this kernel and bpfsh support (helpers, map and probe types).")
    var info = false

    @Option(
        name: .customShort("B", allowingJoined: true),
        help: ArgumentHelp("Buffering of the output (standard output or -o's file): none, line or full.", valueName: "mode"))
    var buffering: String?

    @Flag(name: .short, help: "Report probe reads that fail (a bad address), with the place in the program.")
    var k = false

    @Option(
        name: .customLong("probe-filter"),
        help: ArgumentHelp("Attach only the probes whose name matches this regex (BEGIN and END always run).",
            valueName: "regex"))
    var probeFilter: String?

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
        name: .customLong("max-wait"),
        help: ArgumentHelp(
            "Replaying a recording: cap its idle waits (wait Ns  # idle) at this duration; typed waits stay.",
            valueName: "duration"))
    var maxWait: String?

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
            "A program file (.bt) then positional parameters ($1, $2...; after --, --name=value for getopt()); "
                + "a session script (.bpfsh) then NAME=VALUE parameters; with -l, a probe glob.",
            valueName: "file-and-arguments"))
    var arguments: [String] = []

    public init() {}

    /// The same command line as plain values.
    public var invocation: Invocation {
        var invocation = Invocation()
        invocation.program = e
        invocation.list = l
        invocation.verbose = v
        invocation.command = c
        invocation.pid = p
        invocation.format = f
        invocation.unsafe = unsafe
        invocation.quiet = q
        invocation.outputFile = o
        invocation.noWarnings = noWarnings
        invocation.info = info
        invocation.buffering = buffering
        invocation.probeReadErrors = k
        invocation.probeFilter = probeFilter
        invocation.traceSelf = traceSelf
        invocation.emitLLVM = emitLLVM
        invocation.dryRun = dryRun
        invocation.check = check
        invocation.keepGoing = keepGoing
        invocation.maxWait = maxWait
        invocation.record = record
        invocation.notebooks = notebooks
        invocation.auto = auto
        invocation.force = force
        invocation.interactive = interactive
        invocation.serve = serve
        invocation.arguments = arguments
        return invocation
    }

    public func run() throws {
        // exit() here rather than a thrown ExitCode, which the parser would turn into a
        // message (building the usage) even for a status of 0.
        Foundation.exit(Launcher.run(invocation))
    }
}
