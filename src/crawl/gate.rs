//! Politeness per host: at most `per_host` requests at once, and `delay` between the starts of
//! two requests. A server's `Retry-After` pushes the next slot back for every request to it. A
//! host that never answered and failed once (connection refused, timeout) is not asked again.
//! Over all hosts (and all sites scanned at once) at most `concurrency` requests are in flight.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use crate::failure::Failure;

pub struct HostGate {
    permits: Arc<Semaphore>,
    /// The requests in flight over all hosts: shared by every gate of a [`Gates`].
    all_hosts: Arc<Semaphore>,
    /// The host has answered a request (any HTTP status).
    answered: AtomicBool,
    /// The host never answered and a request to it failed: why, for every later URL.
    unreachable: Mutex<Option<Failure>>,
    next_start: Mutex<Instant>,
    delay: Mutex<Duration>,
}

impl HostGate {
    fn new(per_host: usize, delay: Duration, all_hosts: Arc<Semaphore>) -> HostGate {
        HostGate {
            permits: Arc::new(Semaphore::new(per_host.max(1))),
            all_hosts,
            answered: AtomicBool::new(false),
            unreachable: Mutex::new(None),
            next_start: Mutex::new(Instant::now()),
            delay: Mutex::new(delay),
        }
    }

    /// Wait for a slot of this host, then for one of all hosts; the request may start when
    /// this returns and ends when the slot drops.
    pub async fn enter(&self) -> Option<Slot> {
        let host = self.permits.clone().acquire_owned().await.ok()?;
        let start = {
            let mut next = lock(&self.next_start);
            let start = (*next).max(Instant::now());
            *next = start + *lock(&self.delay);
            start
        };
        tokio::time::sleep_until(start).await;
        let all = self.all_hosts.clone().acquire_owned().await.ok()?;
        Some(Slot {
            _host: host,
            _all: all,
        })
    }

    pub fn answered(&self) -> bool {
        self.answered.load(Ordering::Relaxed)
    }

    pub fn mark_answered(&self) {
        self.answered.store(true, Ordering::Relaxed);
    }

    /// Why the host is not asked again, when it never answered and a request to it failed.
    pub fn unreachable(&self) -> Option<Failure> {
        if self.answered() {
            return None;
        }
        lock(&self.unreachable).clone()
    }

    pub fn mark_unreachable(&self, why: &Failure) {
        lock(&self.unreachable).get_or_insert_with(|| why.clone());
    }

    /// The server asked to wait (429/503 with Retry-After).
    pub fn defer(&self, wait: Duration) {
        let mut next = lock(&self.next_start);
        *next = (*next).max(Instant::now() + wait);
    }

    /// robots.txt asked for a longer delay than configured.
    pub fn at_least(&self, delay: Duration) {
        let mut current = lock(&self.delay);
        *current = (*current).max(delay);
    }
}

/// One request's place: in its host's permits and in those of all hosts.
pub struct Slot {
    _host: OwnedSemaphorePermit,
    _all: OwnedSemaphorePermit,
}

/// A mutex poisoned by a panicking task still holds a usable `Instant`.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One gate per host, created on first use, and the limit over all hosts. Sites scanned at
/// once share one `Gates`, so two targets on one host share its politeness.
pub struct Gates {
    per_host: usize,
    delay: Duration,
    all_hosts: Arc<Semaphore>,
    gates: Mutex<HashMap<String, Arc<HostGate>>>,
}

impl Gates {
    /// `per_host` and `concurrency`: requests in flight to one host and to all (at least 1).
    pub fn new(per_host: usize, delay: Duration, concurrency: usize) -> Gates {
        Gates {
            per_host,
            delay,
            all_hosts: Arc::new(Semaphore::new(concurrency.max(1))),
            gates: Mutex::new(HashMap::new()),
        }
    }

    pub fn for_host(&self, host: &str) -> Arc<HostGate> {
        lock(&self.gates)
            .entry(host.to_owned())
            .or_insert_with(|| {
                let all = Arc::clone(&self.all_hosts);
                Arc::new(HostGate::new(self.per_host, self.delay, all))
            })
            .clone()
    }
}
