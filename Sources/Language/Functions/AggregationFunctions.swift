/// count(), sum(), avg(), min(), max(), stats(), hist(), lhist(): values only a map
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
