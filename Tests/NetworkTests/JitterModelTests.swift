import Network
import SimKernel
import XCTest

final class JitterModelTests: XCTestCase {
    func samples(_ model: JitterModel, count: Int = 200_000) -> [Double] {
        var random = RandomStream(scenarioSeed: 3, component: "test.jitter")
        return (0..<count).map { _ in Double(model.sampleNs(&random)) }
    }

    func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
    func standardDeviation(_ values: [Double]) -> Double {
        let m = mean(values)
        return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count)).squareRoot()
    }
    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    func testConstantAndNone() {
        XCTAssertEqual(Set(samples(.constant(ns: 1_234), count: 100)), [1_234])
        XCTAssertEqual(Set(samples(.none, count: 100)), [0])
    }

    func testUniformMomentsAndBounds() {
        let values = samples(.uniform(minNs: 1_000, maxNs: 3_000))
        XCTAssertEqual(values.min(), 1_000)
        XCTAssertEqual(values.max(), 3_000)
        XCTAssertEqual(mean(values), 2_000, accuracy: 10)
        // (b − a) / √12
        XCTAssertEqual(standardDeviation(values), 2_000 / 12.0.squareRoot(), accuracy: 10)
    }

    func testNormalMoments() {
        // Far enough from zero that the cut at 0 does not bias the moments.
        let values = samples(.normal(meanNs: 10_000, standardDeviationNs: 1_000))
        XCTAssertEqual(mean(values), 10_000, accuracy: 15)
        XCTAssertEqual(standardDeviation(values), 1_000, accuracy: 15)
    }

    func testNormalIsCutAtZero() {
        let values = samples(.normal(meanNs: 0, standardDeviationNs: 1_000))
        XCTAssertEqual(values.min(), 0)
        // Half the draws are negative and become 0.
        XCTAssertEqual(Double(values.filter { $0 == 0 }.count) / Double(values.count), 0.5, accuracy: 0.01)
    }

    func testLogNormalMedianAndMean() {
        let values = samples(.logNormal(medianNs: 5_000, sigma: 0.5))
        XCTAssertEqual(median(values), 5_000, accuracy: 60)
        // median · e^(σ²/2)
        XCTAssertEqual(mean(values), 5_000 * PortableMath.exp(0.125), accuracy: 40)
    }

    func testParetoMinimumMeanAndTail() {
        let values = samples(.pareto(scaleNs: 1_000, shape: 3))
        XCTAssertGreaterThanOrEqual(values.min()!, 1_000)
        // α x_m / (α − 1)
        XCTAssertEqual(mean(values), 1_500, accuracy: 20)
        // P(X > 2 x_m) = 2^−α
        XCTAssertEqual(Double(values.filter { $0 > 2_000 }.count) / Double(values.count), 0.125, accuracy: 0.005)
    }

    func testEmpiricalDrawsEachSampleEquallyOften() {
        let samplesNs: [Int64] = [1_000, 2_000, 2_000, 50_000]
        let values = samples(.empirical(samplesNs: samplesNs))
        XCTAssertEqual(Set(values), [1_000, 2_000, 50_000])
        XCTAssertEqual(Double(values.filter { $0 == 2_000 }.count) / Double(values.count), 0.5, accuracy: 0.005)
        XCTAssertEqual(Double(values.filter { $0 == 50_000 }.count) / Double(values.count), 0.25, accuracy: 0.005)
        XCTAssertNotNil(LinkDirectionConfig(jitter: .empirical(samplesNs: [])).firstProblem)
        XCTAssertNotNil(LinkDirectionConfig(jitter: .empirical(samplesNs: [5, -1])).firstProblem)
    }

    func testHeavyTailIsCut() {
        let values = samples(.pareto(scaleNs: 1_000_000_000, shape: 0.1), count: 1_000)
        XCTAssertEqual(values.max(), Double(LinkLimits.longestJitterSampleNs))
    }

    /// The first draws of each distribution from a fixed stream: PortableMath
    /// gives these bits on every machine, and a change here changes every
    /// lossy scenario's digest.
    func testFirstDrawsArePinned() {
        let models: [JitterModel] = [
            .uniform(minNs: 0, maxNs: 10_000), .normal(meanNs: 10_000, standardDeviationNs: 2_000),
            .logNormal(medianNs: 10_000, sigma: 0.5), .pareto(scaleNs: 10_000, shape: 2),
        ]
        var firstDraws: [[Int64]] = []
        for model in models {
            var random = RandomStream(seed: 2026)
            firstDraws.append((0..<4).map { _ in model.sampleNs(&random) })
        }
        XCTAssertEqual(firstDraws, Self.pinnedDraws)
    }

    static let pinnedDraws: [[Int64]] = [
        [5_737, 2_837, 8_125, 8_937],
        [9_451, 12_873, 10_882, 11_802],
        [8_718, 20_508, 12_468, 15_691],
        [15_316, 11_815, 23_095, 30_668],
    ]
}
