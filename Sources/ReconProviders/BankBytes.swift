import Glibc

/// Byte-level helpers of the line-record bank formats (MT940, BAI2): fields are read as bytes
/// and only the values a record keeps become strings.
enum BankBytes {
    static func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }

    /// Without blanks and line ends at either end (the set `PaymentKey.trimmed` trims).
    static func trimmed<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes) -> Bytes.SubSequence
    where Bytes.Index == Int {
        var (start, end) = (bytes.startIndex, bytes.endIndex)
        while start < end, isBlank(bytes[start]) { start += 1 }
        while end > start, isBlank(bytes[end - 1]) { end -= 1 }
        return bytes[start..<end]
    }

    /// The bytes, trimmed, as text.
    static func text<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes) -> String where Bytes.Index == Int {
        String(decoding: trimmed(bytes), as: UTF8.self)
    }

    /// Where `byte` first is in `bytes[range]`, by `memchr` (many times the speed of a loop over
    /// the bytes); nil when it is not there.
    static func index(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        guard !range.isEmpty, let base = bytes.baseAddress,
            let hit = memchr(base + range.lowerBound, Int32(byte), range.count)
        else { return nil }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }

    /// Removes every line end (`\n`) from `bytes`, jumping from one to the next.
    static func removeLineEnds(_ bytes: inout [UInt8]) {
        let kept = bytes.withUnsafeMutableBufferPointer { all -> Int in
            let view = UnsafeBufferPointer(all)
            guard var write = index(of: 0x0A, in: view, 0..<all.count) else { return all.count }
            var read = write + 1
            while read < all.count {
                let end = index(of: 0x0A, in: view, read..<all.count) ?? all.count
                if end > read { memmove(all.baseAddress! + write, all.baseAddress! + read, end - read) }
                write += end - read
                read = end + 1
            }
            return write
        }
        bytes.removeLast(bytes.count - kept)
    }

    /// The bytes as a non-negative decimal number of at most 9 digits; nil for anything else.
    static func number(_ bytes: some Collection<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 9 else { return nil }
        var n = 0
        for b in bytes {
            guard b >= 0x30 && b <= 0x39 else { return nil }
            n = n * 10 + Int(b - 0x30)
        }
        return n
    }

    static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ ascii: StaticString) -> Bool {
        bytes.count == ascii.utf8CodeUnitCount && memcmp(bytes.baseAddress!, ascii.utf8Start, bytes.count) == 0
    }

    static func equals(_ bytes: some Sequence<UInt8>, _ ascii: StaticString) -> Bool {
        let n = UnsafeBufferPointer(start: ascii.utf8Start, count: ascii.utf8CodeUnitCount)
        return bytes.elementsEqual(n)
    }

    /// Whether the upper-case ASCII `needle` occurs, letters compared without case.
    static func containsIgnoringCase<Bytes: RandomAccessCollection<UInt8>>(
        _ bytes: Bytes, _ needle: StaticString
    ) -> Bool where Bytes.Index == Int {
        let n = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        guard bytes.count >= n.count, let first = n.first else { return n.isEmpty }
        var at = bytes.startIndex
        let last = bytes.endIndex - n.count
        while at <= last {
            let b = bytes[at]
            if (b >= 0x61 && b <= 0x7A ? b - 0x20 : b) == first {
                var k = 1
                while k < n.count {
                    let c = bytes[at + k]
                    guard (c >= 0x61 && c <= 0x7A ? c - 0x20 : c) == n[k] else { break }
                    k += 1
                }
                if k == n.count { return true }
            }
            at += 1
        }
        return false
    }
}
