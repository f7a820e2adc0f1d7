//! Civil-calendar arithmetic for retention periods, in UTC.
//!
//! Owns: [`Period`] (a count of days or calendar months), adding a period to
//! a Unix time, and the `YYYY-MM-DD` rendering used in explanations.
//!
//! Invariant: every function here is total on the accepted range
//! ([`MIN_TIME`]..=[`MAX_TIME`] for times, at most [`MAX_PERIOD_DAYS`] days or
//! [`MAX_PERIOD_MONTHS`] months for periods); no arithmetic can overflow.

use std::fmt;

/// Seconds since 1970-01-01T00:00:00Z.
pub type Timestamp = i64;

/// The earliest time evaluation accepts: 1970-01-01T00:00:00Z.
pub const MIN_TIME: Timestamp = 0;
/// The latest time evaluation accepts: 9999-12-31T23:59:59Z.
pub const MAX_TIME: Timestamp = 253_402_300_799;
/// The longest period a policy may state in days (100 years).
pub const MAX_PERIOD_DAYS: u32 = 36_525;
/// The longest period a policy may state in months (100 years).
pub const MAX_PERIOD_MONTHS: u32 = 1_200;

const DAY: i64 = 86_400;

/// A retention period: whole days, or whole calendar months.
///
/// Months are calendar months in UTC: adding one month to 31 January gives
/// the last day of February, and a year is twelve months. Written in a
/// policy as `"30d"`, `"2w"` (14 days), `"6m"` or `"3y"` (36 months).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    /// Exactly this many days of 86,400 seconds.
    Days(u32),
    /// This many calendar months.
    Months(u32),
}

impl Period {
    /// Parse `"<n>d"`, `"<n>w"`, `"<n>m"` or `"<n>y"`. Periods longer than
    /// 100 years are refused as absurd.
    pub fn parse(s: &str) -> Result<Period, String> {
        let unit = s.chars().last().ok_or("an empty period")?;
        let digits = &s[..s.len() - unit.len_utf8()];
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "{s:?} is not a period: write a whole number and a unit, like \"30d\", \"6m\" or \"3y\""
            ));
        }
        let n: u64 = digits
            .parse()
            .map_err(|_| format!("{s:?}: the number is too large"))?;
        let too_long = || format!("{s:?} is longer than 100 years");
        let p = match unit {
            'd' => Period::Days(u32::try_from(n).map_err(|_| too_long())?),
            'w' => Period::Days(u32::try_from(n.saturating_mul(7)).map_err(|_| too_long())?),
            'm' => Period::Months(u32::try_from(n).map_err(|_| too_long())?),
            'y' => Period::Months(u32::try_from(n.saturating_mul(12)).map_err(|_| too_long())?),
            _ => return Err(format!("{s:?}: unknown unit {unit:?} (use d, w, m or y)")),
        };
        match p {
            Period::Days(d) if d > MAX_PERIOD_DAYS => Err(too_long()),
            Period::Months(m) if m > MAX_PERIOD_MONTHS => Err(too_long()),
            p => Ok(p),
        }
    }

    /// Whether the period is zero days or zero months.
    pub fn is_zero(self) -> bool {
        matches!(self, Period::Days(0) | Period::Months(0))
    }

    /// `t` plus this period. `t` must be within [`MIN_TIME`]..=[`MAX_TIME`];
    /// the result may be later than `MAX_TIME` (up to 100 years), never
    /// overflows.
    pub fn after(self, t: Timestamp) -> Timestamp {
        match self {
            Period::Days(d) => t + i64::from(d) * DAY,
            Period::Months(m) => {
                let (y, mo, d) = civil_from_days(t.div_euclid(DAY));
                let total = i64::from(mo) - 1 + i64::from(m);
                let y = y + total.div_euclid(12);
                let mo = (total.rem_euclid(12) + 1) as u32;
                let d = d.min(days_in_month(y, mo));
                days_from_civil(y, mo, d) * DAY + t.rem_euclid(DAY)
            }
        }
    }

    /// The fewest and the most days this period can span, over every
    /// starting day. Exact: months are tried from every day that can make a
    /// difference in a whole 400-year Gregorian cycle (about half a
    /// millisecond; [`DayRanges`] remembers results).
    pub(crate) fn day_range(self) -> (i64, i64) {
        match self {
            Period::Days(d) => (i64::from(d), i64::from(d)),
            Period::Months(m) => {
                let (mut lo, mut hi) = (i64::MAX, i64::MIN);
                for y in 2000..2400 {
                    for mo in 1..=12 {
                        // Lengths differ only by the months crossed and by
                        // clamping at a month's end.
                        for d in [1, 29, 30, 31] {
                            if d > days_in_month(y, mo) {
                                continue;
                            }
                            let start = days_from_civil(y, mo, d) * DAY;
                            let len = (Period::Months(m).after(start) - start) / DAY;
                            lo = lo.min(len);
                            hi = hi.max(len);
                        }
                    }
                }
                (lo, hi)
            }
        }
    }
}

