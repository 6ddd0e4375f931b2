import Foundation
import Scenario
import Testing
@testable import Simulation

let linkFlapScenario = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Scenarios/link-flap.yaml").path

/// The shipped link-flap drill: its assertions hold, and its run is the
/// same twice and pinned.
@Suite struct LinkFlapDrillTests {
    static let linkFlapDigest = "3383f51efafa3b7a41c5662b765f7f3c"

    @Test func linkFlapScenarioHoldsItsAssertions() throws {
        let drill = try ScenarioLoader.loadDrill(path: linkFlapScenario)
        let first = try run(drill.config)
        let second = try run(drill.config)
        #expect(first.traceDigest == second.traceDigest)
        // The release build's `exsim run Scenarios/link-flap.yaml` prints it too.
        #expect(first.traceDigest == Self.linkFlapDigest)
        #expect(drill.assertions.count == 5)
        for outcome in drill.assertions.map({ $0.evaluate(first) }) {
            #expect(outcome.passed, "\(outcome.statement): measured \(outcome.measuredText)")
        }
        #expect(first.invariantViolations.isEmpty)
    }
}
