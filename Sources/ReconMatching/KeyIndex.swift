import PaymentModels
import ReconMemory

/// A hash multi-map from key text to (payment, key) pairs, over the payment table's key bytes.
///
/// Open addressing with linear probing on a power-of-two table, at most half full. Each slot
/// is one `UInt64` packing a 24-bit hash tag, the payment number and the key's position and
/// field, so a probe reads only the slot array and touches a payment only when the tag
/// matches: lookups were cache-miss bound when slots pointed into a separate entry array.
struct KeyIndex: Sendable {
    /// 0 is empty; otherwise `tag << 40 | (payment + 1) << 8 | key << 4 | field`.
    private var slots: [UInt64]
    private var mask: Int
    private(set) var keyCount = 0
    static let paymentsMax = Int(UInt32.max) - 1
    /// Above this share of used slots, in tenths, the table doubles (linear probing slows
    /// past ~70%).
    static let loadTenthsMax = 7

    /// An empty index sized for about `expectedKeys` keys.
    init(expectedKeys: Int) {
        var capacity = 16
        while capacity * KeyIndex.loadTenthsMax / 10 < expectedKeys { capacity <<= 1 }
        slots = [UInt64](repeating: 0, count: capacity)
        mask = capacity - 1
    }

    init(payments: PaymentTable) {
        self.init(expectedKeys: payments.indices.reduce(0) { $0 + payments.keyCount($1) })
        insert(payments, range: payments.indices)
    }

    /// Adds the keys of `payments[range]`; doubles the table (re-inserting everything up to
    /// `range.upperBound`) when it gets too full.
    mutating func insert(_ payments: PaymentTable, range: Range<Int>) {
        precondition(range.upperBound <= KeyIndex.paymentsMax, "more payments than the index holds")
        var added = 0
        for p in range { added += payments.keyCount(p) }
        if keyCount + added > slots.count * KeyIndex.loadTenthsMax / 10 {
            self = KeyIndex(expectedKeys: (keyCount + added) * 3 / 2)
            insertUnchecked(payments, range: 0..<range.upperBound)
            return
        }
        insertUnchecked(payments, range: range)
    }

    /// Inserts (hash, packed slot) pairs made by `KeyIndexBuilder` for payments now in
    /// `payments`; when the table would get too full it is rebuilt, bigger, from `payments`.
    mutating func insert(entries: [UInt64], payments: PaymentTable) {
        let added = entries.count / 2
        if keyCount + added > slots.count * KeyIndex.loadTenthsMax / 10 {
            self = KeyIndex(expectedKeys: (keyCount + added) * 3 / 2)
            insertUnchecked(payments, range: payments.indices)
            return
        }
        let mask = self.mask
        slots.withUnsafeMutableBufferPointer { slots in
            entries.withUnsafeBufferPointer { entries in
                for i in 0..<added {
                    var slot = Int(truncatingIfNeeded: entries[2 * i]) & mask
                    while slots[slot] != 0 { slot = (slot + 1) & mask }
                    slots[slot] = entries[2 * i + 1]
                }
            }
        }
        keyCount += added
    }

    /// Makes room for `keys` keys in all, rebuilding from `payments` if the table is smaller.
    mutating func reserve(keys: Int, _ payments: PaymentTable) {
        guard keys > slots.count * KeyIndex.loadTenthsMax / 10 else { return }
        self = KeyIndex(expectedKeys: keys)
        insertUnchecked(payments, range: payments.indices)
    }

    /// Payments per block of `insertUnchecked`: their keys' hashes are computed first (reading
    /// the payments in order), then inserted in a tight loop whose independent cache misses on
    /// the slot array the CPU overlaps. Hashing and probing in one loop left 90% of indexing
    /// time waiting on one miss at a time.
    static let insertBlock = 1024

