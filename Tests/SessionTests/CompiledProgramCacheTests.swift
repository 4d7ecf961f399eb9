import Codegen
import Foundation
@testable import Language
import LanguageTestSupport
import TestSupport
import XCTest

@testable import Session

/// Compiled programs kept between runs: a cached program is the same code as a fresh
/// compile; an entry of another version or kernel, or a corrupt one, is never used.
final class CompiledProgramCacheTests: XCTestCase {
    var directory = ""

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bpfsh-cache-\(UUID().uuidString)").path
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    let sample = [
        #"BEGIN { printf("ready\n"); exit(); }"#,
        "tracepoint:sched:sched_switch { @[comm] = count(); }",
        "tracepoint:sched:sched_switch /pid > 1/ { @h = hist(args.prev_pid); @s[args.next_comm] = sum(1); }",
        #"tracepoint:raw_syscalls:sys_enter { printf("%d %s\n", pid, comm); @x = count(); } END { print(@x); }"#,
        "tracepoint:sched:sched_wakeup, tracepoint:sched:sched_switch { @[probe, cpu] = count(); $1; }",
        #"BEGIN { $i = 0; while ($i < 5) { printf("%d\n", $i); $i++; } exit(); }"#,
    ]

    /// Compiles `text` as a one-shot run would (own process excluded), through `cache`.
    func compile(_ text: String, cache: CompiledProgramCache?, pid: Int32 = 4242) throws -> CompiledProgram {
        var options = TracingSession.Options()
        options.cache = cache
        options.eventRingBytes = nil
        options.countsFired = false
        options.excludesOwnProcess = false
        options.positionalParameters = ["7"]
        let session = TracingSession(backend: FakeKernel(), catalogue: FakeCatalogue(), options: options, write: { _ in })
        defer { session.close() }
        var pipeline = session.pipeline(replacing: nil)
        pipeline.codegenOptions.excludedProcess = pid
        return try pipeline.compile(SourceFile(name: "-e", text: text))
    }

    func cache(version: String = "0.1", kernel: String = "kernel test\n") -> CompiledProgramCache {
        CompiledProgramCache(directory: directory, identity: "bpfsh \(version)\n" + kernel)
    }

