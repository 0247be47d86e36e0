//! Paging through lists: one [`Page`] at a time, or every record as a stream; and the
//! filter operators ([`Op`]) lists accept.

use futures_util::stream::{self, Stream, StreamExt};

use crate::accounts::{ListAccounts, fetch_page};
use crate::error::{Error, Result};
use crate::record::Account;

/// The largest page the API serves.
pub const MAX_PAGE_SIZE: u64 = 25;

/// A filter operator. Which ones a field accepts depends on its value type: orderings for
/// NUMBER, CURRENCY and DATETIME; `Equal` and `StartsWith` for TEXT-like fields; `Contains`
/// for EMAIL, TELEPHONE and URL; `Equal` for CHECKBOX and SINGLE_SELECT.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Op {
    /// `equal`
    Equal,
    /// `greaterThan`
    GreaterThan,
    /// `greaterThanOrEqual`
    GreaterThanOrEqual,
    /// `lessThan`
    LessThan,
    /// `lessThanOrEqual`
    LessThanOrEqual,
    /// `startsWith`
    StartsWith,
    /// `contains`
    Contains,
    /// An operator this SDK does not know yet, by its API name.
    Other(String),
}

impl Op {
    /// The API's name of the operator.
    pub fn as_api(&self) -> &str {
        match self {
            Self::Equal => "equal",
            Self::GreaterThan => "greaterThan",
            Self::GreaterThanOrEqual => "greaterThanOrEqual",
            Self::LessThan => "lessThan",
            Self::LessThanOrEqual => "lessThanOrEqual",
            Self::StartsWith => "startsWith",
            Self::Contains => "contains",
            Self::Other(name) => name,
        }
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
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
            && self.offset + (self.items.len() as u64) < self.total_count
    }

    /// The offset of the next page, if there is one.
    pub fn next_offset(&self) -> Option<u64> {
        self.has_more()
            .then(|| self.offset + self.items.len() as u64)
    }
}

/// Paging and filters of a list request.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListQuery {
    pub(crate) limit: Option<u64>,
    pub(crate) offset: u64,
    pub(crate) max_items: Option<u64>,
    filters: Vec<(String, String)>,
    problem: Option<String>,
}

impl ListQuery {
    pub(crate) fn push_filter(&mut self, key: String, op: Option<Op>, negate: bool, value: String) {
        if key.is_empty() || key.contains(['[', ']']) {
            self.problem
                .get_or_insert(format!("`{key}` is not a field key to filter on"));
        }
        let name = match (op, negate) {
            (Some(op), false) => format!("{key}[{}]", op.as_api()),
            (Some(op), true) => format!("{key}[-{}]", op.as_api()),
            (None, _) => key,
        };
        self.filters.push((name, value));
    }

    pub(crate) fn filter_pairs(&self) -> Vec<(String, String)> {
        self.filters.clone()
    }

    /// The page size to ask for, checked before sending.
    pub(crate) fn page_size(&self) -> Result<u64> {
        if let Some(problem) = &self.problem {
            return Err(Error::InvalidInput(problem.clone()));
        }
        match self.limit {
            None => Ok(MAX_PAGE_SIZE),
            Some(n) if (1..=MAX_PAGE_SIZE).contains(&n) => Ok(n),
            Some(n) => Err(Error::InvalidInput(format!(
                "page size {n} is out of range: the API serves 1 to {MAX_PAGE_SIZE} records per page"
            ))),
        }
    }
}

struct Cursor {
    request: ListAccounts,
    offset: u64,
    yielded: u64,
    done: bool,
}

/// Streams every record of a list, fetching the next page when the current one is used up.
pub(crate) fn stream(
    request: ListAccounts,
) -> impl Stream<Item = Result<Account>> + Send + 'static {
    let cursor = Cursor {
        offset: request.query.offset,
        request,
        yielded: 0,
        done: false,
    };
    stream::unfold(cursor, |mut cursor| async move {
        if cursor.done {
            return None;
        }
        let cap = cursor.request.query.max_items;
        if cap.is_some_and(|cap| cursor.yielded >= cap) {
            return None;
        }
        let size = match cursor.request.query.page_size() {
            Ok(size) => size,
            Err(e) => {
                cursor.done = true;
                return Some((vec![Err(e)], cursor));
            }
        };
        let page = fetch_page(
            &cursor.request.client,
            &cursor.request.query,
            &cursor.request.options,
            cursor.offset,
            size,
        )
        .await;
        match page {
            Err(e) => {
                cursor.done = true;
                Some((vec![Err(e)], cursor))
            }
            Ok(response) => {
                let page = response.into_inner();
                cursor.done = !page.has_more();
                cursor.offset += page.items.len() as u64;
                let room = cap.map_or(u64::MAX, |cap| cap - cursor.yielded);
                let items: Vec<Result<Account>> = page
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
            }
        }
    })
    .flat_map(stream::iter)
}
