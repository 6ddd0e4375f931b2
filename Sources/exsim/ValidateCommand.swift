import ArgumentParser
import Scenario
import Simulation

/// `exsim validate`: check scenario files without running them.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check scenario files without running them.",
        discussion: "Errors name file:line:column and what was expected. Exits 64 if any file has a mistake."
    )

    @Argument(help: "Scenario files (YAML).")
    var files: [String]

    func run() throws {
        var failed = false
        for file in files {
            do {
                let drill = try ScenarioLoader.loadDrill(path: file)
                let config = drill.config
                _ = try Simulation(config: config)
                let links = config.venueLinks.reduce(0) { $0 + $1.modelledDirections }
                let linkNote = (links > 0 ? ", \(links) modelled link direction(s)" : "")
                    + (config.sharedLinks.isEmpty ? "" : ", \(config.sharedLinks.count) shared link(s)")
                let faults = config.linkFaults.count + config.sharedLinkFaults.count
                let faultNote = faults == 0 ? "" : ", \(faults) fault(s)"
                let assertionNote = drill.assertions.isEmpty ? "" : ", \(drill.assertions.count) assertion(s)"
                var replayNote = config.feedReplays.isEmpty ? ""
                    : ", \(config.feedReplays.count) captured feed(s) of \(config.feedReplays.reduce(0) { $0 + $1.messages.count }) messages"
                if !config.orderEntryReplays.isEmpty {
                    let sessions = config.orderEntryReplays.flatMap(\.sessions)
                    replayNote += ", \(sessions.count) captured order-entry session(s) of \(sessions.reduce(0) { $0 + $1.count }) requests"
                }
                print("\(file): ok (\(config.venues.count) venue(s), \(config.flows.count) flow(s), \(config.phaseEvents.count) scheduled phase change(s)\(linkNote)\(faultNote)\(replayNote)\(assertionNote))")
            } catch let error as ScenarioError {
                printError(error.description)
                failed = true
            } catch {
                printError("\(file): \(error)")
                failed = true
            }
        }
        if failed { throw ExsimExit.badInput }
    }
}
