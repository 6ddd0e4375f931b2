@testable import Live
import NIOCore
import NIOPosix
import Testing

/// `LoopTimer` arms a loop task only when the timer moves earlier, and the
/// armed task re-arms itself when the timer moved later meanwhile. The tasks
/// here are scheduled an hour ahead and cancelled, so nothing runs: the test
/// drives `taskRan` by hand and counts the tasks armed.
@Suite struct LoopTimerTests {
    final class Arming {
        let loop: EventLoop
        var armedAt: [Int64] = []
        var tasks: [Scheduled<Void>] = []
        init(loop: EventLoop) { self.loop = loop }
        func schedule(_ atNs: Int64) -> Scheduled<Void> {
            armedAt.append(atNs)
            let task = loop.scheduleTask(in: .hours(1)) {}
            tasks.append(task)
            return task
        }
        func cancelAll() { for task in tasks { task.cancel() } }
    }

    @Test func movingLaterArmsNothingUntilTheArmedTaskRuns() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let arming = Arming(loop: group.next())
        defer { arming.cancelAll() }
        var timer = LoopTimer()

        timer.set(atNs: 100, schedule: arming.schedule)
        timer.set(atNs: 150, schedule: arming.schedule)
        timer.set(atNs: 200, schedule: arming.schedule)
        #expect(arming.armedAt == [100])
        #expect(timer.dueNs == 200)

        // The task armed for 100 runs early for the timer: it re-arms for 200.
        let dueAt100 = timer.taskRan(nowNs: 100, schedule: arming.schedule)
        #expect(!dueAt100)
        #expect(arming.armedAt == [100, 200])
        let dueAt200 = timer.taskRan(nowNs: 200, schedule: arming.schedule)
        #expect(dueAt200)
        #expect(timer.dueNs == nil)
        #expect(arming.armedAt == [100, 200])
    }

    @Test func movingEarlierArmsAtOnceAndCancelStopsTheTimer() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let arming = Arming(loop: group.next())
        defer { arming.cancelAll() }
        var timer = LoopTimer()

        timer.set(atNs: 500, schedule: arming.schedule)
        timer.set(atNs: 300, schedule: arming.schedule)
        #expect(arming.armedAt == [500, 300])
        let dueAt300 = timer.taskRan(nowNs: 300, schedule: arming.schedule)
        #expect(dueAt300)

        timer.set(atNs: 900, schedule: arming.schedule)
        timer.cancel()
        #expect(timer.dueNs == nil)
        // A task that was already on its way when the timer was cancelled
        // finds nothing due and arms nothing.
        let dueAfterCancel = timer.taskRan(nowNs: 900, schedule: arming.schedule)
        #expect(!dueAfterCancel)
        #expect(arming.armedAt == [500, 300, 900])
    }
}
