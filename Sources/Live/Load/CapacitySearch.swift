/// The search behind `exsim load --find-max`: the highest rate at which a
/// load run still holds its service-level objective.
///
/// Each trial is a full open-loop run at one rate; its outcome is "held" or
/// "broken". The search doubles the rate from the first one until a trial
/// breaks (or the ceiling holds), halves it until one holds (or the floor
/// breaks), then bisects geometrically between the highest rate that held
/// and the lowest that broke until they are within `precision` of each
/// other. A pure value: the caller runs the trials, so the strategy is
/// tested without sockets.
public struct CapacitySearch: Sendable {
    public struct Trial: Sendable, Equatable {
        public var rate: Double
        public var held: Bool
    }

    public let floor: Double
    public let ceiling: Double
    /// Stop when lowest broken ÷ highest held ≤ 1 + precision.
    public let precision: Double
    public let maximumTrials: Int
    public private(set) var trials: [Trial] = []
    public private(set) var highestHeld: Double?
    public private(set) var lowestBroken: Double?
    public private(set) var nextRate: Double?

    public init(firstRate: Double, floor: Double = 100, ceiling: Double, precision: Double = 0.05, maximumTrials: Int = 16) {
        precondition(floor > 0 && floor <= ceiling && precision > 0 && maximumTrials >= 1)
        self.floor = floor
        self.ceiling = ceiling
        self.precision = precision
        self.maximumTrials = maximumTrials
        nextRate = min(max(firstRate, floor), ceiling)
    }

    /// Records the outcome of the trial at `nextRate` and chooses the next.
    public mutating func record(held: Bool) {
        guard let rate = nextRate else { preconditionFailure("the search has ended") }
        trials.append(Trial(rate: rate, held: held))
        if held {
            highestHeld = max(highestHeld ?? rate, rate)
        } else {
            lowestBroken = min(lowestBroken ?? rate, rate)
        }
        nextRate = chooseNext()
    }

    public var isFinished: Bool { nextRate == nil }

    private func chooseNext() -> Double? {
        guard trials.count < maximumTrials else { return nil }
        switch (highestHeld, lowestBroken) {
        case (let held?, nil):
            return held >= ceiling ? nil : min(held * 2, ceiling)
        case (nil, let broken?):
            return broken <= floor ? nil : max(broken / 2, floor)
        case (let held?, let broken?):
            guard broken / held > 1 + precision else { return nil }
            return (held * broken).squareRoot().rounded()
        case (nil, nil):
            preconditionFailure("a trial was recorded")
        }
    }
}
