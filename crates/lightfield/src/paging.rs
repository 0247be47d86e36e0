//! Paging through offset-paged lists: one [`Page`] at a time, every item as a stream, or
//! an export that fetches pages concurrently; and the filter operators ([`Op`]) lists
//! accept.
//!
//! Nothing here knows what is listed: a list request hands in a `PageSource` that fetches
//! one page at an offset, and the stream and export work from that alone.

use std::future::Future;

use futures_util::stream::{self, Stream, StreamExt};

use crate::error::{Error, Result};
use crate::open_enum::open_enum;

/// The largest page the API serves.
pub const MAX_PAGE_SIZE: u64 = 25;

open_enum!(
    /// A filter operator. Which ones a field accepts depends on its value type: orderings for
    /// NUMBER, CURRENCY and DATETIME; `Equal` and `StartsWith` for TEXT-like fields; `Contains`
    /// for EMAIL, TELEPHONE and URL; `Equal` for CHECKBOX and SINGLE_SELECT.
    Op {
        /// `equal`
        Equal = "equal",
        /// `greaterThan`
        GreaterThan = "greaterThan",
        /// `greaterThanOrEqual`
        GreaterThanOrEqual = "greaterThanOrEqual",
        /// `lessThan`
        LessThan = "lessThan",
        /// `lessThanOrEqual`
        LessThanOrEqual = "lessThanOrEqual",
        /// `startsWith`
        StartsWith = "startsWith",
        /// `contains`
        Contains = "contains",
    }
);

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The records of this page, in order.
    pub items: Vec<T>,
    /// How many records match, over all pages.
    pub total_count: u64,
    /// The offset this page starts at.
    pub offset: u64,
    /// The page size asked for.
    pub limit: u64,
}

impl<T> Page<T> {
    /// Whether records remain after this page.
    pub fn has_more(&self) -> bool {
        self.items.len() as u64 == self.limit
            && self.offset.saturating_add(self.items.len() as u64) < self.total_count
    }

    /// The offset of the next page, if there is one.
    pub fn next_offset(&self) -> Option<u64> {
        self.has_more()
            .then(|| self.offset.saturating_add(self.items.len() as u64))
    }
}

/// A `totalCount` as a count. The API declares it a plain integer; a negative one (never
/// seen, but not ruled out by the API's description) reads as 0 rather than failing the
/// whole page. The body as received stays in `Response::raw_body`.
pub(crate) fn count(total: i64) -> u64 {
    u64::try_from(total).unwrap_or(0)
}

/// Paging and filters of a list request.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListQuery {
    pub(crate) limit: Option<u64>,
    pub(crate) offset: u64,
    pub(crate) max_items: Option<u64>,
    pub(crate) status: Option<String>,
    filters: Vec<(String, String)>,
    /// The first filter key that cannot be sent, and why.
    problem: Option<(String, String)>,
}

/// One filter as a query pair (`key[op]=value`, `key[-op]=value` or `key=value`), and why
/// the key cannot be one, if it cannot.
pub(crate) fn filter_pair(
    key: String,
    op: Option<Op>,
    negate: bool,
    value: String,
) -> ((String, String), Option<(String, String)>) {
    let problem = (key.is_empty() || key.contains(['[', ']'])).then(|| {
        (
            key.clone(),
            format!("`{key}` is not a field key to filter on"),
        )
    });
    let name = match (op, negate) {
        (Some(op), false) => format!("{key}[{}]", op.as_api()),
        (Some(op), true) => format!("{key}[-{}]", op.as_api()),
        (None, _) => key,
    };
    ((name, value), problem)
}

impl ListQuery {
    pub(crate) fn push_filter(&mut self, key: String, op: Option<Op>, negate: bool, value: String) {
        let (pair, problem) = filter_pair(key, op, negate, value);
        if let Some(problem) = problem {
            self.problem.get_or_insert(problem);
        }
        self.filters.push(pair);
    }

    pub(crate) fn filter_pairs(&self) -> Vec<(String, String)> {
        self.filters.clone()
    }

    /// Refuses a filter key that could not be sent as one.
    pub(crate) fn check_filters(&self) -> Result<()> {
        match &self.problem {
            Some((key, why)) => Err(Error::invalid_param(key.clone(), why.clone())),
            None => Ok(()),
        }
    }

    /// The page size to ask for, checked before sending.
    pub(crate) fn page_size(&self) -> Result<u64> {
        self.check_filters()?;
        match self.limit {
            None => Ok(MAX_PAGE_SIZE),
            Some(n) if (1..=MAX_PAGE_SIZE).contains(&n) => Ok(n),
            Some(n) => Err(Error::invalid_param(
                "limit",
                format!(
                    "page size {n} is out of range: the API serves 1 to {MAX_PAGE_SIZE} records per page"
                ),
            )),
        }
    }
}

/// Something that serves one page of a list at a given offset.
pub(crate) trait PageSource: Clone + Send + Sync + 'static {
    /// What the list holds.
    type Item: Send + 'static;
    /// The paging and filters of the request.
    fn query(&self) -> &ListQuery;
    /// Fetches `limit` items from `offset`.
    fn fetch(
        &self,
        offset: u64,
        limit: u64,
    ) -> impl Future<Output = Result<Page<Self::Item>>> + Send;

    /// What tells two items apart (a record's id), to notice a server that repeats itself.
    fn identity(&self, _item: &Self::Item) -> Option<String> {
        None
    }
}

/// A one-item stream holding `error`.
fn failed<T: Send + 'static>(error: Error) -> stream::BoxStream<'static, Result<T>> {
    stream::iter(vec![Err(error)]).boxed()
}

