import Foundation

/// A tutorial as a Jupyter notebook for the bpfsh kernel: each step is a Markdown cell (its
/// title, explanation and hints) followed by code cells to run in order: its setup (the
/// workload), each proposed command, its checks, and a cleanup that stops the workload, drops
/// the probes and forgets their maps, as the tutorial runner does between steps.
public enum TutorialNotebook {
    public static func render(_ tutorial: Tutorial) throws -> Data {
        var cells: [[String: Any]] = [
            markdown(
                "# \(tutorial.title)\n\n" + tutorial.introduction.joined(separator: "\n")
                    + "\n\nRun the cells in order with the bpfsh kernel (as root). Each step starts its own "
                    + "workload and ends by stopping it and dropping its probes; an `expect` cell checks the result.")
        ]
        for (index, step) in tutorial.steps.enumerated() {
            var text = "## \(index + 1). \(step.title)\n\n" + step.prose.joined(separator: "\n")
            if !step.requires.isEmpty {
                text +=
                    "\n\n*Needs: \(step.requires.joined(separator: ", ")).*"
                    + (step.equivalent.isEmpty ? "" : " Without it, run the equivalent cells below instead.")
            }
            cells.append(markdown(text))
            if !step.setup.isEmpty { cells.append(code(["# the step's workload"] + step.setup.map(\.text))) }
            for statement in step.proposals { cells.append(code([statement.text])) }
            if !step.crowded.isEmpty {
                cells.append(markdown("If other processes' output drowns the step's, the same probe with a filter:"))
                cells.append(code(step.crowded.map(\.text)))
            }
            if !step.checks.isEmpty { cells.append(code(["# check"] + step.checks.map(\.text))) }
            if !step.equivalent.isEmpty {
                cells.append(
                    markdown(
                        "Without \(step.requires.joined(separator: ", ")), the closest equivalent this kernel allows:"))
                for statement in step.equivalent { cells.append(code([statement.text])) }
                if !step.equivalentChecks.isEmpty {
                    cells.append(code(["# check"] + step.equivalentChecks.map(\.text)))
                }
            }
            if !step.hints.isEmpty {
                cells.append(markdown(step.hints.map { "> Hint: \($0)" }.joined(separator: "\n>\n")))
            }
            cells.append(
                code(
                    ["# clean up before the next step"] + (step.cleanup ?? []).map(\.text)
                        + ["stop all", "drop all", "forget unused"]))
        }
        let document: [String: Any] = [
            "nbformat": 4, "nbformat_minor": 4,
            "metadata": [
                "kernelspec": ["name": "bpfsh", "display_name": "bpfsh", "language": "bpfsh"],
                "language_info": ["name": "bpfsh", "file_extension": ".bpfsh"], "title": tutorial.title,
            ],
            "cells": cells,
        ]
        return try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
    }

    static func markdown(_ text: String) -> [String: Any] {
        ["cell_type": "markdown", "metadata": [String: Any](), "source": JupyterNotebook.lines(text)]
    }

    static func code(_ statements: [String]) -> [String: Any] {
        [
            "cell_type": "code", "execution_count": NSNull(), "metadata": [String: Any](), "outputs": [[String: Any]](),
            "source": JupyterNotebook.lines(statements.joined(separator: "\n")),
        ]
    }
}
