import Testing
import MatchingEngine

@Suite struct EventLayoutTests {
    /// Events are copied into the caller's array one by one; the largest
    /// case (an execution) sets the size of every event.
    @Test func anEventFitsInSeventyTwoBytes() {
        #expect(MemoryLayout<EngineEvent>.stride <= 72)
    }
}