/// A time whose calendar date is worked out once, on the first month
/// added, however many periods are added to it: [`Period::after`] for
/// evaluation's hot path, with unsigned arithmetic valid for times in
/// [`MIN_TIME`]..=[`MAX_TIME`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Civil {
    t: Timestamp,
    /// (year, month, day, second of the day), once needed.
    split: Option<(u32, u32, u32, i64)>,
}

impl Civil {
    pub(crate) fn of(t: Timestamp) -> Civil {
        debug_assert!((MIN_TIME..=MAX_TIME).contains(&t));
        Civil { t, split: None }
    }

    /// This time plus `p`.
    pub(crate) fn add(&mut self, p: Period) -> Timestamp {
        match p {
            Period::Days(d) => self.t + i64::from(d) * DAY,
            Period::Months(n) => {
                let t = self.t;
                let (y, m, d, secs) = *self.split.get_or_insert_with(|| {
                    let (y, m, d) = fast_civil((t / DAY) as u32);
                    (y, m, d, t % DAY)
                });
                // Months since 1970-01 of the target month: its first day
                // and length from the table while it reaches.
                let i = ((y - 1970) * 12 + m - 1 + n) as usize;
                if let (Some(&first), Some(&next)) = (MONTH_STARTS.get(i), MONTH_STARTS.get(i + 1))
                {
                    return i64::from(first + d.min(next - first) - 1) * DAY + secs;
                }
                let total = m - 1 + n;
                let y = y + total / 12;
                let m = total % 12 + 1;
                let d = d.min(days_in_month(i64::from(y), m));
                i64::from(fast_days(y, m, d)) * DAY + secs
            }
        }
    }
}

/// Remembered [`Period::day_range`] results, for one policy load.
#[derive(Debug, Default)]
pub(crate) struct DayRanges(std::collections::HashMap<Period, (i64, i64)>);

impl DayRanges {
    pub(crate) fn get(&mut self, p: Period) -> (i64, i64) {
        *self.0.entry(p).or_insert_with(|| p.day_range())
    }

