/// The two optional arguments of bpftrace's `print(@map, top, div)`.
///
/// They live in one value so the text and JSON renderers apply them identically, including
/// bpftrace's exceptions: `stats()` maps ignore both, `lhist()` maps ignore the divisor.
public struct PrintOptions: Hashable, Sendable {
    /// Keep only the last `top` rows after sorting (the largest ones); 0 or less keeps all.
    public var top: Int
    /// Divide printed values by this (integer division, as bpftrace); 0 or less means 1.
    public var divisor: Int

    public init(top: Int = 0, divisor: Int = 1) {
        self.top = top
        self.divisor = divisor
    }

    /// The divisor as bpftrace uses it: a positive integer, never zero.
    var effectiveDivisor: Int64 { divisor > 0 ? Int64(divisor) : 1 }
}