/// Every item of a list, page after page (up to `max_items`), fetching the next page when
/// the current one is used up.
pub(crate) fn stream<S: PageSource>(source: S) -> impl Stream<Item = Result<S::Item>> + Send {
    struct Cursor<S> {
        source: S,
        offset: u64,
        yielded: u64,
        done: bool,
        /// Identities streamed so far: a page made only of these means the server is
        /// repeating itself (an absurd `totalCount` with pages that never shrink).
        seen: std::collections::HashSet<String>,
    }
    let cursor = Cursor {
        offset: source.query().offset,
        source,
        yielded: 0,
        done: false,
        seen: std::collections::HashSet::new(),
    };
    stream::unfold(cursor, |mut cursor| async move {
        let query = cursor.source.query();
        let cap = query.max_items;
        if cursor.done || cap.is_some_and(|cap| cursor.yielded >= cap) {
            return None;
        }
        let page = match query.page_size() {
            Ok(size) => cursor.source.fetch(cursor.offset, size).await,
            Err(e) => Err(e),
        };
        let page = match page {
            Ok(page) => page,
            Err(e) => {
                cursor.done = true;
                return Some((vec![Err(e)], cursor));
            }
        };
        let identities: Vec<Option<String>> = page.items.iter().map(|item| cursor.source.identity(item)).collect();
        let nothing_new = !identities.is_empty()
            && identities
                .iter()
                .all(|id| id.as_ref().is_some_and(|id| cursor.seen.contains(id)));
        if nothing_new {
            cursor.done = true;
            let error = Error::Protocol(format!(
                "the page at offset {} repeats records already streamed; stopping (set max_items to bound a list)",
                cursor.offset
            ));
            return Some((vec![Err(error)], cursor));
        }
        cursor.seen.extend(identities.into_iter().flatten());
        cursor.done = !page.has_more();
        cursor.offset = cursor.offset.saturating_add(page.items.len() as u64);
        let room = cap.map_or(u64::MAX, |cap| cap - cursor.yielded);
        let items: Vec<Result<S::Item>> = page
            .items
            .into_iter()
            .take(usize::try_from(room).unwrap_or(usize::MAX))
            .map(Ok)
            .collect();
        cursor.yielded += items.len() as u64;
        if items.is_empty() {
            return None;
        }
        Some((items, cursor))
    })
    .flat_map(stream::iter)
}

/// Every item of a list, in order, with up to `concurrency` pages in flight once the first
/// page has told how many items there are. Respects `max_items`.
pub(crate) fn export<S: PageSource>(
    source: S,
    concurrency: usize,
) -> impl Stream<Item = Result<S::Item>> + Send {
    let concurrency = concurrency.max(1);
    stream::once(async move {
        let query = source.query().clone();
        let size = match query.page_size() {
            Ok(size) => size,
            Err(e) => return failed(e),
        };
        let start = query.offset;
        let first = match source.fetch(start, size).await {
            Ok(page) => page,
            Err(e) => return failed(e),
        };
        let wanted = query.max_items.unwrap_or(u64::MAX);
        let end = first.total_count.min(start.saturating_add(wanted));
        let first_len = first.items.len() as u64;
        // Each later page starts at the last item of the page before and must repeat it: a
        // page that begins elsewhere means records were created or deleted before it, and
        // the pages shifted (an item missed or repeated). Possible when items have an
        // identity and a page holds two or more; it costs one item per page.
        let last_seen = first.items.last().and_then(|i| source.identity(i));
        let overlap = u64::from(size >= 2 && last_seen.is_some());
        // Offsets are made as they are needed, never all at once: a server's absurd
        // `totalCount` costs nothing until pages are actually fetched.
        let next = start.saturating_add(first_len).saturating_sub(overlap);
        let more = first_len == size;
        let step = size - overlap;
        // A page is fetched while it can hold an item not read yet.
        let offsets = std::iter::successors(more.then_some(next), move |o| o.checked_add(step))
            .take_while(move |o| o.saturating_add(overlap) < end);
        let identify = source.clone();
        let rest = stream::iter(offsets)
            .map(move |offset| {
                let source = source.clone();
                async move { (offset, source.fetch(offset, size).await) }
            })
            .buffered(concurrency)
            // A short or empty page is the end, whatever `totalCount` said.
            .scan(
                (false, last_seen),
                move |(ended, last_seen), (offset, page)| {
                    if *ended {
                        return futures_util::future::ready(None);
                    }
                    let items = match page {
                        Ok(page) => {
                            *ended = (page.items.len() as u64) < size;
                            let mut items = page.items.into_iter();
                            let repeated = (overlap == 1)
                                .then(|| items.next().and_then(|i| identify.identity(&i)));
                            match repeated {
                                Some(begins) if begins != *last_seen => {
                                    *ended = true;
                                    vec![Err(Error::Shifted(format!(
                                        "the page at offset {offset} did not begin with the last \
                                     item of the page before"
                                    )))]
                                }
                                _ => {
                                    let items: Vec<_> = items.collect();
                                    if let Some(last) = items.last() {
                                        *last_seen = identify.identity(last);
                                    }
                                    items.into_iter().map(Ok).collect::<Vec<_>>()
                                }
                            }
                        }
                        Err(e) => {
                            *ended = true;
                            vec![Err(e)]
                        }
                    };
                    futures_util::future::ready(Some(items))
                },
            )
            .flat_map(stream::iter);
        let limit = usize::try_from(wanted).unwrap_or(usize::MAX);
        stream::iter(first.items.into_iter().map(Ok))
            .chain(rest)
            .take(limit)
            .boxed()
    })
    .flatten()
}
