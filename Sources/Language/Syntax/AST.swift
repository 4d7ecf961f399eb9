/// The syntax tree of a probe program, as the parser produces it.
///
/// Every expression carries a unique `id` so later passes (type checking, code generation)
/// can attach facts to it in side tables without rebuilding the tree.

public struct Program: Sendable {
    public var probes: [Probe]
    /// What the front end accepted but wants the user to know (`#warning`).
    public var warnings: [Diagnostic] = []
    /// The `config = { ... }` block's assignments, as written.
    public var config: [ConfigAssignment] = []
    /// `let @a = lruhash(100);` declarations before the probes.
    public var mapDeclarations: [MapDeclaration] = []
    /// `macro name(...) { ... }` definitions, in any order; expanded away by `Parser.parse`.
    public var macros: [MacroDefinition] = []
    /// `struct`/`union` definitions (nested ones included, inner first) and `typedef`s, in
    /// source order: `CRecordLayout` lays them out as C does.
    public var records: [CRecordDefinition] = []
    public var typedefs: [CTypedef] = []
    /// `enum Foo { A, B = 5 };` definitions before the probes.
    public var enums: [EnumDefinition] = []
    /// The call a macro expansion's expression came from, by expression id: bpftrace's
    /// runtime messages (errorf) name it after the place in the macro ("expanded from").
    public var expandedFrom: [Int: SourceRange] = [:]
    public init(probes: [Probe]) { self.probes = probes }
}

public struct Probe: Sendable {
    public var attachPoints: [AttachPointSyntax]
    public var predicate: Expr?
    public var body: [Stmt]
    public var range: SourceRange
}

/// An enum defined in the program, C's way: members count up from the previous value (or 0)
/// unless given one.
public struct EnumDefinition: Hashable, Sendable {
    public struct Member: Hashable, Sendable {
        public var name: String
        public var value: Int64
    }
    /// Empty for `enum { ... }`.
    public var name: String
    public var members: [Member]
    public var range: SourceRange
}

/// A map declared before the probes (`let @a = lruhash(100);`): its BPF map type and size.
public struct MapDeclaration: Hashable, Sendable {
    public enum Kind: String, CaseIterable, Sendable { case hash, lruhash, percpuhash, percpulruhash }
    public var name: String
    public var kind: Kind
    public var maxEntries: Int
    public var range: SourceRange

    public var isPerCPU: Bool { kind == .percpuhash || kind == .percpulruhash }
    public var isLRU: Bool { kind == .lruhash || kind == .percpulruhash }
}

/// A bpftrace macro (`macro add_one(x) { x + 1 }`): hygienic, semantic text replacement that
/// `MacroExpander` applies before type checking. `result` is the body's last expression when
/// it ends without `;` (the macro's value).
public struct MacroDefinition: Sendable {
    /// How an argument is passed: `$x` a scratch variable (may be mutated), `@x` a map (may be
    /// mutated), `x` an expression inserted wherever `x` appears.
    public enum Parameter: Hashable, Sendable {
        case variable(String)
        case map(String)
        case expression(String)
    }
    public var name: String
    public var parameters: [Parameter]
    public var body: [Stmt]
    public var result: Expr?
    public var range: SourceRange
}

/// A `struct` or `union` a program defines, as written.
public struct CRecordDefinition: Sendable {
    public var isUnion: Bool
    /// `struct Foo`, `union Bar`.
    public var name: String
    public var fields: [CFieldDeclaration]
    /// `__attribute__((packed))`: no padding between or after members.
    public var packed: Bool
    public var range: SourceRange
}

/// One member of a C struct: `unsigned long x`, `struct Bar *next`, `int y[2][2]`.
public struct CFieldDeclaration: Sendable {
    /// The type without pointer stars or array bounds: `unsigned long`, `struct Bar`.
    public var typeName: String
    public var pointerDepth: Int
    public var arrayLengths: [Int]
    public var name: String
    public var range: SourceRange
}

/// `typedef TYPE NAME;`
public struct CTypedef: Sendable {
    public var name: String
    public var typeName: String
    public var pointerDepth: Int
    public var range: SourceRange
}

/// An attach point as written (`t:sched:sched_switch`, `uprobe:/bin/bash:readline`).
public struct AttachPointSyntax: Hashable, Sendable {
    public var text: String
    public var range: SourceRange
}

