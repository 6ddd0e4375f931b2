import Foundation
import Live
import Report

/// What `exsim load --find-max` searches with.
struct CapacitySearchPlan {
    var objective: LoadObjective
    var firstRate: Double
    var ceiling: Double
}

extension LoadCommand {
    /// Runs open-loop trials chosen by `CapacitySearch` and reports the
    /// highest rate that held the objective, with that trial's figures.
    func findMaximum(_ base: LoadPlan, search plan: CapacitySearchPlan, directory: URL) throws {
        var search = CapacitySearch(firstRate: plan.firstRate, ceiling: plan.ceiling)
        print("load: \(base.host):\(base.port) \(orderEntry.label), \(base.symbol.name) at \(base.symbol.referencePrice.rawValue), "
              + "finding the highest rate that holds \(plan.objective) (order→ack from planned), "
              + "trials of \(formatNanoseconds(base.durationNs)), \(base.connections) connection(s)")
        fflush(nil)
        var best: (rate: Double, result: LoadResult)?
        while let rate = search.nextRate {
            var trialPlan = base
            trialPlan.pacing = .openLoop(ratePerSecond: rate)
            let result: LoadResult
            do {
                result = try LoadRun.run(trialPlan)
            } catch {
                printError(error.description)
                throw ExsimExit.venueUnavailable
            }
            let verdict = plan.objective.verdict(on: result, plannedRate: rate)
            let measured = plan.objective.measuredNs(in: result).map(formatNanoseconds) ?? "-"
            print("trial \(search.trials.count + 1): \(formatRate(rate)) planned, \(formatRate(result.achievedRatePerSecond)) achieved, "
                  + "\(plan.objective.percentileName) \(measured): " + (verdict.map { "broken (\($0))" } ?? "held"))
            fflush(nil)
            search.record(held: verdict == nil)
            if verdict == nil, rate >= (best?.rate ?? 0) { best = (rate, result) }
        }
        var parameters = parameters(base)
        parameters["--rate"] = nil
        parameters["--find-max"] = "true"
        parameters["--slo"] = plan.objective.text
        parameters["--max-rate"] = maxRate
        parameters["trials"] = search.trials.map { "\(Int($0.rate)):\($0.held ? "held" : "broken")" }.joined(separator: " ")
        guard let best else {
            let lowest = search.trials.map(\.rate).min() ?? plan.firstRate
            writeFindMaxReport(rate: 0, trials: search.trials.count, of: LoadResult(), parameters: parameters, into: directory)
            printError("no rate held \(plan.objective): the lowest tried, \(formatRate(lowest)), broke it")
            throw ExsimExit.checkFailed
        }
        let summary = LoadSummary(result: best.result)
        print("highest rate holding \(plan.objective): \(formatRate(best.rate))"
              + (best.rate >= plan.ceiling ? " (the --max-rate ceiling; the venue may hold more)" : "")
              + ", after \(search.trials.count) trial(s); that trial:")
        summary.print()
        try writeReport(of: best.result, figures: findMaxFigures(rate: best.rate, trials: search.trials.count) + summary.figures,
                        parameters: parameters, into: directory)
    }

    private func writeFindMaxReport(rate: Double, trials: Int, of result: LoadResult, parameters: [String: String], into directory: URL) {
        try? writeReport(of: result, figures: findMaxFigures(rate: rate, trials: trials), parameters: parameters, into: directory)
    }

    private func findMaxFigures(rate: Double, trials: Int) -> [MeasuredFigure] {
        [MeasuredFigure(name: "findMaxRate", value: rate, unit: "orders/s", better: .higher),
         MeasuredFigure(name: "findMaxTrials", value: Double(trials), unit: "trials", better: .lower)]
    }
}
