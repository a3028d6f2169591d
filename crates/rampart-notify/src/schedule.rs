//! The schedule of `rampart watch`: a cycle now, then one at each `start + k·every`. A
//! cycle that overruns its slot skips the slots it missed instead of running them back to
//! back. The clock is injected, so tests run a day of cycles without sleeping.

use chrono::{DateTime, Utc};
use std::time::Duration;

/// The time, and waiting for a time.
pub trait Clock {
    /// Now.
    fn now(&self) -> DateTime<Utc>;
    /// Return at `t` (at once if `t` is past).
    fn sleep_until(&self, t: DateTime<Utc>);
}

/// The system clock; sleeping blocks the thread.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn sleep_until(&self, t: DateTime<Utc>) {
        if let Ok(wait) = (t - Utc::now()).to_std() {
            std::thread::sleep(wait);
        }
    }
}

/// The first slot after slot `last` that is not before `now`: slot `k` is at
/// `start + k·every`. Slots that `now` has passed are skipped.
pub fn next_slot(
    start: DateTime<Utc>,
    every: Duration,
    last: u64,
    now: DateTime<Utc>,
) -> (u64, DateTime<Utc>) {
    let every_ms = every.as_millis().max(1);
    let elapsed_ms = (now - start).num_milliseconds().max(0) as u128;
    // The smallest k with start + k·every >= now.
    let k = elapsed_ms.div_ceil(every_ms);
    let k = u64::try_from(k).unwrap_or(u64::MAX).max(last + 1);
    let offset = chrono::Duration::milliseconds(
        i64::try_from(every_ms.saturating_mul(u128::from(k))).unwrap_or(i64::MAX),
    );
    (k, start + offset)
}

/// What [`run_cycles`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScheduleLog {
    /// When each cycle started.
    pub started: Vec<DateTime<Utc>>,
    /// Cycles that failed.
    pub failed: usize,
}

/// Run `cycles` cycles (none: forever): the first now, each next at its slot. A failing
/// cycle is reported on stderr and the schedule goes on.
pub fn run_cycles(
    every: Duration,
    clock: &dyn Clock,
    cycles: Option<u64>,
    mut cycle: impl FnMut() -> anyhow::Result<()>,
) -> ScheduleLog {
    let start = clock.now();
    let mut log = ScheduleLog::default();
    let mut slot = 0;
    let mut done = 0u64;
    loop {
        log.started.push(clock.now());
        if let Err(e) = cycle() {
            log.failed += 1;
            eprintln!("rampart watch: this cycle failed, the next runs on schedule: {e:#}");
        }
        done += 1;
        if cycles.is_some_and(|n| done >= n) {
            return log;
        }
        let (k, at) = next_slot(start, every, slot, clock.now());
        slot = k;
        clock.sleep_until(at);
    }
}

