/// Proleptic Gregorian dates as day counts since 1970-01-01, UTC (H. Hinnant's algorithms), for
/// the places that need calendar dates without Foundation: certificate validity, model snapshot
/// dates, the month a spend limit counts.
enum CivilDate {
    /// Days since 1970-01-01 of a date.
    static func days(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date of a day count since 1970-01-01.
    static func date(days z0: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Midnight UTC of the first day of the month holding `unix` (seconds).
    static func monthStart(_ unix: Int64) -> Int64 {
        let day = unix >= 0 ? unix / 86_400 : (unix - 86_399) / 86_400
        let (y, m, _) = date(days: day)
        return days(y, m, 1) * 86_400
    }
}
