/// Resolves names and types of a parsed program against a kernel catalogue.
///
/// Consumes a `Program`; produces a `CheckedProgram` (one `ProbeUnit` per expanded attach
/// point, the program's maps with unified key and value types, and its format calls), or
/// throws a `DiagnosticList` of every error found, each with its source range.
public struct SemanticAnalyzer {
    public struct Options: Sendable {
        /// Positional parameters `$1`, `$2`...
        public var positionalParameters: [String]
        /// Named parameters given after `--` (`--name=value`, or `--name` alone: nil), read by
        /// getopt().
        public var namedParameters: [String: String?] = [:]
        /// Whether `system()` may be used (bpftrace's --unsafe).
        public var allowUnsafe: Bool
        /// Maps that already exist in the session: their layout is fixed, so a new probe must
        /// use them as they are (that is how separately defined probes share data).
        public var knownMaps: [MapInfo]
        /// The first format id this program may use; ids are unique across a session because
        /// all probes share one event ring.
        public var formatIDBase: Int
        /// The functions programs may call and the builtin variables they may read.
        public var functions: FunctionTable
        public var variables: BuiltinVariableTable
        /// Config values the session sets (environment, the shell's `config`); they win over
        /// the program's `config` block.
        public var config = ProgramConfig()
        public var configTable = ConfigTable.builtin
        /// `--probe-filter`: a regex an attach point's name must match (BEGIN and END need not).
        public var probeFilter: String?
        /// `-k`: every read through a pointer reports its failure (`RuntimeAction.probeReadError`).
        public var reportsProbeReadErrors = false
        public init(
            positionalParameters: [String] = [], allowUnsafe: Bool = false, knownMaps: [MapInfo] = [],
            formatIDBase: Int = 0, functions: FunctionTable = .builtin, variables: BuiltinVariableTable = .builtin,
            config: ProgramConfig = ProgramConfig(), probeFilter: String? = nil, reportsProbeReadErrors: Bool = false
        ) {
            self.reportsProbeReadErrors = reportsProbeReadErrors
            self.probeFilter = probeFilter
            self.config = config
            self.functions = functions
            self.variables = variables
            self.positionalParameters = positionalParameters
            self.allowUnsafe = allowUnsafe
            self.knownMaps = knownMaps
            self.formatIDBase = formatIDBase
        }
    }

    let catalogue: ProbeCatalogue
    let options: Options
    var maps: [String: MapInfo] = [:]
    var mapOrder: [String] = []
    var formats: [FormatCall] = []
    var diagnostics: [Diagnostic] = []
    /// Uses of maps not (yet) assigned, for the map-checking pass.
    var unassignedUses: [MapUse] = []

    // Per-unit state.
    var exprTypes: [Int: SType] = [:]
    var variables: [String: SType] = [:]
    var formatIDs: [Int: Int] = [:]
    var constants: [Int: UInt64] = [:]
    var stringConstants: [Int: String] = [:]
    /// The names getopt() asks for, to refuse named parameters nothing reads.
    var optionNames: Set<String> = []
    var members: [Int: ContextField] = [:]
    var perCPUVariables: [Int: PerCPUVariableAccess] = [:]
    var context = ProbeContext(layout: .none)
    var target = ProbeTarget(kind: .begin, parts: [])
    var provider = ProviderTable.builtin[.begin]!
    var site: ProbeSite { ProbeSite(target: target, provider: provider, context: context) }
    var loopDepth = 0
    /// Above zero inside the branch of an `if` whose condition is false when compiling:
    /// fail() and static_assert() there are never visited.
    var deadBranchDepth = 0
    /// The program's effective config: its block under the session's settings.
    var config = ProgramConfig()
    /// The text being checked, for messages that name a place in it at run time (errorf).
    var source = SourceFile(name: "", text: "")
    /// The macro call each expanded expression came from (`Program.expandedFrom`).
    var expandedFrom: [Int: SourceRange] = [:]
    /// Variables declared with `let $x;` (no type, no value): read before any assignment they
    /// are 0, as in bpftrace, and take the type of what is assigned to them.
    var declaredUntyped: Set<String> = []
    /// The types of variables whose address is taken (`&$t`), by the pointee name their
    /// pointer carries, so `*&$t` is the variable's type again.
    var addressedTypes: [String: SType] = [:]
    /// The program's enums: by name (for casts) and their members by name.
    var enumTypes: [String: EnumType] = [:]
    var enumMembers: [String: (type: EnumType, value: Int64)] = [:]
    /// The program's structs and unions, laid out (`struct Foo`); they hide kernel types of
    /// the same name, as in bpftrace.
    var records: [String: CRecordLayout] = [:]
    /// Sizes of the kernel structs whose pointers are indexed (`$p[1]`), for code generation.
    var indexedKernelStructs: [String: Int] = [:]
    /// Expressions never held whole: the base of `.member` (read member by member) and the
    /// operand of `sizeof`/`typeof` (only its type counts), so a struct there may be larger
    /// than a struct value can be.
    var memberBases: Set<Int> = []
    var typedefs: [String: CTypedef] = [:]

