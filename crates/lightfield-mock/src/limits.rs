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

/// Idempotency keys by (operation type, key).
#[derive(Debug, Default)]
pub struct IdempotencyStore {
    keys: HashMap<(String, String), KeyState>,
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
                self.keys.insert(entry, KeyState::InFlight);
                Claim::Run
            }
        }
    }

    /// Records the outcome: a success is kept for replay, a failure frees the key.
    pub fn finish(&mut self, operation: &str, key: &str, status: u16, body: bytes::Bytes) {
        let entry = (operation.to_string(), key.to_string());
        if (200..300).contains(&status) {
            self.keys.insert(
                entry,
                KeyState::Done {
                    status,
                    body,
                    at: Instant::now(),
                },
            );
        } else {
            self.keys.remove(&entry);
        }
    }
}
