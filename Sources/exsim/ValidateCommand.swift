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
                let config = try ScenarioLoader.load(path: file)
                _ = try Simulation(config: config)
                print("\(file): ok (\(config.venues.count) venue(s), \(config.flows.count) flow(s), \(config.phaseEvents.count) scheduled phase change(s))")
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