/// `rampart watch`: with `once`, one cycle, whose error is returned (for cron: the exit code
/// says it failed); else cycles on schedule, forever ([`run_cycles`]).
pub fn run_schedule(
    every: Duration,
    clock: &dyn Clock,
    once: bool,
    mut cycle: impl FnMut() -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    if once {
        return cycle();
    }
    run_cycles(every, clock, None, cycle);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::{Cell, RefCell};

    /// A clock that moves only when told: sleeping jumps to the time asked for.
    struct FakeClock {
        now: Cell<DateTime<Utc>>,
        sleeps: RefCell<Vec<DateTime<Utc>>>,
    }

    impl FakeClock {
        fn at(t: &str) -> FakeClock {
            FakeClock {
                now: Cell::new(t.parse().unwrap()),
                sleeps: RefCell::new(Vec::new()),
            }
        }
        fn advance(&self, d: Duration) {
            self.now
                .set(self.now.get() + chrono::Duration::from_std(d).unwrap());
        }
    }

    impl Clock for FakeClock {
        fn now(&self) -> DateTime<Utc> {
            self.now.get()
        }
        fn sleep_until(&self, t: DateTime<Utc>) {
            self.sleeps.borrow_mut().push(t);
            if t > self.now.get() {
                self.now.set(t);
            }
        }
    }

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    const HOUR: Duration = Duration::from_secs(3600);

    // Issue 11: "`watch --every 1h` scans on a schedule": cycles start on the hour slots,
    // whatever each cycle took.
    #[test]
    fn cycles_start_at_start_plus_k_every() {
        let clock = FakeClock::at("2026-12-01T10:00:00Z");
        let log = run_cycles(HOUR, &clock, Some(4), || {
            clock.advance(Duration::from_secs(600));
            Ok(())
        });
        assert_eq!(
            log.started,
            [
                t("2026-12-01T10:00:00Z"),
                t("2026-12-01T11:00:00Z"),
                t("2026-12-01T12:00:00Z"),
                t("2026-12-01T13:00:00Z"),
            ]
        );
        assert_eq!(log.failed, 0);
    }

    // Issue 11: a cycle that overruns skips the slots it missed; the next starts at the next
    // slot, never in a burst.
    #[test]
    fn missed_slots_are_skipped_not_burst() {
        let clock = FakeClock::at("2026-12-01T10:00:00Z");
        let mut n = 0;
        let log = run_cycles(HOUR, &clock, Some(3), || {
            n += 1;
            // The first cycle takes 2½ hours.
            clock.advance(if n == 1 {
                Duration::from_secs(9000)
            } else {
                Duration::from_secs(60)
            });
            Ok(())
        });
        assert_eq!(
            log.started,
            [
                t("2026-12-01T10:00:00Z"),
                t("2026-12-01T13:00:00Z"),
                t("2026-12-01T14:00:00Z"),
            ]
        );
    }

    // Issue 11: a failing cycle is reported and the schedule goes on.
    #[test]
    fn a_failing_cycle_does_not_stop_the_schedule() {
        let clock = FakeClock::at("2026-12-01T10:00:00Z");
        let mut n = 0;
        let log = run_cycles(HOUR, &clock, Some(3), || {
            n += 1;
            if n == 2 {
                anyhow::bail!("moto is down")
            }
            Ok(())
        });
        assert_eq!(log.started.len(), 3);
        assert_eq!(log.failed, 1);
        assert_eq!(log.started[2], t("2026-12-01T12:00:00Z"));
    }

    // Issue 11: "`watch --once` runs one cycle": no sleep, and its error is the result.
    #[test]
    fn once_runs_one_cycle_and_returns_its_error() {
        let clock = FakeClock::at("2026-12-01T10:00:00Z");
        let mut n = 0;
        run_schedule(HOUR, &clock, true, || {
            n += 1;
            Ok(())
        })
        .unwrap();
        assert_eq!(n, 1);
        assert!(clock.sleeps.borrow().is_empty());
        let e = run_schedule(HOUR, &clock, true, || anyhow::bail!("no credentials")).unwrap_err();
        assert_eq!(e.to_string(), "no credentials");
    }

    #[test]
    fn next_slot_is_never_before_now_nor_a_repeat() {
        let start = t("2026-12-01T10:00:00Z");
        assert_eq!(
            next_slot(start, HOUR, 0, start),
            (1, t("2026-12-01T11:00:00Z")),
            "a cycle that took no time waits for the next slot"
        );
        assert_eq!(
            next_slot(start, HOUR, 0, t("2026-12-01T11:00:00Z")),
            (1, t("2026-12-01T11:00:00Z")),
            "exactly on a slot: that slot"
        );
        assert_eq!(
            next_slot(start, HOUR, 1, t("2026-12-01T11:00:01Z")),
            (2, t("2026-12-01T12:00:00Z"))
        );
        assert_eq!(
            next_slot(start, HOUR, 3, t("2026-12-01T11:30:00Z")),
            (4, t("2026-12-01T14:00:00Z")),
            "a clock set back does not repeat slots"
        );
    }
}
