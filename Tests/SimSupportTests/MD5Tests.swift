import Testing
import SimSupport

@Suite struct MD5Tests {
    static let rfc1321Vectors: [(String, String)] = [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("a", "0cc175b9c0f1b6a831c399e269772661"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
        ("12345678901234567890123456789012345678901234567890123456789012345678901234567890",
         "57edf4a22be3c955ac49da2e2107b67a"),
    ]

    private static func hex(_ bytes: [UInt8]) -> String {
        var md5 = MD5()
        md5.update(bytes)
        return md5.finalizeHex()
    }

    @Test func matchesEveryRFC1321TestVector() {
        for (input, expected) in Self.rfc1321Vectors {
            #expect(Self.hex(Array(input.utf8)) == expected, "MD5(\"\(input)\")")
        }
    }

    @Test func paddingBoundaryLengthsMatchKnownDigests() {
        // 55, 56, 63, 64 and 65 bytes straddle the one- and two-block padding cases.
        #expect(Self.hex([UInt8](repeating: 0x61, count: 55)) == "ef1772b6dff9a122358552954ad0df65")
        #expect(Self.hex([UInt8](repeating: 0x61, count: 56)) == "3b0c8ac703f828b04c6c197006d17218")
        #expect(Self.hex([UInt8](repeating: 0x61, count: 63)) == "b06521f39153d618550606be297466d5")
        #expect(Self.hex([UInt8](repeating: 0x61, count: 64)) == "014842d480b571495a4a0363793f7367")
        #expect(Self.hex([UInt8](repeating: 0x61, count: 65)) == "c743a45e0d2e6a95cb859adae0248435")
    }

    @Test func updatingInUnevenChunksEqualsOneShot() {
        var state: UInt32 = 12345
        let data: [UInt8] = (0..<10_000).map { _ in
            state = state &* 1_103_515_245 &+ 12345
            return UInt8(truncatingIfNeeded: state >> 16)
        }
        let oneShot = Self.hex(data)
        for chunk in [1, 3, 63, 64, 65, 127, 1000, 4096] {
            var md5 = MD5()
            var i = 0
            while i < data.count {
                let end = min(i + chunk, data.count)
                data[i..<end].withUnsafeBytes { md5.update($0) }
                i = end
            }
            #expect(md5.finalizeHex() == oneShot, "chunk size \(chunk)")
        }
    }

    @Test func finalizingDoesNotConsumeTheDigest() {
        var md5 = MD5()
        md5.update(Array("ab".utf8))
        _ = md5.finalizeHex()
        md5.update(Array("c".utf8))
        #expect(md5.finalizeHex() == "900150983cd24fb0d6963f7d28e17f72")
        #expect(md5.finalizeHex() == "900150983cd24fb0d6963f7d28e17f72")
    }
}
