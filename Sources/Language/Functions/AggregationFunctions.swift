/// count(), sum(), avg(), min(), max(), stats(), hist(), lhist(), tseries(): values only a map
/// assignment can hold (`@x = count()`), updated per CPU.
extension FunctionDescriptor {
    public static let count = FunctionDescriptor(
        name: "count", signature: "count()", result: "aggregation",
        summary: "number of events; aggregations are map values, kept per CPU",
        category: .aggregation
    ) { call in
        _ = call.arity(0...0)
        return .aggregation(.count)
    }

    public static let sum = oneArgument("sum", .sum, "total of n")
    public static let avg = oneArgument("avg", .avg, "average of n")
    public static let min = oneArgument("min", .min, "smallest n")
    public static let max = oneArgument("max", .max, "largest n")
    public static let stats = oneArgument("stats", .stats, "count, average and total of n")
    public static let hist = FunctionDescriptor(
        name: "hist", signature: "hist(int n [, int k])", result: "aggregation",
        summary: "power-of-two histogram of n; k, bpftrace's linear steps within each power, must be 0",
        category: .aggregation
    ) { call in
        guard call.arity(1...2) else { return .aggregation(.hist) }
        call.integerArgument(0)
        if call.arguments.count == 2, let k = call.literalInteger(1), k != 0 {
            call.error(
                "hist() with k = \(k) (finer buckets within each power of two) is not supported: use hist(n) or lhist()",
                call.arguments[1].range)
        }
        return .aggregation(.hist)
    }

    public static let lhist = FunctionDescriptor(
        name: "lhist", signature: "lhist(int n, int min, int max, int step)", result: "aggregation",
        summary: "linear histogram of n; min, max and step are literals, at most 1000 buckets",
        category: .aggregation
    ) { call in
        guard call.arity(4...4) else { return .aggregation(.count) }
        call.integerArgument(0)
        guard let low = call.literalInteger(1), let high = call.literalInteger(2), let step = call.literalInteger(3)
        else {
            return .aggregation(.count)
        }
        if step <= 0 || high <= low {
            call.error("lhist() needs min < max and a positive step", call.range)
            return .aggregation(.lhist(min: 0, max: 1, step: 1))
        }
        let (span, overflow) = high.subtractingReportingOverflow(low)
        if overflow || span / step > 1000 {
            call.error("lhist() would have more than 1000 buckets", call.range)
            return .aggregation(.lhist(min: 0, max: 1, step: 1))
        }
        return .aggregation(.lhist(min: low, max: high, step: step))
    }

    public static let tseries = FunctionDescriptor(
        name: "tseries", signature: "tseries(int n, int interval_ns, int num_intervals [, string agg])",
        result: "aggregation",
        summary: "n over time: the last num_intervals intervals of interval_ns (a literal such as 100ms), "
            + "each the last n recorded in it or their avg, max, min or sum",
        category: .aggregation
    ) { call in
        let fallback = Aggregation.tseries(
            TimeSeriesSpec(intervalNanoseconds: 1, intervals: 1, reduction: .last))
        guard call.arity(3...4) else { return .aggregation(fallback) }
        if call.config.string("unstable_tseries") == "error" {
            call.error(
                "tseries feature is not enabled by default. To enable this unstable feature, set the config flag "
                    + "to enable. unstable_tseries=enable", call.range)
            return .aggregation(fallback)
        }
        call.integerArgument(0)
        guard let interval = call.literalInteger(1), let intervals = call.literalInteger(2) else {
            return .aggregation(fallback)
        }
        if interval < 1 {
            call.error("tseries() interval_ns must be >= 1 (\(interval) provided)", call.arguments[1].range)
            return .aggregation(fallback)
        }
        if intervals < 1 || UInt64(intervals) > TimeSeriesSpec.maxIntervals {
            let bound = intervals < 1 ? ">= 1" : "< \(TimeSeriesSpec.maxIntervals)"
            call.error("tseries() num_intervals must be \(bound) (\(intervals) provided)", call.arguments[2].range)
            return .aggregation(fallback)
        }
        var reduction = TimeSeriesSpec.Reduction.last
        if call.arguments.count == 4 {
            let named = TimeSeriesSpec.Reduction.allCases.filter { $0 != .last }
            guard case .string(let text) = call.arguments[3].kind,
                let chosen = TimeSeriesSpec.Reduction(rawValue: text), chosen != .last
            else {
                let given: String
                if case .string(let text) = call.arguments[3].kind { given = " (\"\(text)\" provided)" } else { given = "" }
                call.error(
                    "tseries() expects one of the following aggregation functions: "
                        + named.map(\.rawValue).sorted().joined(separator: ", ") + given,
                    call.arguments[3].range)
                return .aggregation(fallback)
            }
            reduction = chosen
        }
        return .aggregation(
            .tseries(
                TimeSeriesSpec(
                    intervalNanoseconds: UInt64(interval), intervals: UInt64(intervals), reduction: reduction)))
    }

    /// An aggregation of one integer argument.
    private static func oneArgument(
        _ name: String, _ aggregation: Aggregation, _ summary: String
    )
        -> FunctionDescriptor
    {
        FunctionDescriptor(
            name: name, signature: "\(name)(int n)", result: "aggregation", summary: summary,
            category: .aggregation
        ) { call in
            guard call.arity(1...1) else { return .aggregation(.count) }
            call.integerArgument(0)
            return .aggregation(aggregation)
        }
    }
}