    func entries() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".bpfc") }
    }

    func testACachedProgramIsTheSameCodeAsAFreshCompile() throws {
        for text in sample {
            let fresh = try compile(text, cache: nil)
            let cold = try compile(text, cache: cache())
            let warm = try compile(text, cache: cache())
            XCTAssertFalse(cold.fromCache, text)
            XCTAssertTrue(warm.fromCache, text)
            XCTAssertEqual(cold.code, fresh.code, text)
            XCTAssertEqual(warm.code, fresh.code, text)
            XCTAssertEqual(warm.maps, fresh.maps, text)
            XCTAssertEqual(warm.programs.map(\.target), fresh.programs.map(\.target), text)
            XCTAssertEqual(warm.programs.map(\.name), fresh.programs.map(\.name), text)
        }
        XCTAssertEqual(entries().count, sample.count)
    }

    func testOneEntryServesEveryRunWithItsOwnProcessIgnored() throws {
        let text = "tracepoint:sched:sched_switch { @[comm] = count(); }"
        _ = try compile(text, cache: cache(), pid: 1111)
        let warm = try compile(text, cache: cache(), pid: 2222)
        XCTAssertTrue(warm.fromCache)
        XCTAssertEqual(warm.code, try compile(text, cache: nil, pid: 2222).code, "the pid of this run is in the code")
        XCTAssertNotEqual(warm.code, try compile(text, cache: nil, pid: 1111).code)
        XCTAssertEqual(entries().count, 1)
    }

    func testAnEntryOfAnotherVersionOrKernelIsIgnored() throws {
        let text = "tracepoint:sched:sched_switch { @[comm] = count(); }"
        _ = try compile(text, cache: cache(version: "0.0"))
        XCTAssertFalse(try compile(text, cache: cache(version: "0.1")).fromCache)
        XCTAssertFalse(try compile(text, cache: cache(kernel: "kernel other\n")).fromCache)
        // Different source, parameters: other entries.
        XCTAssertFalse(try compile(text + " ", cache: cache(version: "0.0")).fromCache)
        XCTAssertTrue(try compile(text, cache: cache(version: "0.0")).fromCache)
    }

    func testACorruptEntryIsRecompiledNeverTrusted() throws {
        let text = "tracepoint:sched:sched_switch /pid > 1/ { @[comm] = count(); }"
        let fresh = try compile(text, cache: nil)
        _ = try compile(text, cache: cache())
        let path = directory + "/" + (try XCTUnwrap(entries().first))
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        let corruptions: [(String, (inout Data) -> Void)] = [
            ("an instruction changed", { $0[$0.count - 16] ^= 0x01 }),
            ("the checksum changed", { $0[$0.count - 1] ^= 0x80 }),
            ("cut short", { $0 = $0.prefix($0.count / 2) }),
            ("empty", { $0 = Data() }),
            ("another file's bytes", { $0 = Data("not an entry".utf8) }),
        ]
        for (what, corrupt) in corruptions {
            var bytes = good
            corrupt(&bytes)
            try bytes.write(to: URL(fileURLWithPath: path))
            let again = try compile(text, cache: cache())
            XCTAssertFalse(again.fromCache, what)
            XCTAssertEqual(again.code, fresh.code, what)
            // Written anew: the next run uses it.
            XCTAssertTrue(try compile(text, cache: cache()).fromCache, what)
        }
        // A file others could have written is not used.
        chmod(path, 0o666)
        XCTAssertFalse(try compile(text, cache: cache()).fromCache, "a world-writable entry")
    }

    /// A shell's later probe compiles against the maps earlier probes made: the entry is for
    /// those layouts, and a session whose map has another layout compiles afresh.
    func testAShellProbeUsingTheSessionsMapsIsCachedForThoseLayouts() throws {
        func session(firstProbe: String) throws -> TracingSession {
            var options = TracingSession.Options()
            options.cache = cache()
            options.excludesOwnProcess = false
            let session = TracingSession(backend: FakeKernel(), catalogue: FakeCatalogue(), options: options, write: { _ in })
            try session.define(name: "first", text: firstProbe)
            return session
        }
        let second = "tracepoint:sched:sched_switch { @a[comm] = count(); @b = count(); }"
        func compileSecond(_ session: TracingSession) throws -> CompiledProgram {
            try session.pipeline(replacing: nil).compile(SourceFile(name: "second", text: second))
        }
        let one = try session(firstProbe: "tracepoint:sched:sched_wakeup { @a[comm] = count(); }")
        defer { one.close() }
        let cold = try compileSecond(one)
        let warm = try compileSecond(one)
        XCTAssertFalse(cold.fromCache)
        XCTAssertTrue(warm.fromCache)
        XCTAssertEqual(warm.code, cold.code)
        XCTAssertEqual(warm.maps, cold.maps)

        let other = try session(firstProbe: "tracepoint:sched:sched_wakeup { @a[comm, pid] = count(); }")
        defer { other.close() }
        XCTAssertThrowsError(try compileSecond(other), "@a has two key parts in this session")
        let three = try session(firstProbe: "tracepoint:sched:sched_wakeup { @a[comm] = count(); @z = count(); }")
        defer { three.close() }
        XCTAssertFalse(try compileSecond(three).fromCache, "another set of session maps is another entry")
    }

    func testProgramsThatDependOnTheRunAreNotKept() throws {
        for text in [
            "interval:s:1 { printf(\"%d\\n\", elapsed); }", "tracepoint:sched:sched_switch /pid == cpid/ { @ = count(); }",
            "BEGIN { @t = nsecs(sw_tai); }",
        ] {
            _ = try compile(text, cache: cache())
            XCTAssertFalse(try compile(text, cache: cache()).fromCache, text)
        }
        XCTAssertEqual(entries(), [])
    }
}