    private mutating func insertUnchecked(_ payments: PaymentTable, range: Range<Int>) {
        let mask = self.mask
        var count = keyCount
        var pending = [UInt64](repeating: 0, count: 2 * KeyIndex.insertBlock * 4)  // 4 keys each on average at most
        slots.withUnsafeMutableBufferPointer { slots in
            pending.withUnsafeMutableBufferPointer { pending in
                var start = range.lowerBound
                while start < range.upperBound {
                    var n = 0
                    var p = start
                    while p < range.upperBound {
                        if 2 * (n + payments.keyCount(p)) > pending.count { break }
                        payments.forEachKey(of: p) { k, field, bytes in
                            let hash = KeyIndex.hashBytes(bytes)
                            pending[2 * n] = hash
                            pending[2 * n + 1] = KeyIndex.pack(tag: hash, payment: p, key: k, field: field)
                            n += 1
                        }
                        p += 1
                    }
                    precondition(p > start, "a payment with more keys than a block holds")
                    for i in 0..<n {
                        var slot = Int(truncatingIfNeeded: pending[2 * i]) & mask
                        while slots[slot] != 0 { slot = (slot + 1) & mask }
                        slots[slot] = pending[2 * i + 1]
                    }
                    count += n
                    start = p
                }
            }
        }
        keyCount = count
    }

    @inline(__always)
    static func pack(tag hash: UInt64, payment: Int, key: Int, field: KeyField) -> UInt64 {
        precondition(key < 16, "a payment with more than 16 keys")
        return (hash >> 40) << 40 | UInt64(payment + 1) << 8 | UInt64(key) << 4 | UInt64(field.rawValue)
    }

    /// Every (payment, field) whose key equals `key`, in no particular order.
    @inline(__always)
    func candidates(_ key: String, in payments: PaymentTable, _ body: (Int, KeyField) -> Void) {
        candidates(key, hash: KeyIndex.hash(key), in: payments, body)
    }

    @inline(__always)
    func candidates(
        _ key: String, hash: UInt64, in payments: PaymentTable, _ body: (Int, KeyField) -> Void
    ) {
        KeyIndex.withBytes(key) { candidates(bytes: $0, hash: hash, in: payments, body) }
    }

