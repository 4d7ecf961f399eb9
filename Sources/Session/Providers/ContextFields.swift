import Foundation
import Kernel
import Language

/// Kernel descriptions of a context (tracefs format fields, BTF arguments) as the type
/// checker's `ContextField`s.
enum ContextFields {
    static func field(_ field: TracepointField) -> ContextField {
        let kind: ContextField.Kind
        switch field.layout {
        case .scalar: kind = .integer(signed: field.isSigned)
        case .pointer: kind = .pointer(pointee: pointee(of: field.typeName))
        case .array(_, let count):
            if field.isString {
                kind = .charArray(length: count ?? field.size)
            } else if let count, count > 0, field.size % count == 0, [1, 2, 4, 8].contains(field.size / count) {
                // `__u8 saddr[4]`: printed `[127,0,0,1]` and indexed, as bpftrace types it.
                kind = .array(.array(element: .int(bytes: field.size / count, signed: field.isSigned), count: count))
            } else {
                kind = .opaque
            }
        case .flexibleArray: kind = .opaque
        case .dataLocation: kind = field.isString ? .dataLocString : .opaque
        case .relativeLocation: kind = .opaque
        }
        return ContextField(
            name: field.name, offset: field.offset, size: field.size, kind: kind,
            isBool: field.layout == .scalar && ContextField.isBoolName(field.typeName))
    }

    /// BTF arguments, one u64 slot each, as raw tracepoints and fentry see them.
    static func arguments(_ arguments: [BTFTracepointArgument]) -> [ContextField] {
        arguments.enumerated().map { index, argument in
            ContextField(
                name: argument.name, offset: index * 8, size: argument.size,
                kind: argument.isPointer
                    ? .pointer(pointee: pointee(of: argument.typeName)) : .integer(signed: argument.isSigned),
                isBool: !argument.isPointer && ContextField.isBoolName(argument.typeName))
        }
    }

    /// `struct task_struct *` → `struct task_struct`: SType.pointer names the pointee.
    /// Spaces and tabs trimmed by hand: Foundation's trimmingCharacters(in:) goes through
    /// NSString, whose first use costs two conformance lookups over the whole binary.
    static func pointee(of typeName: String) -> String {
        func trimmed(_ text: Substring) -> Substring {
            let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
            var text = text.drop(while: blank)
            while let last = text.last, blank(last) { text.removeLast() }
            return text
        }
        var text = trimmed(Substring(typeName))
        if text.hasSuffix("*") { text.removeLast() }
        return String(trimmed(text))
    }
}
