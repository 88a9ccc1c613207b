//! Computed results kept while what they were computed from is unchanged:
//! a district's counts, assessments and performance reviews.
//!
//! Reading a district's counts from the columnar files and building its
//! assessment costs tens of milliseconds of CPU, and every page view, API
//! call and report asks for one of a handful of the same results. So each
//! is kept, keyed by what it was asked for and by the version of what it
//! was computed from:
//!
//! * the **data version**: a counter this process bumps after each change
//!   it makes to the data directory (a police.uk or partnership import),
//!   with the file-system stamps of the manifest and partnerships
//!   ([`safer_store::DataVersion`]), so an import by another process (the
//!   command line while `safer serve` runs) is seen at the next request;
//! * for a review, also the **database version**: the id of the newest
//!   audit entry ([`safer_store::Database::audit_head`]). Every change to
//!   plans, values, actions and the fund writes its audit entry in the same
//!   transaction, so this moves with each of them, whichever process made
//!   it.
//!
//! The versions are read before the result is computed, so a change that
//! lands while it is computed leaves it under the older version, where no
//! later request looks. A result is never invalidated in place: a new
//! version is a new key, and old keys fall out of the bounded cache.
//!
//! Many requests for a key not yet held compute it once: the first
//! computes, the rest wait for its result (single flight). A failed
//! computation is not kept; a waiting request then computes again.
//!
//! What is kept is the same for every reader (tasks that read published
//! figures check the actor's role before asking the cache, and these
//! results are not scoped by agency), so sharing it widens no one's view.

use std::hash::Hash;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use quick_cache::sync::Cache;
use safer_analysis::DistrictCounts;
use safer_domain::{FinancialYear, Month, Quarter};
use safer_store::{DataVersion, StoredPartnership};

use crate::{AppError, Assessed, Reviewed};

/// Entries each kind of result keeps at most. A partnership asks for a few
/// districts, years and quarters; an entry is at most a few megabytes (a
/// partnership's beat polygons), so this bounds the memory held.
const ENTRIES: usize = 64;

/// The version of the data directory a result was computed from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct DataKey {
    generation: u64,
    files: DataVersion,
}

/// A district's counts (by the name asked, lower case).
pub(crate) type CountsKey = (String, DataKey);
/// An assessment: district (lower case), year and month asked.
pub(crate) type AssessmentKey = (
    Option<String>,
    Option<FinancialYear>,
    Option<Month>,
    DataKey,
);
/// A review: plan, quarter asked, and the newest audit entry's id.
pub(crate) type ReviewKey = (String, Option<Quarter>, DataKey, i64);

/// A district's counts with the partnership covering it.
pub(crate) type Counts = (DistrictCounts, Option<StoredPartnership>);

/// The application's caches, shared by its clones.
pub(crate) struct Caches {
    enabled: bool,
    /// Bumped after each change this process makes to the data directory,
    /// so that its own changes are seen whatever the file system's stamps.
    generation: AtomicU64,
    pub(crate) counts: Memo<CountsKey, Counts>,
    pub(crate) assessments: Memo<AssessmentKey, Assessed>,
    pub(crate) reviews: Memo<ReviewKey, Reviewed>,
}

impl std::fmt::Debug for Caches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caches")
            .field("enabled", &self.enabled)
            .field("generation", &self.generation)
            .field("computed", &self.computed())
            .finish_non_exhaustive()
    }
}

/// How many times each kind of result was computed rather than found: for
/// tests that a result is kept, and dropped when its data changes.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Computed {
    pub counts: u64,
    pub assessments: u64,
    pub reviews: u64,
}

impl Caches {
    pub(crate) fn new(enabled: bool) -> Caches {
        Caches {
            enabled,
            generation: AtomicU64::new(0),
            counts: Memo::new(enabled),
            assessments: Memo::new(enabled),
            reviews: Memo::new(enabled),
        }
    }

    pub(crate) fn enabled(&self) -> bool {
        self.enabled
    }

    /// Called after this process changes the data directory.
    pub(crate) fn data_changed(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// The current data version: this process's counter first, then the
    /// files, so that a change is never missed between the two reads.
    pub(crate) fn data_key(
        &self,
        files: impl FnOnce() -> Result<DataVersion, AppError>,
    ) -> Result<DataKey, AppError> {
        let generation = self.generation.load(Ordering::SeqCst);
        Ok(DataKey {
            generation,
            files: files()?,
        })
    }

    pub(crate) fn computed(&self) -> Computed {
        Computed {
            counts: self.counts.computed(),
            assessments: self.assessments.computed(),
            reviews: self.reviews.computed(),
        }
    }
}

/// One kind of result, bounded, computed once per key.
pub(crate) struct Memo<K, V> {
    /// `None` when caching is off: every request computes.
    cache: Option<Cache<K, Arc<V>>>,
    computed: AtomicU64,
}

impl<K: Eq + Hash + Clone, V> Memo<K, V> {
    fn new(enabled: bool) -> Memo<K, V> {
        Memo {
            cache: enabled.then(|| Cache::new(ENTRIES)),
            computed: AtomicU64::new(0),
        }
    }

    fn computed(&self) -> u64 {
        self.computed.load(Ordering::Relaxed)
    }

    fn count(&self) {
        self.computed.fetch_add(1, Ordering::Relaxed);
    }

    /// The result for `key`, computed by `f` unless held. A caller that
    /// finds another computing the same key waits for it (blocking this
    /// thread: call from blocking work, never on an async worker).
    pub(crate) fn get(
        &self,
        key: Option<K>,
        f: impl FnOnce() -> Result<V, AppError>,
    ) -> Result<Arc<V>, AppError> {
        let compute = || {
            self.count();
            f().map(Arc::new)
        };
        match (&self.cache, key) {
            (Some(cache), Some(key)) => cache.get_or_insert_with(&key, compute),
            _ => compute(),
        }
    }

    /// As [`Memo::get`], for a computation that awaits; a caller waiting
    /// for another's computation yields its thread.
    pub(crate) async fn get_async(
        &self,
        key: Option<K>,
        f: impl Future<Output = Result<V, AppError>>,
    ) -> Result<Arc<V>, AppError> {
        let compute = async {
            self.count();
            f.await.map(Arc::new)
        };
        match (&self.cache, key) {
            (Some(cache), Some(key)) => cache.get_or_insert_async(&key, compute).await,
            _ => compute.await,
        }
    }
}
