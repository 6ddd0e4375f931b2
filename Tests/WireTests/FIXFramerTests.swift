import Foundation
import Testing
@testable import Wire

/// A frame as a value a test can compare.
enum FramedOutput: Equatable {
    case success([UInt8])
    case failure(FIXGarbledReason)
}

@Suite("FIX framer")
struct FIXFramerTests {
    static let heartbeat = FIXText.message("35=0|49=A|56=B|34=1|52=20260302-09:30:00.000|")
    static let testRequest = FIXText.message("35=1|49=A|56=B|34=2|52=20260302-09:30:00.000|112=T1|", beginString: "FIX.4.2")

    /// Feeds chunks and drains frames after each, as a driver does.
    static func frames(_ chunks: [[UInt8]], framer: inout FIXFramer) -> [FramedOutput] {
        var result: [FramedOutput] = []
        for chunk in chunks {
            chunk.withUnsafeBytes { framer.append($0) }
            while let frame = framer.nextFrame() {
                switch frame {
                case .message(let range): result.append(.success(framer.withBytes(of: range) { Array($0) }))
                case .garbled(let reason): result.append(.failure(reason))
                }
            }
        }
        return result
    }

    static func frames(_ chunks: [[UInt8]]) -> [FramedOutput] {
        var framer = FIXFramer()
        return frames(chunks, framer: &framer)
    }

    @Test func oneMessageInOneChunk() {
        #expect(Self.frames([Self.heartbeat]) == [.success(Self.heartbeat)])
    }

    @Test func messageSplitAtEveryByteBoundary() {
        let stream = Self.heartbeat + Self.testRequest
        for cut in 0...stream.count {
            let frames = Self.frames([Array(stream[..<cut]), Array(stream[cut...])])
            #expect(frames == [.success(Self.heartbeat), .success(Self.testRequest)], "cut at \(cut)")
        }
    }

    @Test func messageFedOneByteAtATime() {
        let stream = Self.heartbeat + Self.testRequest + Self.heartbeat
        let frames = Self.frames(stream.map { [$0] })
        #expect(frames == [.success(Self.heartbeat), .success(Self.testRequest), .success(Self.heartbeat)])
    }

    @Test func concatenatedMessagesInOneChunk() {
        let frames = Self.frames([Self.heartbeat + Self.testRequest + Self.heartbeat])
        #expect(frames.count == 3)
        #expect(frames[1] == .success(Self.testRequest))
    }

    @Test func garbageBeforeBeginStringIsSkipped() {
        var framer = FIXFramer()
        let garbage = FIXText.bytes("hello|8=FIY|8=|xx 8=FI")
        let frames = Self.frames([garbage, Array(Self.heartbeat.dropFirst(4))], framer: &framer)
        #expect(frames == [.success(Self.heartbeat)])
        #expect(framer.skippedGarbageBytes == garbage.count - 4)
    }

    @Test func badChecksumIsReportedAndTheNextMessageStillFrames() {
        var corrupt = Self.heartbeat
        corrupt[corrupt.count - 2] = corrupt[corrupt.count - 2] == UInt8(ascii: "9") ? UInt8(ascii: "0") : corrupt[corrupt.count - 2] + 1
        let frames = Self.frames([corrupt + Self.testRequest])
        #expect(frames.count == 2)
        guard case .failure(.badChecksum) = frames[0] else { Issue.record("\(frames)"); return }
        #expect(frames[1] == .success(Self.testRequest))
    }

    @Test func wrongBodyLengthResynchronisesOnTheNextBeginString() {
        for delta in [-3, -1, 1, 4] {
            var text = FIXText.text(Self.heartbeat)
            let bodyLength = Int(FIXText.value(Self.heartbeat, 9)!)!
            text = text.replacingFirst("9=\(bodyLength)|", with: "9=\(bodyLength + delta)|")
            let frames = Self.frames([FIXText.bytes(text) + Self.testRequest])
            #expect(frames.first == .failure(.wrongBodyLength), "delta \(delta)")
            #expect(frames.last == .success(Self.testRequest), "delta \(delta)")
        }
    }

    @Test func bodyLengthMustBeSecondAndMsgTypeThird() {
        let noLength = FIXText.bytes("8=FIX.4.4|35=0|9=5|10=000|")
        #expect(Self.frames([noLength]) == [.failure(.bodyLengthNotSecond)])
        let msgTypeLate = FIXText.message("49=A|35=0|34=1|")
        #expect(Self.frames([msgTypeLate]) == [.failure(.msgTypeNotThird)])
        let badLength = FIXText.bytes("8=FIX.4.4|9=1x|35=0|10=000|")
        #expect(Self.frames([badLength]) == [.failure(.invalidBodyLength)])
        let hugeDigits = FIXText.bytes("8=FIX.4.4|9=12345678|35=0|10=000|")
        #expect(Self.frames([hugeDigits]) == [.failure(.invalidBodyLength)])
        let longBegin = FIXText.bytes("8=FIX.4.4.4.4.4.4.4.4|9=5|35=0|10=000|")
        #expect(Self.frames([longBegin]) == [.failure(.invalidBeginString)])
    }

    @Test func oversizedMessageIsRefusedBeforeItIsBuffered() {
        var framer = FIXFramer(maximumMessageBytes: 128)
        let large = FIXText.message("35=0|58=\(String(repeating: "x", count: 200))|")
        let frames = Self.frames([Array(large.prefix(20))], framer: &framer)
        let bodyLength = Int(FIXText.value(large, 9)!)!
        #expect(frames == [.failure(.messageTooLarge(bodyLength: bodyLength))])
        #expect(framer.bufferedByteCount < 20)
    }

    @Test func bufferStaysBoundedUnderEndlessGarbage() {
        var framer = FIXFramer(maximumMessageBytes: 256)
        let chunk = [UInt8](repeating: UInt8(ascii: "z"), count: 1000)
        for _ in 0..<100 { _ = Self.frames([chunk], framer: &framer) }
        #expect(framer.bufferedByteCount <= 4)
        #expect(framer.skippedGarbageBytes >= 99_000)
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
