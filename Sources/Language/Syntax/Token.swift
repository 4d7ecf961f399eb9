/// A lexical token with its source range.
public struct Token: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case integer(UInt64)
        case string(String)
        case identifier(String)  // builtins, functions, keywords, type names
        case variable(String)  // $name (without the $)
        case positional(Int)  // $1, $2 ...
        case positionalCount  // $#
        case map(String)  // @name or @ alone (name "")
        case attachPoint(String)  // raw attach point text, lexed only at probe level
        case punct(String)  // operators and punctuation
        case predicate(String)  // unused: predicates are parsed as expressions
        case eof
    }
    public var kind: Kind
    public var range: SourceRange
}

extension Token.Kind: CustomStringConvertible {
    public var description: String {
        switch self {
        case .integer(let v): return "integer \(v)"
        case .string(let s): return "string \"\(s)\""
        case .identifier(let s): return "'\(s)'"
        case .variable(let s): return "'$\(s)'"
        case .positional(let n): return "'$\(n)'"
        case .positionalCount: return "'$#'"
        case .map(let s): return "'@\(s)'"
        case .attachPoint(let s): return "attach point '\(s)'"
        case .punct(let s): return "'\(s)'"
        case .predicate(let s): return "predicate '\(s)'"
        case .eof: return "end of input"
        }
    }
}
