import Foundation

/// Where the time of a start goes, phase by phase, printed to standard error when
/// `BPFSH_TIMING=1` (bench/run reads it to print the phases beside its totals).
///
/// Times are exclusive: a phase measured inside another (reading a tracepoint format while
/// checking types) is taken out of the outer one, so the phases add up to the wall time. Only
/// the main thread records: the phases of a start all run there, and other threads
/// (completion, background detaches) would otherwise tangle the nesting.
public enum StartupTiming {
    /// The phases in the order a start passes them, as printed.
    public enum Phase: String, CaseIterable, Sendable {
        /// Process start (fork) to the first line of main: exec, the dynamic loader, static
        /// initializers (LLVM's), the Swift runtime.
        case main
        /// The command line.
        case arguments
        /// The session: the kernel backend, the catalogue, feature probes.
        case setup
        /// BTF and tracefs: vmlinux BTF, tracepoint formats, kallsyms.
        case catalogue
        /// Parsing and type checking, without the catalogue reads they cause.
        case check
        /// LLVM: IR, optimization, BPF emission.
        case compile
        /// Map and ring buffer creation.
        case maps
        /// Loading through the verifier.
        case load
        case attach
        /// BEGIN programs and the events they send.
        case begin = "BEGIN"
        /// After the start: running until exit, END, reading and printing the maps.
        case run
        case teardown
    }

    public static let enabled: Bool = {
        guard let value = getenv("BPFSH_TIMING") else { return false }
        let text = String(cString: value)
        return !text.isEmpty && text != "0"
    }()

    nonisolated(unsafe) private static var totals: [Phase: UInt64] = [:]
    /// Open phases, innermost last, with their start and the time of phases nested in them.
    nonisolated(unsafe) private static var open: [(phase: Phase, start: UInt64, nested: UInt64)] = []
    nonisolated(unsafe) private static var mainClock: UInt64 = 0
    nonisolated(unsafe) private static var printedThrough: Phase? = nil
    /// Phases to print with a note, such as a compile answered by the cache.
    nonisolated(unsafe) private static var notes: [Phase: String] = [:]

    /// Notes `text` beside `phase` in the report.
    public static func note(_ phase: Phase, _ text: String) {
        guard enabled else { return }
        notes[phase] = text
    }

    /// Called first thing in main: records process start → main.
    public static func mainReached() {
        guard enabled else { return }
        mainClock = clock(CLOCK_MONOTONIC)
        if let sinceStart = nanosecondsSinceProcessStart() { totals[.main] = sinceStart }
    }

    /// Records the time since main (or since the last recorded mark) as `phase`.
    public static func mark(_ phase: Phase, since start: UInt64) {
        guard enabled, isMainThread else { return }
        add(phase, clock(CLOCK_MONOTONIC) &- start)
    }

    /// The monotonic clock when main was reached (the start of the argument phase).
    public static var mainTime: UInt64 { mainClock }

    /// Runs `body`, adding its time (less the phases nested in it) to `phase`.
    @inline(__always)
    public static func measure<T>(_ phase: Phase, _ body: () throws -> T) rethrows -> T {
        guard enabled, isMainThread else { return try body() }
        open.append((phase, clock(CLOCK_MONOTONIC), 0))
        defer {
            let entry = open.removeLast()
            let elapsed = clock(CLOCK_MONOTONIC) &- entry.start
            add(phase, elapsed &- entry.nested)
            if !open.isEmpty { open[open.count - 1].nested &+= elapsed }
        }
        return try body()
    }

    /// Prints the phases recorded up to and including `last` that were not printed yet, one
    /// line each (`bpfsh timing PHASE MS ms`), then their sum.
    public static func report(through last: Phase, label: String) {
        guard enabled else { return }
        let all = Phase.allCases
        let from = printedThrough.flatMap { all.firstIndex(of: $0) }.map { $0 + 1 } ?? 0
        guard let to = all.firstIndex(of: last), from <= to else { return }
        var text = ""
        var sum: UInt64 = 0
        for phase in all[from...to] {
            guard let value = totals[phase] else { continue }
            sum &+= value
            text += "bpfsh timing \(phase.rawValue) \(milliseconds(value)) ms"
            text += notes[phase].map { " (\($0))\n" } ?? "\n"
        }
        text += "bpfsh timing \(label) \(milliseconds(sum)) ms\n"
        if from == 0 {
            // /proc gives the start to a clock tick; a launcher that noted CLOCK_MONOTONIC when it
            // spawned bpfsh gets start → main exactly from this.
            text += "bpfsh timing main-at \(String(format: "%.6f", Double(mainClock) / 1e9)) s monotonic"
            text += " (start→main above is good to 1/\(ticksPerSecond) s)\n"
        }
        fputs(text, stderr)
        printedThrough = last
    }

    // MARK: -

    private static func add(_ phase: Phase, _ nanoseconds: UInt64) {
        totals[phase, default: 0] &+= nanoseconds
    }

    private static let mainThread = pthread_self()
    private static var isMainThread: Bool { pthread_equal(pthread_self(), mainThread) != 0 }

    private static func milliseconds(_ nanoseconds: UInt64) -> String {
        String(format: "%.2f", Double(nanoseconds) / 1e6)
    }

    private static func clock(_ id: clockid_t) -> UInt64 {
        var spec = timespec()
        clock_gettime(id, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    private static let ticksPerSecond = max(1, sysconf(Int32(_SC_CLK_TCK)))

    /// Boot time now less the process's start time (field 22 of /proc/self/stat, in clock
    /// ticks since boot): the kernel gives nothing finer, so this is good to one tick.
    static func nanosecondsSinceProcessStart() -> UInt64? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8) else { return nil }
        return processStartNanoseconds(stat: stat).map { clock(CLOCK_BOOTTIME) &- $0 }
    }

    /// The start time in a /proc/PID/stat line, as nanoseconds since boot. The command name
    /// (field 2) may hold spaces and parentheses, so fields are counted after its last `)`.
    public static func processStartNanoseconds(stat: String) -> UInt64? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // Fields after the name start at 3 (state); starttime is field 22.
        guard fields.count > 19, let ticks = UInt64(fields[19]) else { return nil }
        return ticks * 1_000_000_000 / UInt64(ticksPerSecond)
    }
}
