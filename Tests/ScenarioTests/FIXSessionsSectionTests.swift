import Exchange
import Foundation
import Testing
@testable import Scenario
import Simulation
import Wire

/// A venue's `fix_sessions:`: per-account FIX session settings for `exsim serve`.
@Suite struct FIXSessionsSectionTests {
    /// The minimal scenario with an `order_entry` and these `fix_sessions`
    /// (lines given at the list's indentation; the first is line 11).
    static func scenario(_ sessions: String, orderEntry: String = "[ouch42, fix42, fix44]") -> String {
        let list = sessions.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
        return replacing("    service_time: { distribution: constant, value: 300ns }\n", with:
            "    service_time: { distribution: constant, value: 300ns }\n    order_entry: \(orderEntry)\n    fix_sessions:\n"
            + list + "\n")
    }

    @Test func everySettingIsRead() throws {
        let yaml = Self.scenario("""
              - account: P1
                sender_comp_id: XT-GW
                target_comp_id: CLIENT1
                begin_string: FIX.4.2
                heartbeat_interval: 20s
                reset_on_logon: true
                username: alice
                password: s3cret
              - { account: P2 }
            """)
        let config = try ScenarioLoader.parse(yaml: yaml, file: "s.yaml")
        #expect(config.venues[0].fixSessions == [
            FIXSessionSettings(account: "P1", senderCompID: "XT-GW", targetCompID: "CLIENT1", version: .fix42,
                               heartbeatIntervalSeconds: 20, resetOnLogon: true, username: "alice", password: "s3cret"),
            FIXSessionSettings(account: "P2"),
        ])
    }

    @Test func mistakesNameTheirLineAndWhatIsAccepted() {
        let cases: [(sessions: String, orderEntry: String, line: Int, message: String)] = [
            ("  - { account: P1, target_comp: C }", "[fix44]", 11, "unknown key 'target_comp' in a FIX session; did you mean 'target_comp_id'?"),
            ("  - { account: Q1 }", "[fix44]", 11, "'Q1' is not an account"),
            ("  - { account: P1, begin_string: FIX.4.2 }", "[fix44]", 11, "venue 'XT' does not take FIX.4.2 (fix42)"),
            ("  - { account: P1, begin_string: FIX.4.3 }", "[fix44]", 11, "'FIX.4.3' is not a BeginString; expected one of: FIX.4.2, FIX.4.4"),
            ("  - { account: P1 }", "[ouch42]", 11, "venue 'XT' takes no FIX"),
            ("  - { account: P1, heartbeat_interval: 1500ms }", "[fix44]", 11, "a HeartBtInt is whole seconds"),
            ("  - { account: P1, reset_on_logon: maybe }", "[fix44]", 11, "'maybe' is not a boolean"),
            ("  - { account: P1, password: two words }", "[fix44]", 11, "is not a password"),
            ("  - { account: P1, target_comp_id: C }\n  - { account: P2, target_comp_id: C }", "[fix44]", 12,
             "a FIX session for the client CompID 'C' is listed twice (accounts P1 and P2)"),
            ("  - { account: P1 }\n  - { account: P1, target_comp_id: D }", "[fix44]", 12,
             "account P1 has two FIX sessions for the same BeginString"),
        ]
        for example in cases {
            let error = parseError(Self.scenario(example.sessions, orderEntry: example.orderEntry))
            #expect(error?.line == example.line, "\(example.sessions): \(String(describing: error))")
            #expect(error?.message.contains(example.message) == true, "\(String(describing: error))")
        }
    }
}
