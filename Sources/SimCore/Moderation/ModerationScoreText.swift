/// A score's text: the same bytes as `Float.description` (the shortest decimal that reads back as
/// the same `Float`, the nearest such if several), written straight into a buffer.
///
/// Scores lie in [0, 1), where this is exact integer arithmetic: with `f = m·2^e` the values that
/// read back as `f` are those strictly between `(4m ∓ 2)·2^(e-2)` (`4m - 1` below a power of two),
/// and a decimal `D·10^-P` lies there when `D·2^(2-e)` lies between `(4m ∓ 2)·10^P` — products
/// that fit 128 bits (taken as two 64-bit halves) for every P needed down to 2^-24. The first
/// (smallest) P with such a D gives the fewest digits. Other values (negative, >= 1, below 2^-24,
/// not finite) go through `Float.description`. Checked against `Float.description` for every Float in [2^-24, 1) once,
/// and for random ones by a test.
enum ModerationScoreText {
    /// Room `write` needs at `p` (`Float.description` of any Float is shorter; the fast path may
    /// also write '0's past the text's end, within these bytes).
    static let maxBytes = 16

    /// 10^0 … 10^19, written out so that the table is static data (a computed table is a lazy
    /// global: a `swift_once` call on every read).
    private static let powersOf10: [UInt64] = [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000,
        100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000,
        10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000, 10_000_000_000_000_000_000,
    ]

    /// "00" … "99": two digits per division by 100.
    private static let digitPairs: StaticString = """
        00010203040506070809101112131415161718192021222324252627282930313233343536373839\
        40414243444546474849505152535455565758596061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899
        """

    /// Writes `f`'s text at `p` (room for `maxBytes`); returns the byte count.
    static func write(_ f: Float, to p: UnsafeMutablePointer<UInt8>) -> Int {
        guard f >= 0x1p-24 && f < 1 else {
            if f == 0 && f.sign == .plus {
                p[0] = UInt8(ascii: "0"); p[1] = UInt8(ascii: "."); p[2] = UInt8(ascii: "0")
                return 3
            }
            var s = f.description
            return s.withUTF8 { b in
                p.update(from: b.baseAddress!, count: b.count)
                return b.count
            }
        }
        let binaryExponent = Int(f.exponentBitPattern) &- 127 // f in [2^x, 2^(x+1)), -24 <= x < 0
        let shift = 25 &- binaryExponent // f = 4m / 2^shift, 26 <= shift <= 49
        let v = UInt64(f.significandBitPattern | 0x80_0000) &<< 2
        let lower = f.significandBitPattern == 0 ? v &- 1 : v &- 2
        let upper = v &+ 2
        /// `(a·b) >> shift`, the product taken to 128 bits (every quotient here fits 64: it is a
        /// digit string of at most 10 digits).
        @inline(__always) func productShifted(_ a: UInt64, _ b: UInt64) -> (quotient: UInt64, remainder: UInt64) {
            let (high, low) = a.multipliedFullWidth(by: b)
            return ((high &<< (64 &- shift)) | (low &>> shift), low & ((1 &<< shift) &- 1))
        }
        // A P giving at least 9 digits (always enough for a Float): one digit needs at most
        // ceil(-x·log10 2) (77/256 < log10 2 < 78/256).
        var exponent = (-binaryExponent &* 78) &>> 8 &+ 9
        let top = powersOf10[exponent]
        // The D at this P: lower·10^P < D·2^shift < upper·10^P (no bound is a multiple of 2^shift).
        var lo = productShifted(lower, top).quotient &+ 1
        var hi = productShifted(upper, top).quotient
        // Fewer digits while some D·10 fits: D' in [ceil(lo / 10), hi / 10].
        while true {
            let lo10 = (lo &+ 9) / 10, hi10 = hi / 10
            guard lo10 <= hi10 else { break }
            lo = lo10; hi = hi10; exponent &-= 1
        }
        // The candidate nearest f: v·10^P / 2^shift rounded, a tie (f = 2^-12 is 0.000244140625
        // exactly) to the even digit, as `Float.description` does.
        let (quotient, remainder) = productShifted(v, powersOf10[exponent])
        let half: UInt64 = 1 &<< (shift &- 1)
        let nearest = quotient &+ (remainder > half || (remainder == half && quotient & 1 == 1) ? 1 : 0)
        let digits = min(max(nearest, lo), hi)
        // Digit count (at most 9): about log10 of the bit length, then one comparison.
        let bits = UInt64.bitWidth - digits.leadingZeroBitCount
        let t = (bits &* 1233) >> 12
        let count = t + (digits >= powersOf10[t] ? 1 : 0)
        // The digits, written last to first where they belong, two per step.
        @inline(__always) func putDigits(_ d: UInt64, _ n: Int, at out: UnsafeMutablePointer<UInt8>) {
            let pairs = digitPairs.utf8Start
            var d = d, i = n
            while i >= 2 {
                let q = d / 100
                let r = Int(truncatingIfNeeded: d &- q &* 100) &* 2
                out[i &- 2] = pairs[r]
                out[i &- 1] = pairs[r &+ 1]
                d = q
                i &-= 2
            }
            if i == 1 { out[0] = UInt8(truncatingIfNeeded: d) &+ 48 }
        }
        // The decimal exponent of the first digit.
        let e10 = count - 1 - exponent
        if e10 >= -4 {
            // 0.000ddd: up to three zeros (written all three; the digits overwrite the rest).
            p[0] = UInt8(ascii: "0"); p[1] = UInt8(ascii: ".")
            p[2] = UInt8(ascii: "0"); p[3] = UInt8(ascii: "0"); p[4] = UInt8(ascii: "0")
            let zeros = -e10 - 1
            putDigits(digits, count, at: p + 2 + zeros)
            return 2 + zeros + count
        }
        // d.ddde-XX (exponents here are -5 … -8): the digits one byte on, then the first moved
        // in front of the point.
        putDigits(digits, count, at: p + 1)
        p[0] = p[1]
        var o = 1
        if count > 1 {
            p[1] = UInt8(ascii: ".")
            o = 1 + count
        }
        p[o] = UInt8(ascii: "e"); p[o + 1] = UInt8(ascii: "-")
        p[o + 2] = UInt8(truncatingIfNeeded: -e10 / 10) &+ 48
        p[o + 3] = UInt8(truncatingIfNeeded: -e10 % 10) &+ 48
        return o + 4
    }
}
