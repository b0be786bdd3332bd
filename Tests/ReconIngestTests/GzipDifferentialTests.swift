#if RECON_ISAL
    import Foundation
    @testable import ReconIngest
    import ReconTestSupport
    import Testing

    /// ISA-L's igzip against zlib over the same inputs: valid members (stored, and compressed by
    /// gzip(1) at two levels), several members, zero padding, trailing garbage, every prefix of a
    /// member, every byte of a member flipped, a wrong CRC and a wrong length, and the real
    /// gzip fixtures. Each input ends in the same bytes or the same kind of error on both.
    @Suite struct GzipDifferentialTests {
        enum Outcome: Equatable, CustomStringConvertible {
            case bytes([UInt8])
            case failure(IngestError.Code)

            var description: String {
                switch self {
                case .bytes(let b): "\(b.count) bytes"
                case .failure(let code): "error \(code)"
                }
            }
        }

        static func outcome(isal: Bool, _ data: [UInt8], _ chunking: Chunking) -> Outcome {
            do {
                let base = ChunkedByteSource(data, chunking)
                let source: any ByteSource =
                    isal ? try IsalGzipByteSource(base: base) : try ZlibGzipByteSource(base: base)
                return .bytes(try readAll(source))
            } catch let error as IngestError {
                return .failure(error.code)
            } catch {
                return .failure(.io)
            }
        }

        /// `gzip -LEVEL` of `data`, through the gzip(1) of this machine.
        static func gzip(_ data: [UInt8], level: Int) throws -> [UInt8] {
            let dir = makeTemporaryDirectory()
            FileManager.default.createFile(atPath: dir + "/in", contents: Data(data))
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "gzip -\(level) -c '\(dir)/in' > '\(dir)/out.gz'"]
            try process.run()
            process.waitUntilExit()
            return Array(try #require(FileManager.default.contents(atPath: dir + "/out.gz")))
        }

        static func text(_ rows: Int, seed: UInt64) -> [UInt8] {
            var random = SeededRandom(seed: seed)
            var out = Array("settlement_id,reference,gross,currency\n".utf8)
            for k in 0..<rows {
                out += Array("s\(k),ORD-\(UInt32.random(in: 0...99_999, using: &random)),\(k % 977).\(k % 100),EUR\n".utf8)
            }
            return out
        }

        static func corpus() throws -> [(String, [UInt8])] {
            let small = text(40, seed: 1)
            let large = text(30_000, seed: 2)
            let compressedSmall = try gzip(small, level: 6)
            var inputs: [(String, [UInt8])] = [
                ("stored", GzipFixture.member(small)),
                ("gzip -1", try gzip(large, level: 1)),
                ("gzip -9", try gzip(large, level: 9)),
                ("empty member", try gzip([], level: 6)),
                ("three members", GzipFixture.member(small) + compressedSmall + (try gzip(large, level: 6))),
                ("zero padding", compressedSmall + [0, 0, 0, 0, 0]),
                ("trailing garbage", compressedSmall + Array("junk".utf8)),
                ("a second member cut", compressedSmall + Array(compressedSmall.prefix(15))),
            ]
            var crc = compressedSmall
            crc[crc.count - 6] ^= 0x01
            inputs.append(("wrong CRC", crc))
            var length = compressedSmall
            length[length.count - 2] ^= 0x01
            inputs.append(("wrong length", length))
            for cut in 0..<compressedSmall.count { inputs.append(("prefix \(cut)", Array(compressedSmall.prefix(cut)))) }
            for k in 0..<compressedSmall.count {
                var flipped = compressedSmall
                flipped[k] ^= 0xFF
                inputs.append(("byte \(k) flipped", flipped))
            }
            let fixtures = "../shared/fixtures/wechatpay/"
            for name in (try? FileManager.default.contentsOfDirectory(atPath: fixtures)) ?? [] where name.hasSuffix(".gz") {
                inputs.append((name, Array(try #require(FileManager.default.contents(atPath: fixtures + name)))))
            }
            return inputs
        }

        @Test func isalAndZlibAgreeOnEveryInput() throws {
            var compared = 0
            for (name, data) in try Self.corpus() {
                for chunking in [Chunking.whole, .random(seed: 3)] {
                    let zlib = Self.outcome(isal: false, data, chunking)
                    let isal = Self.outcome(isal: true, data, chunking)
                    #expect(zlib == isal, "\(name), \(chunking): zlib \(zlib), ISA-L \(isal)")
                    compared += 1
                }
            }
            #expect(compared > 1000)
        }
    }
#endif
