import Testing
@testable import Wire

@Suite struct ByteReadingTests {
    @Test func bigEndianRoundTripAtUnalignedOffsets() {
        var bytes = [UInt8](repeating: 0, count: 32)
        bytes.withUnsafeMutableBytes { buffer in
            buffer.writeUInt16BE(0x0102, at: 1)
            buffer.writeUInt32BE(0x0304_0506, at: 3)
            buffer.writeUInt48BE(0x0708_090A_0B0C, at: 7)
            buffer.writeUInt64BE(0x0D0E_0F10_1112_1314, at: 13)
        }
        #expect(Array(bytes[1..<21]) == Array(1...20))
        bytes.withUnsafeBytes { buffer in
            #expect(buffer.readUInt16BE(at: 1) == 0x0102)
            #expect(buffer.readUInt32BE(at: 3) == 0x0304_0506)
            #expect(buffer.readUInt48BE(at: 7) == 0x0708_090A_0B0C)
            #expect(buffer.readUInt64BE(at: 13) == 0x0D0E_0F10_1112_1314)
        }
    }

    @Test func alphaFieldsPadWithSpacesAndTrim() throws {
        let stock = try #require(Alpha8("AAPL"))
        #expect(stock.rawValue == 0x4141_504C_2020_2020)
        #expect(stock.trimmed == "AAPL")
        #expect(Alpha8("TOOLONGXX") == nil)
        #expect(Alpha8("AB\u{1}") == nil)
        #expect(Alpha4("NSDQ")?.trimmed == "NSDQ")
        #expect(Alpha8.blank.trimmed == "")
    }
}
