#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation

/// How a child process ended.
enum ChildExit: Hashable {
    case exited(Int32)
    case signalled(Int32)

    /// The shell's convention: the exit code, or 128 + the signal.
    var status: Int32 {
        switch self {
        case .exited(let code): code
        case .signalled(let signal): 128 + signal
        }
    }

    /// From waitpid's status word (the WIFEXITED / WTERMSIG layout).
    init(waitStatus: Int32) {
        let signal = waitStatus & 0x7F
        self = signal == 0 ? .exited((waitStatus >> 8) & 0xFF) : .signalled(signal)
    }
}

/// Runs child processes, at most `parallel` at a time, each with its
/// standard output and error sent to files. Parallelism is across
/// processes: each child is a whole single-threaded simulation.
struct ChildProcessPool {
    struct Job {
        var arguments: [String]
        var stdoutPath: String
        var stderrPath: String
    }

    let executable: String
    let parallel: Int

    init(executable: String, parallel: Int) {
        precondition(parallel >= 1, "at least one child at a time")
        self.executable = executable
        self.parallel = parallel
    }

    /// Runs every job and calls `finished` with its index and how it ended,
    /// in the order they end; returns when all have ended.
    func run(_ jobs: [Job], finished: (Int, ChildExit) -> Void) throws {
        var running: [(pid: pid_t, job: Int)] = []
        var next = 0
        while next < jobs.count || !running.isEmpty {
            while next < jobs.count, running.count < parallel {
                do {
                    running.append((try spawn(jobs[next]), next))
                } catch {
                    // Leave no child running behind: they write into
                    // directories the caller removes.
                    for child in running {
                        var status: Int32 = 0
                        while waitpid(child.pid, &status, 0) < 0 && errno == EINTR {}
                    }
                    throw error
                }
                next += 1
            }
            var status: Int32 = 0
            let pid = waitpid(-1, &status, 0)
            if pid < 0 {
                if errno == EINTR { continue }
                throw ChildProcessError(description: "waitpid failed: \(String(cString: strerror(errno)))")
            }
            guard let slot = running.firstIndex(where: { $0.pid == pid }) else { continue }
            let job = running.remove(at: slot).job
            finished(job, ChildExit(waitStatus: status))
        }
    }

    func spawn(_ job: Job) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, job.stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, job.stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + job.arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard result == 0 else {
            throw ChildProcessError(description: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// This process's own executable, to run it again as a child.
    static func currentExecutable() -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        return CommandLine.arguments[0]
    }
}

struct ChildProcessError: Error, CustomStringConvertible {
    var description: String
}

/// `word` as one shell word: as is when it is plain, else in single quotes.
func shellQuoted(_ word: String) -> String {
    let plain = word.unicodeScalars.allSatisfy {
        CharacterSet.alphanumerics.contains($0) || "-_./=:,+@%".unicodeScalars.contains($0)
    }
    if plain && !word.isEmpty { return word }
    return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
