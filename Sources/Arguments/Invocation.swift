/// What the command line asked for, as plain values: made by `QuickParser` for the common
/// forms and by swift-argument-parser (`BPFShellCommand`) for everything else, and run by
/// `Launcher`. Both parsers must give the same value for a command line they both accept.
public struct Invocation: Equatable, Sendable {
    /// `-e PROGRAM`
    public var program: String?
    /// `-l`
    public var list = false
    /// `-v`
    public var verbose = false
    /// `-c COMMAND`
    public var command: String?
    /// `-p PID`
    public var pid: Int32?
    /// `-f FORMAT`
    public var format = "text"
    public var unsafe = false
    /// `-q`: no "Attached N probes" line.
    public var quiet = false
    /// `-o FILE`: the program's output to this file.
    public var outputFile: String?
    /// `--no-warnings`
    public var noWarnings = false
    /// `--info`: what this kernel and build support, as bpftrace prints it.
    public var info = false
    /// `-B none|line|full`: how standard output (and `-o`'s file) is buffered.
    public var buffering: String?
    /// `-k`: report failed probe reads (bpftrace 0.23+).
    public var probeReadErrors = false
    /// `--probe-filter REGEX`: attach only the probes whose name matches (BEGIN/END always).
    public var probeFilter: String?
    public var traceSelf = false
    public var emitLLVM = false
    public var dryRun = false
    public var check = false
    public var keepGoing = false
    /// `--max-wait DURATION`: replaying a recording, its idle waits are capped at this.
    public var maxWait: String?
    public var record: String?
    public var notebooks: [String] = []
    public var auto = false
    public var force = false
    public var interactive = false
    public var serve = false
    /// A program file then its positional parameters, a session script then NAME=VALUE
    /// parameters, `tutorial ...`, or with -l a probe glob.
    public var arguments: [String] = []

    public init() {}
}
