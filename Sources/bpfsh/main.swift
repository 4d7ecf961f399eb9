import Arguments
import Foundation
import Session
import Shell

StartupTiming.mainReached()

let words = Array(CommandLine.arguments.dropFirst())
// `bpfsh jupyter install [--user | --prefix DIR]` passes its options on to the installer,
// which the parser here would refuse as unknown.
if words.first == "jupyter" {
    exit(JupyterInstall.run(Array(words.dropFirst())))
}
// The common forms need no reflection over the options; swift-argument-parser takes the rest
// (help, completion scripts, errors with the usage).
if let invocation = QuickParser.parse(words) {
    exit(Launcher.run(invocation))
}
BPFShellCommand.main()
