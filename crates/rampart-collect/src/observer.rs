//! Watching a collection as it goes, for a progress display: the parts to read (each region,
//! and each account-wide part: IAM, S3, ...), the parts done, every request sent and every
//! call that failed. A collection without an observer pays one `Option` test per event.

use std::fmt;
use std::sync::Arc;

/// Told what a collection does as it goes. Methods are called from the collection's tasks,
/// at once and from many threads: they must be cheap and must not block. Every method does
/// nothing unless implemented.
pub trait Observer: Send + Sync {
    /// The account being read was identified.
    fn account(&self, _id: &str, _caller_arn: &str) {}
    /// `total` parts are to be read: the regions, and the account-wide parts selected.
    fn parts(&self, _total: usize) {}
    /// A part was read: a region's name, or an account-wide part (`iam`, `s3`, ...).
    fn part_done(&self, _name: &str) {}
    /// A request was sent to AWS (each attempt of a retried call counts).
    fn request(&self) {}
    /// A call failed for good: its gap is in the inventory.
    fn error(&self) {}
}

/// A collection's observer, shared by its tasks.
pub type Progress = Arc<dyn Observer>;

/// An observer, or none: what the ledger and its call counters hold.
#[derive(Clone, Default)]
pub(crate) struct Watch(pub(crate) Option<Progress>);

impl Watch {
    /// Tell the observer, if there is one.
    pub(crate) fn tell(&self, event: impl FnOnce(&dyn Observer)) {
        if let Some(o) = &self.0 {
            event(o.as_ref())
        }
    }
}

impl fmt::Debug for Watch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Watch(observed)"
        } else {
            "Watch(none)"
        })
    }
}
