#if RECON_ISAL
    import CIsal

    /// Inflates gzip data from a base source as it is read, through ISA-L's igzip (x86-64
    /// assembly, about twice zlib's speed). Behaves as `ZlibGzipByteSource` does on every input:
    /// concatenated members, zero padding after the last, a member cut short (`truncatedGzip`)
    /// and damaged data or a wrong CRC or length (`corruptGzip`); the differential test in
    /// GzipTests runs both over the same inputs.
    public final class IsalGzipByteSource: ByteSource {
        public var name: String { base.name }
        private let base: any ByteSource
        /// igzip's state is large (its tables and history): on the heap, once per file.
        private let state: UnsafeMutablePointer<inflate_state>
        private let input: UnsafeMutableRawBufferPointer
        private var compressedOffset: Int64 = 0
        private var baseExhausted = false
        private var memberEnded = false
        private var finished = false
        private var produced: Int64 = 0
        /// Where the current member began, and whether its flags byte was checked (igzip skips
        /// the reserved flag bits that zlib refuses; recon refuses them as zlib does).
        private var memberStart: Int64 = 0
        private var flagsChecked = false

        public init(base: any ByteSource) throws(IngestError) {
            self.base = base
            input = .allocate(byteCount: IngestLimits.readChunkBytes, alignment: 1)
            state = .allocate(capacity: 1)
            isal_inflate_init(state)
            state.pointee.crc_flag = UInt32(ISAL_GZIP)
        }

        deinit {
            state.deallocate()
            input.deallocate()
        }

        private func refill() throws(IngestError) {
            let n = try base.read(into: input)
            if n == 0 {
                baseExhausted = true
            } else {
                state.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
                state.pointee.avail_in = UInt32(n)
            }
        }

        public func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
            guard !finished, buffer.count > 0 else { return 0 }
            let s = state
            s.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            s.pointee.avail_out = UInt32(min(buffer.count, Int(UInt32.max)))
            while s.pointee.avail_out > 0 {
                if memberEnded {
                    guard try startNextMember() else { break }
                }
                if s.pointee.avail_in == 0 && !baseExhausted { try refill() }
                let inBefore = s.pointee.avail_in
                let outBefore = s.pointee.avail_out
                try checkFlags()
                let status = isal_inflate(s)
                compressedOffset += Int64(inBefore - s.pointee.avail_in)
                if status < 0 {
                    throw IngestError(
                        .corruptGzip,
                        "gzip data is corrupt near compressed byte \(compressedOffset): \(Self.describe(status))",
                        file: name, byte: compressedOffset)
                }
                if s.pointee.block_state == ISAL_BLOCK_FINISH {
                    memberEnded = true
                } else if s.pointee.avail_in == 0 && baseExhausted && s.pointee.avail_out == outBefore {
                    // no input left, none coming, and nothing produced: the member is cut off
                    throw IngestError(
                        .truncatedGzip,
                        "gzip stream is truncated: it ends at compressed byte \(compressedOffset) "
                            + "before the end of its member (was the download cut short?)",
                        file: name, byte: compressedOffset)
                }
            }
            let n = buffer.count - Int(s.pointee.avail_out)
            produced += Int64(n)
            if let error = IngestLimits.expansion(produced, from: compressedOffset, file: name) { throw error }
            return n
        }

        /// The member's flags byte (its fourth), when it is among the bytes igzip is about to
        /// read: reserved bits set are damage.
        private func checkFlags() throws(IngestError) {
            let at = memberStart + 3
            guard !flagsChecked, at >= compressedOffset, at < compressedOffset + Int64(state.pointee.avail_in) else {
                return
            }
            flagsChecked = true
            if state.pointee.next_in[Int(at - compressedOffset)] & 0xE0 != 0 {
                throw IngestError(
                    .corruptGzip, "gzip data is corrupt near compressed byte \(at): unknown header flags set",
                    file: name, byte: at)
            }
        }

        /// zlib's words for the same failures.
        static func describe(_ status: Int32) -> String {
            switch status {
            case ISAL_INVALID_BLOCK: "invalid block"
            case ISAL_INVALID_SYMBOL: "invalid code"
            case ISAL_INVALID_LOOKBACK: "invalid distance too far back"
            case ISAL_INVALID_WRAPPER: "incorrect header check"
            case ISAL_UNSUPPORTED_METHOD: "unknown compression method"
            case ISAL_INCORRECT_CHECKSUM: "incorrect data check"
            default: "code \(status)"
            }
        }

        /// After a member's end: another member follows (reset), only zero padding follows
        /// (done, as gzip(1) does), or garbage follows (an error).
        private func startNextMember() throws(IngestError) -> Bool {
            let s = state
            while s.pointee.avail_in == 0 && !baseExhausted { try refill() }
            if s.pointee.avail_in == 0 {
                finished = true
                return false
            }
            if s.pointee.next_in[0] == 0x1F {
                // keep the unread input across the reset
                let (next, available) = (s.pointee.next_in, s.pointee.avail_in)
                isal_inflate_reset(s)
                s.pointee.crc_flag = UInt32(ISAL_GZIP)
                (s.pointee.next_in, s.pointee.avail_in) = (next, available)
                memberEnded = false
                (memberStart, flagsChecked) = (compressedOffset, false)
                return true
            }
            while true {
                for i in 0..<Int(s.pointee.avail_in) where s.pointee.next_in[i] != 0 {
                    throw IngestError(
                        .corruptGzip,
                        "unexpected bytes after the end of the gzip data at compressed byte "
                            + "\(compressedOffset + Int64(i))",
                        file: name, byte: compressedOffset + Int64(i))
                }
                compressedOffset += Int64(s.pointee.avail_in)
                s.pointee.avail_in = 0
                try refill()
                if baseExhausted { break }
            }
            finished = true
            return false
        }
    }
#endif