    @inline(__always)
    func candidates(
        bytes key: UnsafeRawBufferPointer, hash: UInt64, in payments: PaymentTable, _ body: (Int, KeyField) -> Void
    ) {
        let tag = hash >> 40
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { return }
            if entry >> 40 == tag {
                let payment = Int(truncatingIfNeeded: (entry >> 8) & 0xFFFF_FFFF) - 1
                let k = Int(truncatingIfNeeded: (entry >> 4) & 0xF)
                if payments.key(of: payment, at: k, equals: key) {
                    body(payment, KeyField(rawValue: UInt8(truncatingIfNeeded: entry & 0xF))!)
                }
            }
            slot = (slot + 1) & mask
        }
    }

    /// The candidate a line's key names: the earliest key field, then the lowest payment.
    /// `ambiguous` when two payments tie on that field, so the caller can prefer a free one.
    struct Candidate: Sendable {
        var payment = -1
        var field = KeyField.id
        var ambiguous = false
        /// Set by the engine: the line and this payment agree (`Classifier.isClean`).
        var clean = false
        /// Set by the engine: which of the line's alternate keys matched (-1: its key).
        var alternate: Int16 = -1
        /// Set by the engine: the payment's system, read while the payment is in cache.
        var system: PaymentSystem?
    }

    func bestCandidate(_ key: String, in payments: PaymentTable, order: KeyOrder) -> Candidate {
        bestCandidate(key, hash: KeyIndex.hash(key), in: payments, order: order)
    }

    /// `bestCandidate` for the keys of lines `first + i` for `i` in `range`, passed to `body`
    /// (with `i`) in order.
    ///
    /// Works in blocks and in stages so that cache misses overlap instead of queueing: hash
    /// every key, then find each key's first slot with a matching tag (misses on the slot
    /// array only), then prefetch each such payment, then compare keys with everything cached.
    /// One probe at a time waited on its misses in a row (slot, then payment).
    func bestCandidates(
        _ range: Range<Int>, lines: LineTable, first: Int, in payments: PaymentTable, order: KeyOrder,
        _ body: (Int, Candidate) -> Void
    ) {
        let block = 256
        var hashes = [UInt64](repeating: 0, count: block)
        var hit = [Int](repeating: -1, count: block)
        var start = range.lowerBound
        while start < range.upperBound {
            let end = min(range.upperBound, start + block)
            for i in start..<end { hashes[i - start] = lines.withKey(first + i, KeyIndex.hashBytes) }
            slots.withUnsafeBufferPointer { slots in
                for j in 0..<(end - start) {
                    let tag = hashes[j] >> 40
                    var slot = Int(truncatingIfNeeded: hashes[j]) & mask
                    hit[j] = -1
                    while slots[slot] != 0 {
                        if slots[slot] >> 40 == tag {
                            hit[j] = Int(truncatingIfNeeded: (slots[slot] >> 8) & 0xFFFF_FFFF) - 1
                            break
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
            for j in 0..<(end - start) where hit[j] >= 0 {
                Prefetch.read(payments.rowAddressHint(hit[j]))
            }
            // then the key bytes the compare will read (their offset is cached by now), which
            // the compare otherwise waited for, one line at a time
            for j in 0..<(end - start) where hit[j] >= 0 {
                Prefetch.read(payments.keysAddressHint(hit[j]))
            }
            for i in start..<end {
                guard hit[i - start] >= 0 else {
                    body(i, Candidate())
                    continue
                }
                body(
                    i,
                    lines.withKey(first + i) {
                        bestCandidate(bytes: $0, hash: hashes[i - start], in: payments, order: order)
                    })
            }
            start = end
        }
    }

    @inline(__always)
    func bestCandidate(
        _ key: String, hash: UInt64, in payments: PaymentTable, order: KeyOrder
    ) -> Candidate {
        KeyIndex.withBytes(key) { bestCandidate(bytes: $0, hash: hash, in: payments, order: order) }
    }

    @inline(__always)
    func bestCandidate(
        bytes key: UnsafeRawBufferPointer, hash: UInt64, in payments: PaymentTable, order: KeyOrder
    ) -> Candidate {
        var best = Candidate()
        candidates(bytes: key, hash: hash, in: payments) { payment, field in
            if best.payment < 0 || order.before(field, best.field) {
                best = Candidate(payment: payment, field: field, ambiguous: false)
            } else if field == best.field {
                best.ambiguous = true
                best.payment = min(best.payment, payment)
            }
        }
        return best
    }

    /// Calls `body` with the UTF-8 bytes of `key`, in place when it has contiguous storage.
    @inline(__always)
    static func withBytes<R>(_ key: String, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if let found = key.utf8.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) {
            return found
        }
        var copy = key
        return copy.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }

    /// A fast 64-bit hash of the key's UTF-8 bytes (FxHash-style multiply-rotate, 8 bytes at a
    /// time, then a final avalanche). Keys are not adversarial input to a hash table here; if
    /// that changes, switch to `Hasher`.
    static func hash(_ key: String) -> UInt64 { withBytes(key, hashBytes) }

    static func hashBytes(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let seed: UInt64 = 0x51_7c_c1_b7_27_22_0a_95
        var h: UInt64 = UInt64(bytes.count) &* seed
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            let word = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h.rotatedLeft(5) ^ word) &* seed
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        h = (h.rotatedLeft(5) ^ tail) &* seed
        h ^= h >> 32
        h = h &* 0xd6e8_feb8_6659_fd93
        h ^= h >> 32
        return h
    }
}

extension UInt64 {
    @inline(__always) func rotatedLeft(_ k: UInt64) -> UInt64 { (self << k) | (self >> (64 - k)) }
}
