/// What a function's typing rule may ask of the type checker while it checks one call.
///
/// Valid only during `FunctionDescriptor.check`: it points at the analyzer that is checking
/// the call (see `SemanticAnalyzer.callType`), so a rule must not keep it.
public struct CallTyping {
    let analyzer: UnsafeMutablePointer<SemanticAnalyzer>
    public let function: FunctionDescriptor
    public let arguments: [Expr]
    /// The call expression itself.
    public let expression: Expr

    public var name: String { function.name }
    public var range: SourceRange { expression.range }
    public var options: SemanticAnalyzer.Options { analyzer.pointee.options }
    /// The program's effective config (`max_strlen`...).
    public var config: ProgramConfig { analyzer.pointee.config }
    /// What str() reads when given no length: `max_strlen`, within 1...Builtins.maxStringSize.
    public var defaultStringSize: Int {
        config.maxStrlen.map { Swift.min(Builtins.maxStringSize, Swift.max(1, $0)) } ?? Builtins.defaultStringSize
    }
    public var target: ProbeTarget { analyzer.pointee.target }
    public var context: ProbeContext { analyzer.pointee.context }
    /// The attach point being typed, with its provider's row.
    public var site: ProbeSite { analyzer.pointee.site }
    public var catalogue: ProbeCatalogue { analyzer.pointee.catalogue }

    /// Whether the call has an argument count in `range`; reports the error when not.
    public func arity(_ range: ClosedRange<Int>) -> Bool {
        if !range.contains(arguments.count) {
            let expected =
                range.lowerBound == range.upperBound
                ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
            error("\(name)() takes \(expected) argument(s), \(arguments.count) given", expression.range)
            return false
        }
        return true
    }

    /// Types argument `index`.
    @discardableResult
    public func infer(_ index: Int) -> SType { infer(arguments[index]) }

    /// Types argument `index` for its type alone (`sizeof(*p)`): it is never evaluated, so a
    /// struct of any size will do.
    public func inferTypeOnly(_ index: Int) -> SType {
        analyzer.pointee.memberBases.insert(arguments[index].id)
        return infer(index)
    }

    /// Types any expression, such as the key of a map argument.
    @discardableResult
    public func infer(_ expr: Expr) -> SType { analyzer.pointee.infer(expr) }

    /// Types argument `index` and reports it unless it is an integer.
    public func integerArgument(_ index: Int) {
        let t = infer(index)
        if !t.isInteger {
            error("argument \(index + 1) of \(name)() must be an integer, not \(t)", arguments[index].range)
        }
    }

    /// The value of argument `index` when it is known at compile time (a literal, a negated
    /// literal or a positional parameter); reports the error when not.
    public func literalInteger(_ index: Int) -> Int64? {
        switch arguments[index].kind {
        case .integer(let v): return Int64(bitPattern: v)
        case .unary("-", let inner):
            if case .integer(let v) = inner.kind, v <= UInt64(1) << 63 { return 0 &- Int64(bitPattern: v) }
        case .positional(let n):
            if n >= 1, n <= options.positionalParameters.count { return Int64(options.positionalParameters[n - 1]) }
        default: break
        }
        error("argument \(index + 1) of \(name)() must be an integer literal", arguments[index].range)
        return nil
    }

    /// Where a range lies, as bpftrace names places in its runtime messages:
    /// `FILE:LINE:COLUMN-END`, with `-e` programs called `stdin` as bpftrace calls them.
    public func place(of range: SourceRange) -> String { analyzer.pointee.place(of: range) }

    /// bpftrace's "expanded from" lines when the call comes from a macro body, else nil.
    public var expansionNote: String? { analyzer.pointee.expansionNote(of: expression) }

    /// bpftrace's "expanded from" lines naming `range` itself as the macro call.
    public func expansionNote(at range: SourceRange) -> String {
        Diagnostic("expanded from", at: range).renderedAsBpftrace(in: analyzer.pointee.source)
    }

    public func error(_ message: String, _ range: SourceRange, notes: [String] = []) {
        analyzer.pointee.error(message, range, notes: notes)
    }

    /// Records that user space acts on this call's event (printf, print, clear...), with the
    /// types and expressions of the values the event carries.
    public func record(_ action: RuntimeAction, types: [SType] = [], arguments: [Expr] = []) {
        analyzer.pointee.recordFormat(action, types: types, args: arguments, expression)
    }

    /// A value of the call known at compile time, for code generation (kaddr, signal, sizeof).
    public func setConstant(_ value: UInt64) {
        analyzer.pointee.constants[expression.id] = value
    }

    /// How this percpu_kaddr() call finds its variable, for code generation.
    public func setPerCPUVariable(_ access: PerCPUVariableAccess) {
        analyzer.pointee.perCPUVariables[expression.id] = access
    }

    /// A named parameter the program reads (getopt), so that it is not refused as unexpected.
    public func noteOption(_ name: String) {
        analyzer.pointee.optionNames.insert(name)
    }

    /// A string value of the call known at compile time (getopt with a string default).
    public func setConstant(text: String) {
        analyzer.pointee.stringConstants[expression.id] = text
    }

    /// The map as typed so far, or nil when nothing has assigned it yet.
    public func map(named name: String) -> MapInfo? { analyzer.pointee.maps[name] }

    /// A use of a map that some probe (or the session) must assign; checked once all are known.
    public func requireAssigned(_ map: String, _ message: String, _ range: SourceRange) {
        analyzer.pointee.requireAssigned(map, message, range)
    }

    /// Whether a value of this type can be stored (in a map, an event, a tuple).
    public func isStorable(_ type: SType) -> Bool { analyzer.pointee.isStorable(type) }

    /// Refuses an unsafe function unless `--unsafe` was given, with the descriptor's reason.
    /// A rule calls it once its arguments are accepted; when a rule reports nothing, the
    /// checker calls it afterwards, so an unsafe row can never slip through.
    public func refuseIfUnsafe() {
        guard let reason = function.unsafeReason, !options.allowUnsafe else { return }
        error("\(name)() is unsafe. To use you need the --unsafe flag (it \(reason))", expression.range)
    }

    /// Refuses the call in a probe its descriptor does not allow; like `refuseIfUnsafe`, the
    /// checker applies it after a rule that reported nothing.
    public func refuseIfProbeNotAllowed() {
        guard let requirement = function.probes, let refusal = requirement.refusal(name, site) else {
            return
        }
        error(refusal, expression.range)
    }
}