    public init(catalogue: ProbeCatalogue, options: Options = Options()) {
        self.catalogue = catalogue
        self.options = options
    }

    public static func check(
        _ program: Program, source: SourceFile, catalogue: ProbeCatalogue,
        options: Options = Options()
    ) throws -> CheckedProgram {
        var analyzer = SemanticAnalyzer(catalogue: catalogue, options: options)
        return try analyzer.run(program, source: source)
    }

    /// Runs the passes in order, as bpftrace's pass manager does: resolving attach points
    /// must succeed before anything is typed; the later passes report together.
    public mutating func run(_ program: Program, source: SourceFile) throws -> CheckedProgram {
        let program = NormalizeBuiltinCalls.run(program, variables: options.variables, functions: options.functions)
        self.source = source
        expandedFrom = program.expandedFrom
        for definition in program.enums {
            var names: [Int64: String] = [:]
            // The first name of a value is the one printed, as C's debug info gives it.
            for member in definition.members where names[member.value] == nil { names[member.value] = member.name }
            let type = EnumType(name: definition.name, names: names)
            if !definition.name.isEmpty { enumTypes[definition.name] = type }
            for member in definition.members { enumMembers[member.name] = (type, member.value) }
        }
        let settings = ResolveConfig.run(program.config, session: options.config, table: options.configTable)
        if !settings.errors.isEmpty { throw DiagnosticList(settings.errors) }
        config = settings.config
        do {
            records = try CRecordLayout.layouts(of: program.records, typedefs: program.typedefs, catalogue: catalogue)
        } catch let diagnostic as Diagnostic {
            throw DiagnosticList([diagnostic])
        }
        for typedef in program.typedefs { typedefs[typedef.name] = typedef }
        var warnings = program.warnings + settings.warnings
        let resolved = try ResolveAttachPoints.run(
            program, catalogue: catalogue, providers: catalogue.providers, config: config,
            probeFilter: options.probeFilter, warnings: &warnings)
        let units = inferTypes(program, resolved)
        applyDeclarations(program.mapDeclarations, warnings: &warnings)
        diagnostics += CheckMaps.run(uses: unassignedUses, maps: maps)
        diagnostics += CheckProbes.run(program, units)
        let unexpected = options.namedParameters.keys.filter { !optionNames.contains($0) }.sorted()
        if !unexpected.isEmpty, let first = program.probes.first {
            // bpftrace's words; it refuses a named parameter no getopt() reads.
            diagnostics.append(
                Diagnostic(
                    "unexpected program command line options: " + unexpected.map { "--" + $0 }.joined(separator: ", "),
                    at: first.range,
                    notes: optionNames.isEmpty
                        ? [] : ["expected program options: " + optionNames.sorted().map { "--" + $0 }.joined(separator: ", ")]
                ))
        }
        if !diagnostics.isEmpty {
            throw DiagnosticList(dedupe(diagnostics))
        }
        var checked = CheckedProgram(
            units: units, maps: mapOrder.compactMap { maps[$0] }, formats: formats, source: source,
            formatIDBase: options.formatIDBase, usedMaps: MapUsage.names(in: program.probes))
        checked.config = config
        checked.warnings = warnings + CheckReachability.run(program)
        checked.structSizes = records.mapValues(\.size).merging(indexedKernelStructs) { own, _ in own }
        return checked
    }

    /// Where a range lies, as bpftrace names places in its runtime messages (errorf).
    func place(of range: SourceRange) -> String { Diagnostic.place(of: range, in: source) }

