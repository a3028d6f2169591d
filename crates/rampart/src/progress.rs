//! The progress line of `scan` and `collect` while an account is read: regions and
//! account-wide parts done out of the total, API requests sent, errors so far, elapsed
//! time; for many accounts (`--organization`, `--accounts-file`), accounts done out of the
//! total, with the requests and errors of all of them. Drawn on standard error when it is a
//! terminal, never otherwise; without colour under `NO_COLOR` (or `--color never`). Cleared
//! when the reading ends.

use crate::cli::ColorChoice;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressFinish, ProgressStyle};
use rampart_collect::Observer;
use rampart_output::terminal_safe;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A progress line fed by the collector ([`Observer`]).
pub(crate) struct Bar {
    bar: ProgressBar,
    requests: AtomicU64,
    errors: AtomicU64,
}

impl Bar {
    /// A progress line on standard error when it is a terminal (else none), coloured as
    /// `color` says for a terminal.
    pub(crate) fn on_stderr(color: ColorChoice) -> Option<Arc<Bar>> {
        Bar::counting(color, "regions and services")
    }

    /// A progress line of accounts done out of `total` (many accounts), on standard error
    /// when it is a terminal.
    pub(crate) fn accounts(color: ColorChoice, total: usize) -> Option<Arc<Bar>> {
        let bar = Bar::counting(color, "accounts")?;
        bar.bar.set_length(total as u64);
        Some(bar)
    }

    fn counting(color: ColorChoice, unit: &str) -> Option<Arc<Bar>> {
        if !std::io::stderr().is_terminal() {
            return None;
        }
        let template = if color.enabled(true) {
            format!("{{spinner:.cyan}} [{{bar:24.cyan/blue}}] {{pos}}/{{len}} {unit} · {{msg}} · {{elapsed}}")
        } else {
            format!("{{spinner}} [{{bar:24}}] {{pos}}/{{len}} {unit} · {{msg}} · {{elapsed}}")
        };
        let style = ProgressStyle::with_template(&template)
            .expect("a valid template")
            .progress_chars("=> ");
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr())
            .with_style(style)
            .with_finish(ProgressFinish::AndClear)
            .with_message("0 API calls, 0 errors");
        bar.enable_steady_tick(Duration::from_millis(120));
        Some(Arc::new(Bar {
            bar,
            requests: AtomicU64::new(0),
            errors: AtomicU64::new(0),
        }))
    }

    /// Erase the line: the reading is over.
    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }

    /// Print a line above the progress line (one account's outcome).
    pub(crate) fn println(&self, line: String) {
        self.bar.println(line);
    }

    /// One more account done.
    pub(crate) fn account_done(&self) {
        self.bar.inc(1);
    }

    /// What one account's collection reports to this line: its requests and errors only
    /// (its regions are not this line's unit, and the run names each account itself).
    pub(crate) fn for_account(self: &Arc<Self>) -> Arc<dyn Observer> {
        Arc::new(AccountShare(Arc::clone(self)))
    }

    fn update_message(&self) {
        self.bar.set_message(format!(
            "{} API calls, {} errors",
            self.requests.load(Ordering::Relaxed),
            self.errors.load(Ordering::Relaxed)
        ));
    }
}

/// One account's share of a many-account progress line.
struct AccountShare(Arc<Bar>);

impl Observer for AccountShare {
    fn request(&self) {
        self.0.request();
    }

    fn error(&self) {
        self.0.error();
    }
}

impl Observer for Bar {
    fn account(&self, id: &str, caller_arn: &str) {
        self.bar.println(format!(
            "rampart: account {} ({})",
            terminal_safe(id),
            terminal_safe(caller_arn)
        ));
    }

    fn parts(&self, total: usize) {
        self.bar.set_length(total as u64);
    }

    fn part_done(&self, _name: &str) {
        self.bar.inc(1);
    }

    fn request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.update_message();
    }

    fn error(&self) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        self.update_message();
    }
}