    /// Whether `short` can end before `long` when both start together.
    pub(crate) fn can_be_shorter(&mut self, short: Period, long: Period) -> bool {
        match (short, long) {
            (Period::Days(a), Period::Days(b)) | (Period::Months(a), Period::Months(b)) => a < b,
            _ => self.get(short).0 < self.get(long).1,
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Period::Days(d) if d % 7 == 0 && d != 0 => write!(f, "{} weeks", d / 7),
            Period::Days(1) => f.write_str("1 day"),
            Period::Days(d) => write!(f, "{d} days"),
            Period::Months(m) if m % 12 == 0 && m != 0 => match m / 12 {
                1 => f.write_str("1 year"),
                y => write!(f, "{y} years"),
            },
            Period::Months(1) => f.write_str("1 month"),
            Period::Months(m) => write!(f, "{m} months"),
        }
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's algorithms ("chrono-Compatible Low-Level Date
// Algorithms"), proleptic Gregorian calendar.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

// Neri and Schneider, "Euclidean affine functions and their application to
// calendar algorithms" (Software: Practice and Experience, 2023): the same
// calendar in unsigned arithmetic, valid for every day from 1970 on, well
// past the year 10099 evaluation can reach.
const NS_SHIFT: u32 = 82;
const NS_K: u32 = 719_468 + 146_097 * NS_SHIFT;
const NS_L: u32 = 400 * NS_SHIFT;

fn fast_civil(days: u32) -> (u32, u32, u32) {
    let n = days + NS_K;
    let n1 = 4 * n + 3;
    let c = n1 / 146_097;
    let nc = n1 % 146_097 / 4;
    let n2 = 4 * nc + 3;
    let p2 = 2_939_745u64 * u64::from(n2);
    let z = (p2 >> 32) as u32;
    let ny = (p2 as u32) / 2_939_745 / 4;
    let y = 100 * c + z;
    let n3 = 2141 * ny + 197_913;
    let m = n3 >> 16;
    let d = (n3 & 0xffff) / 2141;
    let j = ny >= 306;
    (y - NS_L + u32::from(j), if j { m - 12 } else { m }, d + 1)
}

/// Months in [`MONTH_STARTS`]: 1970-01 to 2299-12, and one more for the
/// last one's length.
const TABLE_MONTHS: usize = 330 * 12 + 1;

/// Day number (since 1970-01-01) of the first day of each month from
/// 1970-01 on: month additions in evaluation are a lookup.
static MONTH_STARTS: [u32; TABLE_MONTHS] = month_starts();

const fn month_starts() -> [u32; TABLE_MONTHS] {
    let mut out = [0u32; TABLE_MONTHS];
    let mut i = 0;
    while i < TABLE_MONTHS {
        out[i] = fast_days(1970 + (i / 12) as u32, (i % 12) as u32 + 1, 1);
        i += 1;
    }
    out
}

const fn fast_days(y: u32, m: u32, d: u32) -> u32 {
    let j = m <= 2;
    let y1 = y + NS_L - j as u32;
    let m1 = if j { m + 12 } else { m };
    let c = y1 / 100;
    let ys = 1461 * y1 / 4 - c + c / 4;
    let ms = (979 * m1 - 2919) / 32;
    ys + ms + d - 1 - NS_K
}

/// `t` as `YYYY-MM-DD` (UTC).
pub(crate) fn date(t: Timestamp) -> String {
    let (y, m, d) = civil_from_days(t.div_euclid(DAY));
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_and_known_days() {
        // 2000-03-01 is day 11,017 since the epoch; 1970-01-01 is day 0.
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        for z in (-800_000..800_000).step_by(37) {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }

    #[test]
    fn the_fast_calendar_agrees_with_the_reference() {
        let last = (Period::Months(MAX_PERIOD_MONTHS).after(MAX_TIME) / DAY) as u32;
        for z in (0..=last).step_by(7).chain(last - 800..=last) {
            let (y, m, d) = civil_from_days(i64::from(z));
            let (fy, fm, fd) = fast_civil(z);
            assert_eq!((i64::from(fy), fm, fd), (y, m, d), "day {z}");
            assert_eq!(fast_days(fy, fm, fd), z);
        }
        for t in [0, 1, 86_399, 1_767_225_599, MAX_TIME - 1, MAX_TIME] {
            for p in [
                Period::Months(1),
                Period::Months(13),
                Period::Months(1200),
                Period::Days(3),
            ] {
                assert_eq!(Civil::of(t).add(p), p.after(t), "{t} + {p}");
            }
        }
    }

    #[test]
    fn month_additions_agree_with_the_calendar_inside_and_past_the_table() {
        let mut t = 0;
        while t <= MAX_TIME {
            let mut c = Civil::of(t);
            for n in [0, 1, 2, 11, 12, 13, 25, 59, 600, 1199, 1200] {
                let p = Period::Months(n);
                assert_eq!(c.add(p), p.after(t), "{t} + {n} months");
            }
            // Every day of a few years, and sparse steps to the end.
            t += if t < 4 * 365 * DAY {
                DAY + 1
            } else {
                97 * DAY + 7
            };
        }
    }

    #[test]
    fn months_clamp_to_the_month_end() {
        let jan31 = days_from_civil(2025, 1, 31) * DAY + 3600;
        assert_eq!(date(Period::Months(1).after(jan31)), "2025-02-28");
        assert_eq!(date(Period::Months(13).after(jan31)), "2026-02-28");
        let leap = days_from_civil(2024, 1, 31) * DAY;
        assert_eq!(date(Period::Months(1).after(leap)), "2024-02-29");
        assert_eq!(date(Period::Months(36).after(leap)), "2027-01-31");
        assert_eq!(Period::Months(1).after(jan31) % DAY, 3600);
        assert_eq!(date(Period::Days(365).after(0)), "1971-01-01");
    }

    #[test]
    fn periods_parse_and_refuse_absurd_values() {
        assert_eq!(Period::parse("6m"), Ok(Period::Months(6)));
        assert_eq!(Period::parse("3y"), Ok(Period::Months(36)));
        assert_eq!(Period::parse("2w"), Ok(Period::Days(14)));
        assert_eq!(Period::parse("0d"), Ok(Period::Days(0)));
        for bad in [
            "",
            "d",
            "6",
            "-6m",
            "6 m",
            "1.5y",
            "6M",
            "101y",
            "36526d",
            "99999999999999999999d",
            "1x",
        ] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
        assert!(Period::parse("100y").is_ok());
    }

    #[test]
    fn day_ranges_are_exact() {
        assert_eq!(Period::Months(1).day_range(), (28, 31));
        assert_eq!(Period::Months(12).day_range(), (365, 366));
        assert_eq!(Period::Months(6).day_range(), (181, 184));
        assert_eq!(Period::Days(180).day_range(), (180, 180));
        let latest = Period::Months(MAX_PERIOD_MONTHS).after(MAX_TIME);
        assert!(latest > MAX_TIME);
    }
}
