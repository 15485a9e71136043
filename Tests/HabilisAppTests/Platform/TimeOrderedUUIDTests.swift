import Foundation
import Testing

@testable import HabilisApp

@Suite("Time-ordered ids: version 7 UUIDs that sort by time and never repeat")
struct TimeOrderedUUIDTests {
    @Test("the first 48 bits are the Unix milliseconds, with the version and variant bits of RFC 9562")
    func layout() {
        let instant = Date(timeIntervalSince1970: 1_795_000_000.123)
        let id = UUID.timeOrdered(at: instant)
        let bytes = withUnsafeBytes(of: id.uuid) { Array($0) }
        let milliseconds = bytes[0..<6].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(milliseconds == 1_795_000_000_123)
        #expect(bytes[6] >> 4 == 7)
        #expect(bytes[8] >> 6 == 0b10)
        #expect(id.uuidString.dropFirst(14).first == "7")
    }

    @Test("ids of later instants sort after, and 100,000 ids of one instant are all different")
    func orderAndUniqueness() {
        let earlier = UUID.timeOrdered(at: Date(timeIntervalSince1970: 1_795_000_000))
        let later = UUID.timeOrdered(at: Date(timeIntervalSince1970: 1_795_000_000.001))
        #expect(earlier.uuidString < later.uuidString)
        let instant = Date()
        let ids = (0..<100_000).map { _ in UUID.timeOrdered(at: instant) }
        #expect(Set(ids).count == ids.count)
        // The random part really varies in every byte position (a constant byte would show a broken generator).
        for position in 6..<16 {
            #expect(Set(ids.prefix(1_000).map { withUnsafeBytes(of: $0.uuid) { $0[position] } }).count > 2)
        }
    }
}
