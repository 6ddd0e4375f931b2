import ArgumentParser

/// The exit codes of every exsim command, distinct so that a CI script can
/// tell a regression from a bug from a typo (README, "Exit codes").
enum ExsimExit {
    /// Everything ran and every check passed.
    static let success = ExitCode(0)
    /// The gate saw a regression, or a scenario's assertion failed, or
    /// `exsim load` left orders unanswered (or the venue closed on it).
    static let checkFailed = ExitCode(1)
    /// The run broke an engine invariant, or a venue's feed rebuilt a book
    /// that differs from its own (`--check`): a bug in exsim.
    static let invariantBroken = ExitCode(3)
    /// Bad input or usage: an unreadable or invalid scenario, report or
    /// option, an unwritable output. The code ArgumentParser itself uses for
    /// a validation error (EX_USAGE), so that every usage mistake shares it.
    static let badInput = ExitCode.validationFailure
    /// `exsim serve` could not listen: the address is already in use, or
    /// cannot be bound (EX_UNAVAILABLE).
    static let addressUnavailable = ExitCode(69)
    /// `exsim load` could not reach the venue, or the venue refused a
    /// login: the same code, for the same "the other end is not there".
    static let venueUnavailable = addressUnavailable
}
