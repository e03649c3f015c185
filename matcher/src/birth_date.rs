//! Birth-date evidence: exact, partial, swapped, off by one year, or in conflict.

use model::watchlist::PartialDate;
use serde::Serialize;

/// The best relation between the traveller's date and any listed date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BirthDateOutcome {
    /// Every listed date is 4 or more years away.
    Conflict,
    /// The closest listed date is 2–3 years away.
    NearConflict,
    /// Whole dates on both sides a year apart, on another day and month: the clerical slip a
    /// year off keeps the day and month, while two strangers born near the same year do not.
    OtherDayYearApart,
    /// Nothing to compare (no date on one side).
    Unknown,
    /// Year ±1 (list "circa" dates, clerical errors).
    YearOffByOne,
    /// Same year; day or month unknown on one side (or the traveller's `01-01` placeholder).
    SameYear,
    /// Same year and month; day unknown on one side.
    SameMonth,
    /// Day and month exchanged.
    DayMonthSwapped,
    /// Same full date.
    Exact,
}

/// Compares the traveller's date with each listed date and keeps the strongest relation.
pub fn compare_birth_dates(
    traveller: Option<&PartialDate>,
    listed: &[PartialDate],
) -> BirthDateOutcome {
    let Some(t) = traveller else {
        return BirthDateOutcome::Unknown;
    };
    if listed.is_empty() {
        return BirthDateOutcome::Unknown;
    }
    listed
        .iter()
        .map(|l| compare_one(t, l))
        .max()
        .unwrap_or(BirthDateOutcome::Unknown)
}

fn compare_one(t: &PartialDate, l: &PartialDate) -> BirthDateOutcome {
    use BirthDateOutcome::*;
    let year_gap = (i32::from(t.year) - i32::from(l.year)).abs();
    if year_gap == 0 {
        // `YYYY-01-01` is the common placeholder for an unknown day and month.
        let placeholder = t.month == Some(1) && t.day == Some(1);
        return match (t.month, t.day, l.month, l.day) {
            // Two `01-01` dates agree on the year only as far as anyone can tell: the day and
            // month are the placeholder on both sides far more often than a real birthday.
            (Some(tm), Some(td), Some(lm), Some(ld)) if tm == lm && td == ld && !placeholder => {
                Exact
            }
            _ if placeholder => SameYear,
            (Some(tm), Some(td), Some(lm), Some(ld)) if tm == ld && td == lm => DayMonthSwapped,
            (Some(tm), _, Some(lm), _) if tm == lm => SameMonth,
            (Some(_), _, Some(_), _) => YearOffByOne,
            _ => SameYear,
        };
    }
    match year_gap {
        1 => match (t.month, t.day, l.month, l.day) {
            (Some(tm), Some(td), Some(lm), Some(ld))
                if !(tm == lm && td == ld || tm == ld && td == lm) =>
            {
                OtherDayYearApart
            }
            _ => YearOffByOne,
        },
        2 | 3 => NearConflict,
        _ => Conflict,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use BirthDateOutcome::*;

    fn d(year: u16, month: Option<u8>, day: Option<u8>) -> PartialDate {
        PartialDate { year, month, day }
    }

    #[test]
    fn outcomes() {
        let listed = [d(1985, Some(3), Some(12))];
        assert_eq!(
            compare_birth_dates(Some(&d(1985, Some(3), Some(12))), &listed),
            Exact
        );
        assert_eq!(
            compare_birth_dates(Some(&d(1985, Some(12), Some(3))), &listed),
            DayMonthSwapped
        );
        assert_eq!(
            compare_birth_dates(Some(&d(1985, None, None)), &listed),
            SameYear
        );
        assert_eq!(
            compare_birth_dates(Some(&d(1985, Some(1), Some(1))), &listed),
            SameYear
        );
        assert_eq!(
            compare_birth_dates(Some(&d(1985, Some(3), None)), &listed),
            SameMonth
        );
        assert_eq!(
            compare_birth_dates(Some(&d(1986, Some(3), Some(12))), &listed),
            YearOffByOne
        );
        assert_eq!(
            compare_birth_dates(Some(&d(1988, Some(3), Some(12))), &listed),
            NearConflict
        );
        assert_eq!(
            compare_birth_dates(Some(&d(1995, Some(3), Some(12))), &listed),
            Conflict
        );
        assert_eq!(compare_birth_dates(None, &listed), Unknown);
        assert_eq!(
            compare_birth_dates(Some(&d(1985, None, None)), &[]),
            Unknown
        );
    }

    #[test]
    fn regression_whole_dates_a_year_and_a_season_apart_scored_as_a_clerical_slip() {
        // `Álvarez, Carlos` born 1972-08-30 against a listed `ALVARES, Carlos` born 1971-05-18
        // counted as a year off by one, the slip that keeps day and month, and was the dev
        // set's highest-scoring stranger.
        let listed = [d(1971, Some(5), Some(18))];
        assert_eq!(
            compare_birth_dates(Some(&d(1972, Some(8), Some(30))), &listed),
            OtherDayYearApart
        );
        assert_eq!(
            compare_birth_dates(Some(&d(1972, Some(5), Some(18))), &listed),
            YearOffByOne
        );
        assert_eq!(
            compare_birth_dates(
                Some(&d(1970, Some(12), Some(5))),
                &[d(1971, Some(5), Some(12))]
            ),
            YearOffByOne
        );
        // Only whole dates on both sides say that the day differs.
        assert_eq!(
            compare_birth_dates(Some(&d(1972, Some(8), Some(30))), &[d(1971, None, None)]),
            YearOffByOne
        );
        // Any listed date that is a better fit wins.
        assert_eq!(
            compare_birth_dates(
                Some(&d(1972, Some(8), Some(30))),
                &[listed[0], d(1973, Some(8), Some(30))]
            ),
            YearOffByOne
        );
    }

    #[test]
    fn two_placeholder_dates_agree_on_the_year_only() {
        let listed = [d(1975, Some(1), Some(1))];
        assert_eq!(
            compare_birth_dates(Some(&d(1975, Some(1), Some(1))), &listed),
            SameYear
        );
        // A real birthday on another day of January is still a whole date.
        let listed = [d(1975, Some(1), Some(2))];
        assert_eq!(
            compare_birth_dates(Some(&d(1975, Some(1), Some(2))), &listed),
            Exact
        );
    }

    #[test]
    fn the_best_of_several_listed_dates_counts() {
        let listed = [
            d(1960, None, None),
            d(1961, None, None),
            d(1962, None, None),
        ];
        assert_eq!(
            compare_birth_dates(Some(&d(1962, Some(5), Some(1))), &listed),
            SameYear
        );
    }
}
