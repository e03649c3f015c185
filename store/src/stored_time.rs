//! Timestamps as the store keeps them: UTC, to the microsecond.
//!
//! PostgreSQL `timestamptz` holds microseconds; SQLite keeps the same value as integer microseconds since the
//! Unix epoch (integers compare and range-scan correctly, text timestamps of varying precision do not). Truncating
//! on the way in makes both backends return exactly what the other would.

use time::{OffsetDateTime, UtcOffset};

use crate::error::StoreError;

/// `at` in UTC, truncated (towards the past) to whole microseconds.
pub(crate) fn to_storage_precision(at: OffsetDateTime) -> Result<OffsetDateTime, StoreError> {
    from_unix_micros(unix_micros(at)?)
}

/// Microseconds since the Unix epoch, floored.
pub(crate) fn unix_micros(at: OffsetDateTime) -> Result<i64, StoreError> {
    i64::try_from(at.unix_timestamp_nanos().div_euclid(1_000)).map_err(|_| {
        StoreError::InvalidInput {
            field: "timestamp",
            problem: "outside the range the store can hold".into(),
        }
    })
}

pub(crate) fn from_unix_micros(micros: i64) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000)
        .map(|at| at.to_offset(UtcOffset::UTC))
        .map_err(|_| StoreError::InvalidInput {
            field: "timestamp",
            problem: "outside the range the store can hold".into(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn truncates_to_microseconds_in_utc() {
        let at = datetime!(2026-03-01 10:00:00.123456789 +02:00);
        let stored = to_storage_precision(at).unwrap();
        assert_eq!(stored, datetime!(2026-03-01 08:00:00.123456 UTC));
        assert_eq!(stored.offset(), UtcOffset::UTC);
    }

    #[test]
    fn times_before_the_epoch_floor_instead_of_rounding_towards_zero() {
        let at = datetime!(1969-12-31 23:59:59.999999999 UTC);
        assert_eq!(unix_micros(at).unwrap(), -1);
        assert_eq!(
            to_storage_precision(at).unwrap(),
            datetime!(1969-12-31 23:59:59.999999 UTC)
        );
    }

    #[test]
    fn micros_round_trip() {
        let at = datetime!(2031-12-24 23:59:59.000001 UTC);
        assert_eq!(from_unix_micros(unix_micros(at).unwrap()).unwrap(), at);
    }
}
