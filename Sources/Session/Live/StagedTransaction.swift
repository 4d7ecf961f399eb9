/// A change to the session made in stages, each of which says how to undo itself as it is
/// made. Unless `commit()` is reached, `rollBackUnlessCommitted()` undoes the stages in reverse
/// order, so an error anywhere leaves the session as it was without hand-written rollbacks.
final class StagedTransaction {
    private var rollBacks: [() -> Void] = []
    private var commits: [() -> Void] = []
    private var committed = false

    /// How to undo what was just done.
    func onRollBack(_ undo: @escaping () -> Void) { rollBacks.append(undo) }

    /// What to finish only once everything succeeded (closing what the change replaced).
    func onCommit(_ finish: @escaping () -> Void) { commits.append(finish) }

    func commit() {
        committed = true
        rollBacks = []
        commits.forEach { $0() }
        commits = []
    }

    func rollBackUnlessCommitted() {
        guard !committed else { return }
        rollBacks.reversed().forEach { $0() }
        rollBacks = []
        commits = []
    }
}
