import Testing
import Wire
@testable import Exchange

@Suite struct OUCHTokenConversionTests {
    /// Tokens of every length with spaces inside and at the end: the id holds
    /// the bytes without the trailing spaces (compared with a byte-by-byte
    /// trim), and turning it back into a token gives the same token.
    @Test func tokenToIDTrimsTrailingSpacesAndRoundTrips() {
        var random = SplitMix64(state: 5)
        let alphabet = Array("AZ09- ".utf8)
        for _ in 0..<5_000 {
            var bytes = (0..<OUCHToken.byteCount).map { _ in alphabet[random.below(alphabet.count)] }
            let spacesAtEnd = random.below(OUCHToken.byteCount + 1)
            for index in (OUCHToken.byteCount - spacesAtEnd)..<OUCHToken.byteCount { bytes[index] = 0x20 }
            let token = bytes.withUnsafeBytes { OUCHToken(readingFrom: $0, at: 0) }
            var trimmed = bytes
            while trimmed.last == 0x20 { trimmed.removeLast() }
            let expected = trimmed.withUnsafeBytes { ClientOrderID(bytes: $0) }
            let id = ClientOrderID(ouchToken: token)
            #expect(id == expected)
            if let id { #expect(id.ouchToken == token) }
        }
    }
}
