/// The shape of the fields after `PROVIDER:` in an attach point, with the message that says
/// how to write it when the fields do not fit.
public enum AttachPointGrammar: Sendable {
    /// No fields (`BEGIN`, `END`).
    case none
    /// `UNIT:N` with UNIT one of hz, s, ms, us (and ns when `allowsNanoseconds`).
    case rate(example: String, allowsNanoseconds: Bool)
    /// `CATEGORY:EVENT`.
    case categoryEvent(example: String)
    /// `[MODULE:]EVENT`; the module is accepted and dropped.
    case event(example: String)
    /// `EVENT[:COUNT]`, COUNT a number.
    case perfEvent(example: String)
    /// `BINARY:FUNCTION`, or `BINARY[:PROVIDER]:PROBE` when `allowsProvider`.
    case binaryFunction(allowsProvider: Bool)
    /// `[MODULE:]FUNCTION`; the module is kept as a prefix.
    case kernelFunction(example: String)
    /// Anything else: a provider of one's own checks its fields itself.
    case custom(usage: String, check: @Sendable ([String]) -> Result<[String], AttachPointError>)

    /// The fields as the provider keeps them, or why they do not fit.
    public func parse(_ fields: [String], kind: ProviderKind) -> Result<[String], AttachPointError> {
        let name = kind.rawValue
        func fail(_ message: String) -> Result<[String], AttachPointError> { .failure(AttachPointError(message)) }
        var fields = fields
        switch self {
        case .none:
            return fields.isEmpty ? .success([]) : fail("\(name) takes no attach point fields")
        case .rate(let example, let allowsNanoseconds):
            if fields.count == 1 {
                // Today's `interval:1s`, `interval:100ms`, `interval:1000000000` (nanoseconds).
                guard let spelled = Self.duration(fields[0]) else {
                    return fail(
                        "\(name) probes are written \(name):DURATION (e.g. \(name):1s, \(name):100ms) or "
                            + "\(name):UNIT:N with UNIT one of hz, s, ms, us (e.g. \(example))")
                }
                fields = spelled
            }
            guard fields.count == 2, ["hz", "s", "ms", "us", "ns"].contains(fields[0]), let n = UInt64(fields[1]),
                n > 0
            else {
                return fail(
                    "\(name) probes are written \(name):UNIT:N with UNIT one of hz, s, ms, us (e.g. \(example))")
            }
            if !allowsNanoseconds && fields[0] == "ns" {
                return fail("\(name):ns is not supported: use us or longer")
            }
            if ProbeTarget.rate(fields) == nil {
                return fail("\(name) period \(fields[1])\(fields[0]) is too long: it must fit in 64-bit nanoseconds")
            }
        case .categoryEvent(let example):
            guard fields.count == 2, !fields[0].isEmpty, !fields[1].isEmpty else {
                return fail("\(name) probes are written \(name):CATEGORY:EVENT (e.g. \(example))")
            }
        case .event(let example):
            guard fields.count == 1 || fields.count == 2, !(fields.last ?? "").isEmpty else {
                return fail("\(name) probes are written \(name):EVENT (e.g. \(example))")
            }
            fields = [fields.last!]
        case .perfEvent(let example):
            guard fields.count == 1 || fields.count == 2, !fields[0].isEmpty else {
                return fail("\(name) probes are written \(name):EVENT[:COUNT] (e.g. \(example))")
            }
            if fields.count == 2, UInt64(fields[1]) == nil, !fields[1].isEmpty {
                return fail("the sample count '\(fields[1])' is not a number")
            }
            if fields.count == 2 && fields[1].isEmpty { fields.removeLast() }
        case .binaryFunction(let allowsProvider):
            guard fields.count == 2 || (allowsProvider && fields.count == 3), !fields[0].isEmpty,
                !fields.last!.isEmpty
            else {
                if allowsProvider {
                    return fail("\(name) probes are written \(name):BINARY[:PROVIDER]:PROBE (e.g. \(name):libc:libc:setjmp)")
                }
                return fail(
                    "\(name) probes are written \(name):BINARY:FUNCTION "
                        + "(e.g. \(name):/bin/bash:readline or \(name):libc:malloc)")
            }
        case .kernelFunction(let example):
            guard fields.count == 1 || fields.count == 2, !(fields.last ?? "").isEmpty else {
                return fail("\(name) probes are written \(name):FUNCTION (e.g. \(example))")
            }
        case .custom(_, let check):
            return check(fields)
        }
        return .success(fields)
    }

    /// A duration such as `1s`, `100ms`, `5us` or `250` (nanoseconds) as the longest of the
    /// units s, ms, us, ns that divides it: `["ms", "100"]`. Nil when it is not a duration or
    /// does not fit in 64-bit nanoseconds.
    static func duration(_ text: String) -> [String]? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let count = UInt64(digits) else { return nil }
        let scales: [String: UInt64] = [
            "": 1, "ns": 1, "us": 1_000, "ms": 1_000_000, "s": 1_000_000_000, "m": 60_000_000_000,
            "h": 3_600_000_000_000, "d": 86_400_000_000_000,
        ]
        guard let scale = scales[String(text.dropFirst(digits.count))] else { return nil }
        let (total, overflow) = count.multipliedReportingOverflow(by: scale)
        guard !overflow, total > 0 else { return nil }
        for (unit, size) in [("s", UInt64(1_000_000_000)), ("ms", 1_000_000), ("us", 1_000)] where total % size == 0 {
            return [unit, String(total / size)]
        }
        return ["ns", String(total)]
    }

    /// How the attach point is written, for `help` and the provider listing.
    public func usage(kind: ProviderKind) -> String {
        let name = kind.rawValue
        switch self {
        case .none: return name
        case .rate: return "\(name):UNIT:N"
        case .categoryEvent: return "\(name):CATEGORY:EVENT"
        case .event: return "\(name):EVENT"
        case .perfEvent: return "\(name):EVENT[:COUNT]"
        case .binaryFunction(let allowsProvider):
            return allowsProvider ? "\(name):BINARY[:PROVIDER]:PROBE" : "\(name):BINARY:FUNCTION"
        case .kernelFunction: return "\(name):FUNCTION"
        case .custom(let usage, _): return usage
        }
    }
}

/// Why an attach point's fields do not fit its provider's grammar.
public struct AttachPointError: Error, Hashable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}
