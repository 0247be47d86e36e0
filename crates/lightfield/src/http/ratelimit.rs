//! Client-side rate limiting per API category, so bulk work rarely meets a 429.
//!
//! Each category (Write, Read, Search) gets a GCRA limiter from `governor`. Requests are
//! spaced evenly after a small burst (a fifth of the per-second rate): the server's bucket
//! holds a full second of requests, so starting with a fifth of it lets work begin without
//! waiting while leaving the bucket far from empty, so network jitter that bunches
//! arrivals never meets a 429. The limiter also learns from the server: a lower
//! `X-RateLimit-Limit` replaces the configured rate, and a 429 or an empty bucket pauses
//! the category for as long as the server asks.

use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use http::HeaderMap;
use tokio::time::Instant;

use crate::error::retry_after;

pub(crate) use lightfield_gen::tables::Category;

/// The category of a generated operation, from the spec's table of operations; an id the
/// table does not have (a raw request) goes by its method.
pub(crate) fn category_of(operation_id: &str, method: &http::Method) -> Category {
    match lightfield_gen::tables::operation(operation_id) {
        Some(op) => op.category,
        None if method == http::Method::GET => Category::Read,
        None => Category::Write,
    }
}

fn lane_index(category: Category) -> usize {
    match category {
        Category::Write => 0,
        Category::Read => 1,
        Category::Search => 2,
    }
}

#[derive(Debug)]
struct Lane {
    per_second: u32,
    limiter: Arc<DefaultDirectRateLimiter>,
    paused_until: Option<Instant>,
}

fn limiter(per_second: NonZeroU32) -> Arc<DefaultDirectRateLimiter> {
    let burst = NonZeroU32::new(per_second.get() / 5).unwrap_or(NonZeroU32::MIN);
    Arc::new(RateLimiter::direct(
        Quota::per_second(per_second).allow_burst(burst),
    ))
}

/// One limiter per category, shared by every clone of a client.
#[derive(Debug)]
pub(crate) struct RateLimits {
    lanes: Option<[Mutex<Lane>; 3]>,
    clock: DefaultClock,
}

/// Seconds as a `Duration`, saturating: a server's `1e300` or `inf` is the longest wait
/// there is (the caller's cap then applies), never a panic.
fn lock(lane: &Mutex<Lane>) -> MutexGuard<'_, Lane> {
    lane.lock().unwrap_or_else(|p| p.into_inner())
}

impl RateLimits {
    /// `None` turns client-side limiting off.
    pub(crate) fn new(per_second: Option<NonZeroU32>) -> Self {
        let lanes = per_second.map(|rate| {
            std::array::from_fn(|_| {
                Mutex::new(Lane {
                    per_second: rate.get(),
                    limiter: limiter(rate),
                    paused_until: None,
                })
            })
        });
        Self {
            lanes,
            clock: DefaultClock::default(),
        }
    }

    /// Waits until a request of `category` may be sent.
    pub(crate) async fn acquire(&self, category: Category) {
        let Some(lanes) = &self.lanes else { return };
        let lane = &lanes[lane_index(category)];
        loop {
            let (pause, limiter) = {
                let lane = lock(lane);
                (lane.paused_until, lane.limiter.clone())
            };
            if let Some(until) = pause.filter(|u| *u > Instant::now()) {
                tokio::time::sleep_until(until).await;
                continue;
            }
            match limiter.check() {
                Ok(()) => return,
                Err(not_until) => {
                    tokio::time::sleep(not_until.wait_time_from(self.clock.now())).await
                }
            }
        }
    }

    /// Learns from a response's status and rate-limit headers.
    /// Pauses never last longer than `max_pause` (the caller's `max_retry_after`): a server
    /// asking for an hour does not stall every later call on the client.
    pub(crate) fn observe(
        &self,
        category: Category,
        status: u16,
        headers: &HeaderMap,
        max_pause: Duration,
    ) {
        let Some(lanes) = &self.lanes else { return };
        let mut lane = lock(&lanes[lane_index(category)]);
        let number = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok();
        if let Some(limit) = number("x-ratelimit-limit")
            .and_then(|l| u32::try_from(l).ok())
            .and_then(NonZeroU32::new)
            && limit.get() < lane.per_second
        {
            lane.per_second = limit.get();
            lane.limiter = limiter(limit);
        }
        let pause = if status == 429 {
            Some(retry_after(headers).unwrap_or(Duration::from_secs(1)))
        } else if number("x-ratelimit-remaining") == Some(0) {
            Some(Duration::from_secs_f64(
                1.0 / f64::from(lane.per_second.max(1)),
            ))
        } else {
            None
        };
        if let Some(until) = pause.and_then(|p| Instant::now().checked_add(p.min(max_pause))) {
            lane.paused_until = Some(lane.paused_until.map_or(until, |u| u.max(until)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::retry_after;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().expect("valid header value"));
        }
        map
    }

    #[test]
    fn retry_after_reads_seconds_dates_and_milliseconds() {
        assert_eq!(
            retry_after(&headers(&[("retry-after", "3")])),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after", "0.5")])),
            Some(Duration::from_millis(500))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after", "2"), ("retry-after-ms", "250")])),
            Some(Duration::from_millis(250)),
            "the finer header wins"
        );
        let in_ten =
            httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(10));
        let wait = retry_after(&headers(&[("retry-after", &in_ten)])).expect("a date parses");
        assert!(
            wait > Duration::from_secs(8) && wait <= Duration::from_secs(10),
            "{wait:?}"
        );
        let past = httpdate::fmt_http_date(std::time::SystemTime::now() - Duration::from_secs(10));
        assert_eq!(
            retry_after(&headers(&[("retry-after", &past)])),
            Some(Duration::ZERO)
        );
        for junk in ["soon", "-1", "NaN", ""] {
            assert_eq!(
                retry_after(&headers(&[("retry-after", junk)])),
                None,
                "{junk:?}"
            );
        }
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }

    #[test]
    fn operations_map_to_their_categories() {
        let get = http::Method::GET;
        let post = http::Method::POST;
        let delete = http::Method::DELETE;
        for (id, method, category) in [
            ("account_create", &post, Category::Write),
            ("contact_update", &post, Category::Write),
            ("meeting_delete", &delete, Category::Write),
            ("object_restore", &post, Category::Write),
            ("task_list", &get, Category::Search),
            ("object_list", &get, Category::Search),
            ("note_retrieve", &get, Category::Read),
            ("opportunity_field_history", &get, Category::Read),
            ("object_types", &get, Category::Read),
            ("raw", &get, Category::Read),
            ("raw", &post, Category::Write),
        ] {
            assert_eq!(category_of(id, method), category, "{id}");
        }
    }
}
