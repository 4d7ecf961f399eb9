import Foundation

/// Hands a session's events to its output in bounded slices, so whoever owns the loop (the
/// shell's prompt, `wait`, a machine protocol) serves its own input between slices however
/// fast probes print. A slice ends after `sliceRecords` records or `sliceNanoseconds`,
/// whichever comes first; what is left stays in the ring (and if the ring fills, the kernel
/// counts the refused events, which `LossReporter` reports).
///
/// A probe that sees the shell's own writes (`--trace-self` with a printf on every syscall)
/// feeds itself: every slice prints, every print makes events. Bounded slices are what keep
/// such a loop from holding the shell.
public final class EventPump {
    /// At most this long per slice: well under the 100 ms in which a keystroke or command
    /// should be answered, long enough that a slice is not mostly overhead.
    public static let sliceNanoseconds: UInt64 = 20_000_000
    public static let sliceRecords = 20_000

    public struct Figures {
        public var slices = 0
        /// Slices that stopped with events left (the probes printed faster than we handle).
        public var fullSlices = 0
        public var records: UInt64 = 0
    }

    let session: TracingSession
    public private(set) var figures = Figures()

    public init(session: TracingSession) { self.session = session }

    /// Handles one slice of waiting events; whether events may be left.
    @discardableResult
    public func slice(
        maximumRecords: Int = EventPump.sliceRecords, nanoseconds: UInt64 = EventPump.sliceNanoseconds
    ) -> Bool {
        let result = session.drainEvents(maximumRecords: maximumRecords, nanoseconds: nanoseconds)
        figures.slices += 1
        figures.records += UInt64(result.handled)
        if result.more { figures.fullSlices += 1 }
        return result.more
    }

    /// The descriptor that becomes readable when events wait (-1 before the ring exists), to
    /// be polled with the owner's own inputs.
    public var readinessFD: Int32 { session.eventReadinessFD }

    /// Waits up to `milliseconds` for events, without handling them.
    @discardableResult
    public func wait(milliseconds: Int32) -> Bool { session.waitForEvents(timeoutMilliseconds: milliseconds) }
}
