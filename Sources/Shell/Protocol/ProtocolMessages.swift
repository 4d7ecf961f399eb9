import Foundation
import Tables

/// The machine protocol's messages (docs/protocol.md): one JSON object per line. Requests come
/// in with an `id` the client chooses; every reply and every event a request causes carries it.
public enum ProtocolMessages {
    public static let version = 1

    /// A request as the server acts on it.
    public enum Request: Equatable {
        case execute(code: String)
        case complete(code: String, cursor: Int)
        case inspect(code: String, cursor: Int)
        case isComplete(code: String)
        case interrupt
        case shutdown

        public var name: String {
            switch self {
            case .execute: return "execute"
            case .complete: return "complete"
            case .inspect: return "inspect"
            case .isComplete: return "is_complete"
            case .interrupt: return "interrupt"
            case .shutdown: return "shutdown"
            }
        }
    }

    /// Why a line is not a request; `id` when the line had one, so the client can match it.
    public struct BadRequest: Error, Equatable {
        public var id: RequestID?
        public var message: String
    }

    /// A request's id as the client sent it: a string or an integer, echoed unchanged.
    public enum RequestID: Equatable, Sendable {
        case string(String)
        case number(Int)
        var json: Any {
            switch self {
            case .string(let s): return s
            case .number(let n): return n
            }
        }
    }

    public static func parse(_ line: String) -> Result<(RequestID, Request), BadRequest> {
        guard let data = line.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data),
            let fields = object as? [String: Any]
        else { return .failure(BadRequest(id: nil, message: "not a JSON object: \(line.prefix(80))")) }
        var id: RequestID?
        if let text = fields["id"] as? String {
            id = .string(text)
        } else if let number = fields["id"] as? NSNumber, let n = Int(exactly: number.doubleValue) {
            id = .number(n)
        }
        guard let id else { return .failure(BadRequest(id: nil, message: "a request needs an id (string or integer)")) }
        func fail(_ message: String) -> Result<(RequestID, Request), BadRequest> {
            .failure(BadRequest(id: id, message: message))
        }
        guard let type = fields["type"] as? String else { return fail("a request needs a type") }
        let code = fields["code"] as? String
        let cursor = (fields["cursor"] as? NSNumber).map { $0.intValue } ?? code.map { $0.unicodeScalars.count }
        switch type {
        case "execute":
            guard let code else { return fail("execute needs code (the statements to run)") }
            return .success((id, .execute(code: code)))
        case "complete", "inspect":
            guard let code, let cursor else { return fail("\(type) needs code and a cursor") }
            return .success(
                (id, type == "complete" ? .complete(code: code, cursor: cursor) : .inspect(code: code, cursor: cursor)))
        case "is_complete":
            guard let code else { return fail("is_complete needs code") }
            return .success((id, .isComplete(code: code)))
        case "interrupt": return .success((id, .interrupt))
        case "shutdown": return .success((id, .shutdown))
        default:
            return fail(
                "unknown request type '\(type)': execute, complete, inspect, is_complete, interrupt or shutdown")
        }
    }

    /// The first line the server writes.
    public static func hello() -> [String: Any] {
        ["type": "hello", "protocol": "bpfsh", "version": version, "bpfsh": "0.1"]
    }

    public static func reply(
        _ id: RequestID?, _ request: String, status: String, _ fields: [String: Any] = [:]
    )
        -> [String: Any]
    {
        var message = fields
        message["type"] = "reply"
        message["id"] = id?.json ?? NSNull()
        message["request"] = request
        message["status"] = status
        return message
    }

    /// An event, tied to the request that caused it (nil for probe output between requests).
    public static func event(_ event: ShellEvent, id: RequestID?, line: Int? = nil) -> [String: Any] {
        var message = body(of: event, line: line)
        message["type"] = "event"
        message["id"] = id?.json ?? NSNull()
        return message
    }

    static func body(of event: ShellEvent, line: Int?) -> [String: Any] {
        switch event {
        case .statementStarted(let statement, let nested):
            var fields: [String: Any] = ["event": "statement_started", "statement": statement, "nested": nested]
            if let line { fields["line"] = line }
            return fields
        case .output(let text): return ["event": "stream", "name": "stdout", "text": text]
        case .errorOutput(let text): return ["event": "stream", "name": "stderr", "text": text]
        case .probeOutput(let text, let probe):
            return ["event": "stream", "name": "probe", "text": text, "probe": probe ?? NSNull()]
        case .notice(let text): return ["event": "notice", "text": text]
        case .warning(let text): return ["event": "warning", "text": text]
        case .table(let table):
            return [
                "event": "table", "name": table.name ?? NSNull(),
                "columns": table.columns.map { ["name": $0.name, "type": $0.type.rawValue] },
                "rows": table.rows.map { $0.map(json) }, "text": table.text,
            ]
        case .histogram(let set):
            return ["event": "histogram", "histograms": set.histograms.map(json), "text": set.text]
        case .file(let path): return ["event": "file", "path": path]
        case .error(let report):
            return [
                "event": "error", "message": report.message,
                "locations": report.locations.map { location -> [String: Any] in
                    [
                        "file": location.file ?? NSNull(), "line": location.line, "column": location.column,
                        "end_line": location.endLine, "end_column": location.endColumn,
                        "message": location.message, "severity": location.severity,
                    ]
                },
            ]
        case .statementEnded(let statement, let status, let nested):
            return ["event": "statement_done", "statement": statement, "status": status.rawValue, "nested": nested]
        }
    }

    static func json(_ value: ShellTable.Value) -> Any {
        switch value {
        case .integer(let n): return n
        case .string(let s): return s
        case .stack(let frames): return frames
        case .empty: return NSNull()
        }
    }

    static func json(_ entry: ShellHistograms.Entry) -> [String: Any] {
        func estimate(_ e: Percentiles.Estimate?) -> Any {
            guard let e else { return NSNull() }
            return ["value": e.value, "bound": e.isLowerBound ? "at_least" : "below"]
        }
        let p = entry.percentiles
        return [
            "label": entry.label, "count": p.count,
            "buckets": entry.buckets.map { bucket -> [String: Any] in
                ["low": bucket.low ?? NSNull(), "high": bucket.high ?? NSNull(), "count": bucket.count]
            },
            "percentiles": [
                "p50": estimate(p.p50), "p90": estimate(p.p90), "p99": estimate(p.p99), "max": estimate(p.max),
            ],
        ]
    }

    /// One line of JSON.
    public static func encode(_ message: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: message, options: [.withoutEscapingSlashes])
        else { return #"{"type":"reply","id":null,"request":"unknown","status":"error","message":"unencodable"}"# }
        return String(decoding: data, as: UTF8.self)
    }
}
