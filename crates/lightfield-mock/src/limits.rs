//! Server-side rate limiting (a token bucket per category) and idempotency records.

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub use lightfield_gen::tables::Category;

/// What the bucket said about one request.
#[derive(Debug, Clone, Copy)]
pub struct Verdict {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    /// Unix seconds at which the bucket is full again.
    pub reset: u64,
    /// Seconds until one more request would be allowed.
    pub retry_after: u64,
}

/// A bucket of `limit` tokens refilled at `limit` per second.
#[derive(Debug)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

/// One bucket per category.
#[derive(Debug, Default)]
pub struct RateLimiter {
    buckets: HashMap<Category, Bucket>,
}

impl RateLimiter {
    /// Takes a token from `category`'s bucket of `limit` per second.
    pub fn check(&mut self, category: Category, limit: u32) -> Verdict {
        let now = Instant::now();
        let capacity = f64::from(limit.max(1));
        let bucket = self.buckets.entry(category).or_insert(Bucket {
            tokens: capacity,
            last: now,
        });
        let elapsed = now.duration_since(bucket.last).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * capacity).min(capacity);
        bucket.last = now;
        let allowed = bucket.tokens >= 1.0;
        if allowed {
            bucket.tokens -= 1.0;
        }
        let unix_now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO)
            .as_secs_f64();
        let until_full = (capacity - bucket.tokens) / capacity;
        let until_one = ((1.0 - bucket.tokens).max(0.0)) / capacity;
        Verdict {
            allowed,
            limit: limit.max(1),
            remaining: bucket.tokens.floor() as u32,
            reset: (unix_now + until_full).ceil() as u64,
            retry_after: until_one.ceil().max(1.0) as u64,
        }
    }
}

/// The state of one idempotency key.
#[derive(Debug, Clone)]
pub enum KeyState {
    /// The first request with this key is still running.
    InFlight,
    /// The first request finished with this response.
    Done {
        status: u16,
        body: bytes::Bytes,
        at: Instant,
    },
}

/// The most idempotency keys kept, and the most bytes of answers kept for replay: a
/// client that sends a new key with every write cannot grow the mock without end. Past
/// either, expired keys go first, then the oldest answers.
pub const MAX_IDEMPOTENCY_KEYS: usize = 50_000;
pub const MAX_IDEMPOTENCY_BYTES: usize = 64 * 1024 * 1024;

/// Idempotency keys by (operation type, key).
#[derive(Debug, Default)]
pub struct IdempotencyStore {
    keys: HashMap<(String, String), KeyState>,
    /// Bytes of the answers kept.
    bytes: usize,
}

/// What to do with a request carrying an idempotency key.
#[derive(Debug)]
pub enum Claim {
    /// Run it; the key is now in flight.
    Run,
    /// Answer with the stored response.
    Replay { status: u16, body: bytes::Bytes },
    /// Another request with the key is running.
    Conflict,
}

impl IdempotencyStore {
    /// Claims `key` for `operation`, honouring expiry after `ttl`.
    pub fn claim(&mut self, operation: &str, key: &str, ttl: Duration) -> Claim {
        let entry = (operation.to_string(), key.to_string());
        match self.keys.get(&entry) {
            Some(KeyState::InFlight) => Claim::Conflict,
            Some(KeyState::Done { status, body, at }) if at.elapsed() < ttl => Claim::Replay {
                status: *status,
                body: body.clone(),
            },
            _ => {
                self.make_room(ttl);
                if let Some(KeyState::Done { body, .. }) =
                    self.keys.insert(entry, KeyState::InFlight)
                {
                    self.bytes -= body.len();
                }
                Claim::Run
            }
        }
    }

    /// Keeps the store within its bounds before a key is added: expired answers go, then
    /// the oldest ones, down to three quarters of the bounds (so this runs seldom). A key in
    /// flight is never dropped.
    fn make_room(&mut self, ttl: Duration) {
        if self.keys.len() < MAX_IDEMPOTENCY_KEYS && self.bytes < MAX_IDEMPOTENCY_BYTES {
            return;
        }
        let mut done: Vec<(Instant, (String, String))> = self
            .keys
            .iter()
            .filter_map(|(k, v)| match v {
                KeyState::Done { at, .. } => Some((*at, k.clone())),
                KeyState::InFlight => None,
            })
            .collect();
        done.sort();
        for (at, key) in done {
            let roomy = self.keys.len() <= MAX_IDEMPOTENCY_KEYS * 3 / 4
                && self.bytes <= MAX_IDEMPOTENCY_BYTES * 3 / 4;
            if roomy && at.elapsed() < ttl {
                break;
            }
            if let Some(KeyState::Done { body, .. }) = self.keys.remove(&key) {
                self.bytes -= body.len();
            }
        }
    }

    /// How many keys are kept.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.keys.len()
    }

    /// Records the outcome: a success is kept for replay, a failure frees the key.
    pub fn finish(&mut self, operation: &str, key: &str, status: u16, body: bytes::Bytes) {
        let entry = (operation.to_string(), key.to_string());
        let old = if (200..300).contains(&status) {
            self.bytes += body.len();
            self.keys.insert(
                entry,
                KeyState::Done {
                    status,
                    body,
                    at: Instant::now(),
                },
            )
        } else {
            self.keys.remove(&entry)
        };
        if let Some(KeyState::Done { body, .. }) = old {
            self.bytes -= body.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_idempotency_store_stays_within_its_bounds_and_keeps_what_is_in_flight() {
        let mut store = IdempotencyStore::default();
        let day = Duration::from_secs(86_400);
        assert!(matches!(store.claim("op", "running", day), Claim::Run));
        for i in 0..MAX_IDEMPOTENCY_KEYS + 10_000 {
            let key = format!("k{i}");
            assert!(matches!(store.claim("op", &key, day), Claim::Run));
            store.finish("op", &key, 200, bytes::Bytes::from_static(b"{}"));
        }
        assert!(store.len() <= MAX_IDEMPOTENCY_KEYS, "{}", store.len());
        assert!(matches!(store.claim("op", "running", day), Claim::Conflict));
        let newest = format!("k{}", MAX_IDEMPOTENCY_KEYS + 9_999);
        assert!(matches!(
            store.claim("op", &newest, day),
            Claim::Replay { .. }
        ));
        // Bytes bound: a few big answers push out the older ones.
        let big = bytes::Bytes::from(vec![b'x'; 8 * 1024 * 1024]);
        for i in 0..20 {
            let key = format!("big{i}");
            let _ = store.claim("op", &key, day);
            store.finish("op", &key, 200, big.clone());
        }
        assert!(
            store.bytes <= MAX_IDEMPOTENCY_BYTES + big.len(),
            "{}",
            store.bytes
        );
    }
}
