import Foundation
import TestGate
import XCTest

@testable import Tables

/// pprof and speedscope files from a table of known stacks: the fields each format needs,
/// and `go tool pprof` reading what we wrote.
final class ProfileFormatTests: XCTestCase {
    /// `@s[kstack, ustack, comm] = count()`, innermost frame first as bpftrace reads them.
    let table = Build.map(
        "@s",
        [
            Build.row(
                [
                    .stack(["vfs_read+12", "ksys_read+5", "entry_SYSCALL_64_after_hwframe+99"]),
                    .stack(["read+4", "main+30"]), .string("agentd"),
                ], .count(30)),
            Build.row([.stack([]), .stack(["spin+2", "main+8"]), .string("hog")], .count(70)),
        ])

    func testSuffixesAreReadWhole() {
        XCTAssertEqual(ProfileFormat(path: "/tmp/cpu.pb.gz"), .pprof)
        XCTAssertEqual(ProfileFormat(path: "cpu.speedscope.json"), .speedscope)
        XCTAssertEqual(ProfileFormat(path: "CPU.SPEEDSCOPE.JSON"), .speedscope)
        XCTAssertNil(ProfileFormat(path: "cpu.json"), "a plain .json is a table")
        XCTAssertNil(ProfileFormat(path: "cpu.gz"))
        XCTAssertNil(ProfileFormat(path: "dir.pb.gz/x.csv"))
        XCTAssertEqual(TableFileFormat(path: "cpu.json"), .json)
    }

