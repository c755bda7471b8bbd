import Testing
@testable import SimCore

/// Calendar arithmetic without Foundation: day counts both ways and the month a Unix time is in.
@Suite struct CivilDateTests {
    @Test(arguments: [(Int64(1970), Int64(1), Int64(1), Int64(0)), (2000, 2, 29, 11_016), (2026, 1, 1, 20_454), (1969, 12, 31, -1),
                      (2024, 12, 31, 20_088), (1600, 3, 1, -135_080)])
    func daysAndDatesRoundTrip(_ y: Int64, _ m: Int64, _ d: Int64, _ days: Int64) {
        #expect(CivilDate.days(y, m, d) == days)
        #expect(CivilDate.date(days: days) == (y, m, d))
    }

    @Test func everyDayOfFourCenturiesRoundTrips() {
        for day in Int64(-80_000)...Int64(80_000) {
            let (y, m, d) = CivilDate.date(days: day)
            #expect(CivilDate.days(y, m, d) == day)
            if CivilDate.days(y, m, d) != day { return }
        }
    }

    @Test func theMonthAUnixTimeIsIn() {
        let jan1 = Int64(1_767_225_600) // 2026-01-01T00:00:00Z
        #expect(CivilDate.monthStart(jan1) == jan1)
        #expect(CivilDate.monthStart(jan1 + 31 * 86_400 - 1) == jan1)
        #expect(CivilDate.monthStart(jan1 + 31 * 86_400) == jan1 + 31 * 86_400)
        #expect(CivilDate.monthStart(CivilDate.days(2024, 2, 29) * 86_400 + 3_600) == CivilDate.days(2024, 2, 1) * 86_400)
        #expect(CivilDate.monthStart(-1) == CivilDate.days(1969, 12, 1) * 86_400)
    }
}