    /// bpftrace's note after a runtime message from a macro body: the call it was expanded
    /// from, as `PLACE: ERROR: expanded from`, the source line and `~` under the call.
    func expansionNote(of expression: Expr) -> String? {
        expandedFrom[expression.id].map { Diagnostic("expanded from", at: $0).renderedAsBpftrace(in: source) }
    }

    private func dedupe(_ list: [Diagnostic]) -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        return list.filter { seen.insert($0).inserted }.sorted { $0.range.start < $1.range.start }
    }

    mutating func error(_ message: String, _ range: SourceRange, notes: [String] = []) {
        diagnostics.append(Diagnostic(message, at: range, notes: notes))
    }

    /// A use of a map that must be assigned somewhere in the program (or the session): the
    /// map-checking pass decides, once every probe's assignments are known.
    mutating func requireAssigned(_ map: String, _ message: String, _ range: SourceRange) {
        unassignedUses.append(MapUse(map: map, message: message, range: range))
    }

    // MARK: Statements

    mutating func checkBlock(_ statements: [Stmt]) {
        for statement in statements { check(statement) }
    }

    mutating func check(_ statement: Stmt) {
        switch statement.kind {
        case .expr(let expr):
            let t = infer(expr)
            if case .aggregation = t {
                error("\(t)() must be assigned to a map, e.g. @x = \(t)(...)", expr.range)
            }
        case .assign(let target, let op, let value):
            checkAssignment(target: target, op: op, value: value, range: statement.range)
        case .varDecl(let name, let type, let value):
            var declared: SType? = nil
            if let type { declared = resolve(type) }
            if let value {
                let t = infer(value)
                if let declared, !declared.isCompatible(with: t) {
                    error("type mismatch for $\(name): it holds \(declared), cannot assign \(t)", value.range)
                    return
                }
                declare(variable: name, type: declared ?? t, range: value.range)
            } else if let declared {
                declare(variable: name, type: declared, range: statement.range)
            } else {
                declaredUntyped.insert(name)
            }
        case .ifElse(let condition, let then, let otherwise):
            let t = infer(condition)
            if !t.isInteger {
                error("an if condition must be an integer or a comparison, not \(t)", condition.range)
            }
            let known = constantValue(condition)
            if known == 0 { deadBranchDepth += 1 }
            checkBlock(then)
            if known == 0 { deadBranchDepth -= 1 }
            if let otherwise {
                if let known, known != 0 { deadBranchDepth += 1 }
                checkBlock(otherwise)
                if let known, known != 0 { deadBranchDepth -= 1 }
            }
        case .whileLoop(let condition, let body):
            let t = infer(condition)
            if !t.isInteger { error("a while condition must be an integer or a comparison, not \(t)", condition.range) }
            loopDepth += 1
            checkBlock(body)
            loopDepth -= 1
        case .unroll(let count, let body):
            guard case .integer(let n) = count.kind else {
                error("unroll needs a literal count between 1 and 100", count.range)
                return
            }
            if n > 100 { error("unroll maximum value is 100", count.range) }
            if n < 1 { error("unroll minimum value is 1", count.range) }
            checkBlock(body)
        case .forRange(let name, let from, let to, let body):
            _ = infer(from)
            _ = infer(to)
            declare(variable: name, type: .s64, range: statement.range)
            loopDepth += 1
            checkBlock(body)
            loopDepth -= 1
        case .forMap(let name, let map, let body):
            if let element = forMapElement(map) { declare(variable: name, type: element, range: statement.range) }
            loopDepth += 1
            checkBlock(body)
            loopDepth -= 1
        case .block(let body):
            checkBlock(body)
        case .breakLoop, .continueLoop:
            if loopDepth == 0 {
                error("'break' and 'continue' are only allowed in a while or for loop", statement.range)
            }
        case .returnProbe:
            break
        }
    }

    mutating func declare(variable name: String, type: SType, range: SourceRange) {
        if let existing = variables[name] {
            if !existing.isCompatible(with: type) {
                error("type mismatch for $\(name): it holds \(existing), cannot assign \(type)", range)
                return
            }
            variables[name] = existing.widened(with: type)
        } else {
            variables[name] = type
        }
    }

    mutating func checkAssignment(target: Expr, op: String, value: Expr, range: SourceRange) {
        let valueType = infer(value)
        switch target.kind {
        case .map(let name, let keys):
            let keyTypes = keys.map { infer($0) }
            for (k, t) in zip(keys, keyTypes) {
                // `args` is a value to print or keep (a record of its fields); as a key it stays refused.
                if case .builtin("args") = k.kind {
                    error("args cannot be used as a map key", k.range)
                } else if !isStorable(t) {
                    error("\(t) cannot be used as a map key", k.range)
                }
            }
            if case .aggregation(let agg) = valueType {
                if op != "=" { error("aggregations are assigned with '=', e.g. @x = count()", range) }
                let signed = isSignedArgument(of: value)
                define(map: name, keys: keyTypes, value: .aggregation(agg, signed: signed), range: target.range)
            } else {
                if !isStorable(valueType) {
                    error("\(valueType) cannot be stored in a map", value.range)
                    return
                }
                if op != "=" && !valueType.isInteger {
                    error("'\(op)' needs integers, found \(valueType)", value.range)
                }
                define(map: name, keys: keyTypes, value: .plain(op == "=" ? valueType : .s64), range: target.range)
            }
            exprTypes[target.id] = valueType
        case .variable(let name):
            if case .aggregation = valueType {
                error("aggregations like \(valueType)() can only be assigned to maps", value.range)
                return
            }
            if valueType == .void {
                error("cannot assign a value-less expression to $\(name)", value.range)
                return
            }
            if op != "=" {
                guard variables[name] != nil else {
                    error("$\(name) is used before it is assigned", target.range)
                    return
                }
                if !valueType.isInteger { error("'\(op)' needs integers, found \(valueType)", value.range) }
            }
            var stored = valueType
            // `$v *= 2` computes in 64 bits, like `$v = $v * 2`: a small literal's type does not wrap it.
            if op != "=", case .int(_, let a) = variables[name], case .int(_, let b) = valueType {
                stored = .int(bytes: 8, signed: a || b)
            }
            declare(variable: name, type: stored, range: value.range)
            exprTypes[target.id] = variables[name]
        default:
            error("only maps and $variables can be assigned", target.range)
        }
    }

    /// Whether the aggregated expression is signed, which decides how sums and minima print.
    func isSignedArgument(of call: Expr) -> Bool {
        if case .block(_, let value) = call.kind { return isSignedArgument(of: value) }
        guard case .call(_, let args) = call.kind, let first = args.first else { return false }
        return exprTypes[first.id]?.isSigned ?? false
    }

    func isStorable(_ t: SType) -> Bool {
        switch t {
        case .void, .context, .aggregation: return false
        default: return true
        }
    }

    /// A key given whole as one tuple is the key of its parts: `@a[$t]` with `$t = (1, (2, 3))`
    /// is `@a[1, (2, 3)]`, as bpftrace keys several parts by a tuple of them.
    static func keyParts(_ keys: [SType]) -> [SType] {
        if keys.count == 1, case .tuple(let parts) = keys[0], parts.count > 1 { return parts }
        return keys
    }

    mutating func define(map name: String, keys given: [SType], value: MapInfo.Value, range: SourceRange) {
        let given = Self.keyParts(given)
        guard var info = maps[name] else {
            maps[name] = MapInfo(name: name, keys: given, value: value, range: range)
            mapOrder.append(name)
            return
        }
        // `@m[a, b]` and `@m[(a, b)]` name the same key, as in bpftrace.
        var keys = given
        if keys.count > 1, info.keyParts(forUseWith: keys.count) != nil, info.keys.count == 1 {
            keys = [.tuple(keys)]
        } else if keys.count == 1, info.keys.count > 1, case .tuple(let parts) = keys[0],
            parts.count == info.keys.count
        {
            keys = parts
        }
        if info.keys.count != keys.count || !zip(info.keys, keys).allSatisfy({ $0.isCompatible(with: $1) }) {
            let was =
                info.keys.isEmpty ? "no key" : "key (" + info.keys.map(\.description).joined(separator: ", ") + ")"
            let now = keys.isEmpty ? "no key" : "key (" + keys.map(\.description).joined(separator: ", ") + ")"
            error("@\(name) is used with \(now) here but with \(was) elsewhere", range)
            return
        }
        let frozen = options.knownMaps.contains { $0.name == name }
        if !frozen { info.keys = zip(info.keys, keys).map { $0.widened(with: $1) } }
        switch (info.value, value) {
        case (.aggregation(let a, let s1), .aggregation(let b, let s2)):
            if case .tseries(let x) = a, case .tseries(let y) = b, x != y {
                // bpftrace: "Different tseries bounds in a single map unsupported".
                error("@\(name) is a tseries() map of \(x); it cannot also be one of \(y)", range)
                return
            }
            if a != b {
                error("@\(name) is \(article(a)) \(a)() map; it cannot also hold \(b)()", range)
                return
            }
            info.value = .aggregation(a, signed: s1 || s2)
        case (.plain(let a), .plain(let b)):
            if !a.isCompatible(with: b) {
                error("@\(name) holds \(a); it cannot also hold \(b)", range)
                return
            }
            if !frozen { info.value = .plain(a.widened(with: b)) }
        case (.aggregation(let a, _), .plain(let b)):
            error("@\(name) is \(article(a)) \(a)() map; it cannot also be assigned \(b)", range)
            return
        case (.plain(let a), .aggregation(let b, _)):
            error("@\(name) holds \(a); it cannot also be a \(b)() map", range)
            return
        }
        maps[name] = info
    }

    func article(_ aggregation: Aggregation) -> String {
        aggregation == .avg ? "an" : "a"
    }

    /// Bytes of a value of this type as C declares it (sizeof).
    static func declaredSize(_ type: SType) -> Int { declaredLayout(type).size }

    /// Size and alignment as bpftrace lays a value out in C: a tuple or record is a struct of
    /// its elements at their natural alignment (bpfsh's own storage keeps 8 bytes an integer).
    static func declaredLayout(_ type: SType) -> (size: Int, alignment: Int) {
        switch type {
        case .int(let bytes, _): return (bytes, bytes)
        case .bool: return (1, 1)
        case .string(let size): return (size, 1)
        case .array(let element, _): return (type.packedSize, declaredLayout(element).alignment)
        case .tuple(let elements), .record(_, let elements):
            var offset = 0
            var alignment = 1
            for element in elements {
                let layout = declaredLayout(element)
                alignment = max(alignment, layout.alignment)
                offset = (offset + layout.alignment - 1) / layout.alignment * layout.alignment + layout.size
            }
            return (max(1, (offset + alignment - 1) / alignment * alignment), alignment)
        case .structure(let structure):
            return (max(1, structure.size), min(8, max(1, structure.size & -structure.size)))
        default: return (max(1, type.storageSize), 8)
        }
    }

    mutating func resolve(_ type: TypeSyntax) -> SType {
        if let operand = type.typeOfExpression?.expression {
            // Only its type is wanted (`sizeof(*p)`, `typeof(*p)`): a struct of any size will do.
            memberBases.insert(operand.id)
            let typed = infer(operand)
            if type.pointerDepth == 0 { return typed }
            return .pointer(pointee: typed.description + String(repeating: " *", count: type.pointerDepth - 1))
        }
        if let alias = typedefs[type.name] {
            var underlying = type
            underlying.name = alias.typeName
            underlying.pointerDepth += alias.pointerDepth
            return resolve(underlying)
        }
        if type.pointerDepth > 0 {
            // `struct x **` points at a pointer: keep the extra stars in the pointee.
            return .pointer(pointee: type.name + String(repeating: " *", count: type.pointerDepth - 1))
        }
        if type.name == "bool" { return .bool }
        if let integer = SType.integerNames[type.name] {
            let scalar = SType.int(bytes: integer.bytes, signed: integer.signed)
            // `int8[4]`; `int8[]` (0) takes its length from the cast's operand.
            if let count = type.arrayLength { return .array(element: scalar, count: count) }
            return scalar
        }
        if type.name.hasPrefix("enum ") {
            let name = String(type.name.dropFirst(5))
            if let defined = enumTypes[name] { return .enumeration(defined) }
            // A kernel enum, or one not defined here: its values print as numbers.
            return .int(bytes: 8, signed: true)
        }
        switch type.name {
        case "string": return .string(size: type.arrayLength ?? 64)
        case "inet": return .inet
        default:
            error("cannot cast to '\(type.name)': only integer types and pointers are supported", type.range)
            return .s64
        }
    }
}
