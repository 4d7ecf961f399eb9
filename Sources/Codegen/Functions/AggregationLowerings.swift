import CLLVM
import Language

extension FunctionLowering {
    /// count(), sum()... are lowered by the map assignment that holds them
    /// (`UnitLowering.updateAggregation`, driven by the `Aggregation` the checker gave the
    /// map); the call itself yields nothing.
    static let aggregations = ["count", "sum", "avg", "min", "max", "stats", "hist", "lhist", "tseries"].map {
        FunctionLowering(name: $0) { call in .scalar(call.const64(0)) }
    }
}