/// Kernel addresses baked into code (kaddr(), a kprobe's func) move with KASLR at every boot,
/// and named parameters are constants of the code: both are part of the key.
final class CompiledProgramCacheKeyTests: XCTestCase {
    func testBootAndNamedParametersAreInTheKey() throws {
        let cache = CompiledProgramCache(directory: "/nonexistent", identity: "test\n")
        let options = CodegenOptions(startTimeNanoseconds: 0, cpuCount: 2)
        func key(_ text: String, named: [String: String?] = [:]) -> String {
            var analyzer = SemanticAnalyzer.Options()
            analyzer.namedParameters = named
            return cache.keyMaterial(source: SourceFile(name: "-e", text: text), analyzer: analyzer, options: options)
                ?? ""
        }
        XCTAssertTrue(key("kprobe:vfs_read { @[func] = count(); }").contains("\nboot "))
        XCTAssertTrue(key("BEGIN { @a = kaddr(\"jiffies\"); }").contains("\nboot "))
        XCTAssertFalse(key("BEGIN { @a = 1; }").contains("\nboot "))
        XCTAssertNotEqual(
            key("BEGIN { @a = getopt(\"n\", 1); }", named: ["n": "2"]),
            key("BEGIN { @a = getopt(\"n\", 1); }", named: ["n": "3"]))
    }

    /// A shell's later probe is compiled against the maps the session already has: every
    /// part of their layout is in the key, down to an lhist's bounds and a stack's depth.
    func testEveryPartOfAKnownMapsLayoutIsInTheKey() throws {
        let cache = CompiledProgramCache(directory: "/nonexistent", identity: "test\n")
        let options = CodegenOptions(startTimeNanoseconds: 0, cpuCount: 2)
        func key(_ maps: [MapInfo]) -> String {
            var analyzer = SemanticAnalyzer.Options()
            analyzer.knownMaps = maps
            return cache.keyMaterial(
                source: SourceFile(name: "-e", text: "BEGIN { @a = 1; }"), analyzer: analyzer, options: options) ?? ""
        }
        func map(_ keys: [SType], _ value: MapInfo.Value, declared: Int? = nil, warning: Int? = nil) -> MapInfo {
            var info = MapInfo(name: "m", keys: keys, value: value, range: SourceRange(0, 1))
            info.declaration = declared.map {
                MapDeclaration(name: "m", kind: .lruhash, maxEntries: $0, range: SourceRange(0, 1))
            }
            info.fullWarning = warning
            return info
        }
        let point = CStructType(name: "struct point", size: 8, fields: [
            .init(name: "x", offset: 0, type: .int(bytes: 4, signed: true)),
            .init(name: "y", offset: 4, type: .int(bytes: 4, signed: true)),
        ])
        var swapped = point
        swapped.fields[1].offset = 0
        swapped.fields[0].offset = 4
        let layouts: [MapInfo] = [
            map([], .aggregation(.lhist(min: 0, max: 100, step: 10), signed: true)),
            map([], .aggregation(.lhist(min: 0, max: 100, step: 5), signed: true)),
            map([], .aggregation(.lhist(min: 0, max: 100, step: 5), signed: false)),
            map([.kstack(limit: 127)], .aggregation(.count, signed: false)),
            map([.kstack(limit: 5)], .aggregation(.count, signed: false)),
            map([.kstack(limit: 5, mode: .perf)], .aggregation(.count, signed: false)),
            map([.string(size: 64)], .plain(.structure(point))),
            map([.string(size: 64)], .plain(.structure(swapped))),
            map([.string(size: 16)], .plain(.structure(point))),
            map([.string(size: 16)], .plain(.structure(point)), declared: 100),
            map([.string(size: 16)], .plain(.structure(point)), declared: 200),
            map([.string(size: 16)], .plain(.structure(point)), declared: 200, warning: 7),
        ]
        let keys = layouts.map { key([$0]) }
        XCTAssertEqual(Set(keys).count, layouts.count, "two different layouts share a key")
        XCTAssertEqual(keys, layouts.map { key([$0]) }, "one layout, one key")
        XCTAssertNotEqual(key([]), keys[0])
    }
}