    func testFramesKeepKernelAndUserApart() {
        let stacks = ProfileStacks(table: table)
        XCTAssertEqual(stacks.totalSamples, 100)
        let paths = stacks.samples.map { sample in sample.stack.map { stacks.frames[$0].name } }
        XCTAssertEqual(
            paths,
            [
                ["hog", "main", "spin"],
                ["agentd", "main", "read", "entry_SYSCALL_64_after_hwframe_[k]", "ksys_read_[k]", "vfs_read_[k]"],
            ])
        let kinds = Dictionary(stacks.frames.map { ($0.name, $0.kind) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(kinds["hog"], .process)
        XCTAssertEqual(kinds["read"], .user)
        XCTAssertEqual(kinds["vfs_read_[k]"], .kernel)
        XCTAssertEqual(stacks.samples.map(\.count), [70, 30])
    }

    // MARK: speedscope

    /// The fields speedscope's spec requires (not marked `?`) of `File`, `Frame` and
    /// `SampledProfile` (with `IProfile`'s `type`), read from `file-format-spec.ts` when the
    /// shared checkout has it; the same list written out otherwise.
    func requiredFields() -> [String: Set<String>] {
        let known: [String: Set<String>] = [
            "File": ["$schema", "shared", "profiles"], "Frame": ["name"],
            "SampledProfile": ["type", "name", "unit", "startValue", "endValue", "samples", "weights"],
        ]
        let here = URL(fileURLWithPath: #filePath)
        let candidates = [
            here.deletingLastPathComponent().appendingPathComponent("../../../shared/speedscope/file-format-spec.ts"),
            URL(fileURLWithPath: "/work/shared/speedscope/file-format-spec.ts"),
        ]
        guard let spec = candidates.lazy.compactMap({ try? String(contentsOf: $0, encoding: .utf8) }).first else {
            return known
        }
        func fields(of interface: String) -> Set<String> {
            guard let start = spec.range(of: "interface \(interface) ") else { return [] }
            var depth = 0
            var body = ""
            for c in spec[start.upperBound...] {
                if c == "{" { depth += 1 }
                if c == "}" {
                    depth -= 1
                    if depth == 0 { break }
                }
                if depth == 1 { body.append(c) }  // top-level members only
            }
            var names: Set<String> = []
            for line in body.split(separator: "\n") {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                guard !trimmed.hasPrefix("//"), let colon = trimmed.firstIndex(of: ":") else { continue }
                let name = String(trimmed[..<colon])
                if !name.hasSuffix("?"), !name.isEmpty, !name.contains(" ") { names.insert(name) }
            }
            return names
        }
        let fromSpec: [String: Set<String>] = [
            "File": fields(of: "File"), "Frame": fields(of: "Frame"),
            "SampledProfile": fields(of: "SampledProfile").union(fields(of: "IProfile")),
        ]
        XCTAssertEqual(fromSpec, known, "the spec changed: update the written-out list and the encoder")
        return fromSpec
    }

    func testSpeedscopeHasEveryRequiredField() throws {
        let required = requiredFields()
        let data = ProfileFormat.speedscope.encode(table, title: "@s")
        let file = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(data)) as? [String: Any])
        XCTAssertEqual(Set(file.keys).intersection(required["File"]!), required["File"]!)
        XCTAssertEqual(file["$schema"] as? String, "https://www.speedscope.app/file-format-schema.json")
        let frames = try XCTUnwrap((file["shared"] as? [String: Any])?["frames"] as? [[String: Any]])
        for frame in frames {
            XCTAssertEqual(Set(frame.keys).intersection(required["Frame"]!), required["Frame"]!)
            XCTAssertNotNil(frame["name"] as? String)
        }
        XCTAssertEqual(frames.first { $0["name"] as? String == "vfs_read_[k]" }?["file"] as? String, "[kernel]")
        XCTAssertEqual(frames.first { $0["name"] as? String == "spin" }?["file"] as? String, "[user]")
        let profiles = try XCTUnwrap(file["profiles"] as? [[String: Any]])
        XCTAssertEqual(profiles.count, 1)
        let profile = profiles[0]
        XCTAssertEqual(Set(profile.keys).intersection(required["SampledProfile"]!), required["SampledProfile"]!)
        XCTAssertEqual(profile["type"] as? String, "sampled")
        XCTAssertTrue(
            ["none", "nanoseconds", "microseconds", "milliseconds", "seconds", "bytes"].contains(
                profile["unit"] as? String ?? ""))
        let start = try XCTUnwrap(profile["startValue"] as? Double)
        let end = try XCTUnwrap(profile["endValue"] as? Double)
        XCTAssertGreaterThanOrEqual(end, start)
        let samples = try XCTUnwrap(profile["samples"] as? [[Int]])
        let weights = try XCTUnwrap(profile["weights"] as? [Double])
        XCTAssertEqual(samples.count, weights.count)
        XCTAssertEqual(weights, [70, 30])
        XCTAssertTrue(samples.allSatisfy { $0.allSatisfy { (0..<frames.count).contains($0) } })
        XCTAssertEqual(
            samples[0].map { frames[$0]["name"] as? String }, ["hog", "main", "spin"], "root first, as speedscope reads"
        )
    }

    // MARK: pprof

    func testGzipRoundTripsAndSpansBlocks() {
        let big = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let gz = Gzip.wrapStored(big)
        XCTAssertEqual(Array(gz.prefix(2)), [0x1f, 0x8b])
        XCTAssertEqual(Gzip.unwrapStored(gz), big)
        XCTAssertEqual(Gzip.unwrapStored(Gzip.wrapStored([])), [])
        XCTAssertEqual(Gzip.crc32(Array("123456789".utf8)), 0xCBF4_3926, "the standard CRC-32 check value")
    }

    func testPprofEncodesSamplesLeafFirstWithTheirFunctions() throws {
        let bytes = try XCTUnwrap(Gzip.unwrapStored(ProfileFormat.pprof.encode(table, title: "@s")))
        let fields = try ProtoFields.parse(bytes)
        let strings = fields.filter { $0.number == 6 }.map { String(decoding: $0.bytes, as: UTF8.self) }
        XCTAssertEqual(strings.first, "")
        XCTAssertTrue(strings.contains("vfs_read_[k]") && strings.contains("spin") && strings.contains("samples"))
        let functions = try fields.filter { $0.number == 5 }.map { try ProtoFields.parse($0.bytes) }
        var names: [UInt64: String] = [:]
        for function in functions {
            let id = try XCTUnwrap(function.first { $0.number == 1 }?.varint)
            names[id] = strings[Int(try XCTUnwrap(function.first { $0.number == 2 }?.varint))]
        }
        let samples = try fields.filter { $0.number == 2 }.map { try ProtoFields.parse($0.bytes) }
        XCTAssertEqual(samples.count, 2)
        let first = try XCTUnwrap(samples.first)
        let locations = try ProtoFields.packed(try XCTUnwrap(first.first { $0.number == 1 }).bytes)
        // Location ids equal function ids here (one of each per frame).
        XCTAssertEqual(locations.map { names[$0] }, ["spin", "main", "hog"], "leaf first, as pprof reads")
        XCTAssertEqual(try ProtoFields.packed(try XCTUnwrap(first.first { $0.number == 2 }).bytes), [70])
    }

    /// `go tool pprof -top` (Debian's golang-go, installed by scripts/setup) reads the file
    /// and lists its functions with their flat counts.
    func testGoToolPprofListsTheFunctions() throws {
        let go = ["/usr/bin/go", "/usr/lib/go/bin/go"].first { FileManager.default.isExecutableFile(atPath: $0) }
        try KernelTestGate.require(go != nil, "go tool pprof is missing: install golang-go (scripts/setup)")
        let directory = NSTemporaryDirectory() + "bpfsh-pprof-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/s.pb.gz"
        XCTAssertTrue(
            FileManager.default.createFile(atPath: path, contents: Data(ProfileFormat.pprof.encode(table, title: "@s")))
        )
        let process = Process()
        process.executableURL = URL(fileURLWithPath: go!)
        process.arguments = ["tool", "pprof", "-top", path]
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = directory
        environment["GOCACHE"] = directory + "/cache"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, text)
        func flat(_ function: String) -> String? {
            text.split(separator: "\n").first { $0.hasSuffix(" " + function) }.flatMap {
                $0.split(separator: " ").first.map(String.init)
            }
        }
        XCTAssertEqual(flat("spin"), "70", text)
        XCTAssertEqual(flat("vfs_read_[k]"), "30", text)
        XCTAssertTrue(text.contains("Showing nodes accounting for 100, 100% of 100 total"), text)
    }
}

/// A minimal protobuf reader for the tests: top-level fields of a message.
enum ProtoFields {
    struct Field {
        var number: Int
        var varint: UInt64?
        var bytes: [UInt8] = []
    }

    struct Malformed: Error {}

    static func varint(_ bytes: [UInt8], _ pos: inout Int) throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while pos < bytes.count {
            let b = bytes[pos]
            pos += 1
            value |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return value }
            shift += 7
        }
        throw Malformed()
    }

    static func parse(_ bytes: [UInt8]) throws -> [Field] {
        var fields: [Field] = []
        var pos = 0
        while pos < bytes.count {
            let key = try varint(bytes, &pos)
            let number = Int(key >> 3)
            switch key & 7 {
            case 0: fields.append(Field(number: number, varint: try varint(bytes, &pos)))
            case 2:
                let length = Int(try varint(bytes, &pos))
                guard pos + length <= bytes.count else { throw Malformed() }
                fields.append(Field(number: number, bytes: Array(bytes[pos..<pos + length])))
                pos += length
            default: throw Malformed()
            }
        }
        return fields
    }

    static func packed(_ bytes: [UInt8]) throws -> [UInt64] {
        var values: [UInt64] = []
        var pos = 0
        while pos < bytes.count { values.append(try varint(bytes, &pos)) }
        return values
    }
}