public indirect enum ExprKind: Sendable {
    case integer(UInt64)
    case string(String)
    case builtin(String)  // pid, comm, nsecs, args, arg0, kstack ...
    case variable(String)  // $x
    case positional(Int)  // $1
    case positionalCount  // $#
    case map(name: String, keys: [Expr])  // @x, @x[k], @x[k1, k2]
    case call(name: String, args: [Expr])
    case unary(op: String, operand: Expr)
    case binary(op: String, lhs: Expr, rhs: Expr)
    case ternary(condition: Expr, then: Expr, else: Expr)
    case field(base: Expr, name: String, arrow: Bool)  // args.x / args->x / $t.0
    case index(base: Expr, index: Expr)  // $array[i], pointer[i]
    case cast(type: TypeSyntax, operand: Expr)
    case tuple([Expr])
    /// `(a = 1, b = "x")`: a tuple whose fields have names.
    case record(names: [String], values: [Expr])
    case postIncrement(op: String, target: Expr)  // x++ / x--
    case preIncrement(op: String, target: Expr)  // ++x / --x
    case sizeof(TypeSyntax)
    /// `typeof(T)` or `typeof(expr)` written where an expression stands: a macro's argument
    /// that names a type (`sizeof(t)`, `(t *)x` in the body); nowhere else a value.
    case typeOf(TypeSyntax)
    /// `offsetof(struct Foo, a.b)`: the byte offset of a (nested) field, a constant.
    case offsetof(TypeSyntax, [String])
    case block([Stmt], Expr)  // { stmts; expr } block expression
}

public struct Expr: Sendable {
    public var id: Int
    public var kind: ExprKind
    public var range: SourceRange

    public var isIntegerLiteral: Bool { if case .integer = kind { return true } else { return false } }
    public var isNonZeroLiteral: Bool { if case .integer(let v) = kind { return v != 0 } else { return false } }

    /// The value of an index known when compiling: an integer literal, or literals joined by
    /// `+`, `-` and `*` (bpftrace accepts `$t[1 - 1]`).
    public var constantIndex: Int? {
        switch kind {
        case .integer(let v): return v <= UInt64(Int32.max) ? Int(v) : nil
        case .binary(let op, let lhs, let rhs):
            guard let a = lhs.constantIndex, let b = rhs.constantIndex else { return nil }
            switch op {
            case "+": return a + b
            case "-": return a - b >= 0 ? a - b : nil
            case "*": return a * b
            default: return nil
            }
        default: return nil
        }
    }

    public var isPositional: Bool {
        if case .positional = kind { return true }
        return false
    }
}

/// A C type name as written in a cast: `(uint32)x`, `(int8)`, `(struct task_struct *)p`.
public struct TypeSyntax: Hashable, Sendable {
    public var name: String  // "uint32", "int", "struct task_struct"
    public var pointerDepth: Int
    /// `[N]` after the name; 0 for `[]`, whose length the operand gives (`(int8[])"hi"`).
    public var arrayLength: Int?
    public var range: SourceRange
    /// `typeof(expr)`: the type is the expression's, known once it is typed (`name` is "").
    public var typeOfExpression: TypeOfExpression? = nil
}

/// The expression of a `typeof(expr)` type; compared by identity, since a type names one
/// place in the program (the expression is typed, never evaluated).
public final class TypeOfExpression: Hashable, Sendable {
    public let expression: Expr
    public init(_ expression: Expr) { self.expression = expression }
    public static func == (a: TypeOfExpression, b: TypeOfExpression) -> Bool { a === b }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

public indirect enum StmtKind: Sendable {
    case expr(Expr)
    /// `target op= value`; op is "=" for a plain assignment.
    case assign(target: Expr, op: String, value: Expr)
    case varDecl(name: String, type: TypeSyntax?, value: Expr?)  // let $x [: type] [= value]
    case ifElse(condition: Expr, then: [Stmt], else: [Stmt]?)
    case whileLoop(condition: Expr, body: [Stmt])
    case unroll(count: Expr, body: [Stmt])
    case forMap(variable: String, map: Expr, body: [Stmt])  // for ($kv : @m)
    case forRange(variable: String, from: Expr, to: Expr, body: [Stmt])  // for ($i : 0..10)
    case block([Stmt])
    case breakLoop
    case continueLoop
    case returnProbe
}

public struct Stmt: Sendable {
    public var kind: StmtKind
    public var range: SourceRange
    public init(kind: StmtKind, range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}
