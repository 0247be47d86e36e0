//! Reading one stream (a type's active records, or its trash) page by page, with pages
//! that overlap by one record: each page must start with the record the page before
//! ended with. When it does not, the order shifted under the scan (a record created or
//! deleted before the offset), and the page before is read again, so no record slips
//! between two pages unnoticed. Each page is written with the stream's progress.
//!
//! A round trip takes longer than the API's rate allows between two calls, so the pages
//! after the one being written are asked for ahead of time ([`AHEAD`] of them, never past
//! the count the last page gave); they are checked and written in order all the same, and
//! thrown away when a shift sends the scan back.

use std::collections::VecDeque;

use lightfield::{Client, ObjectType, Page, Record, RecordStatus};
use tokio::task::JoinHandle;

use crate::Error;
use crate::rows::{Columns, field_types};
use crate::store::{Counts, PageWrite, Store, StreamState};

/// Records a page asks for: the most the API serves.
pub const PAGE: u64 = 25;

/// Pages in flight at once: with 150 ms a round trip and 25 calls a second allowed, four
/// keep the limiter busy; one more covers a slow answer.
pub const AHEAD: usize = 5;

/// How a stream ended in this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Every record was listed, with every boundary verified.
    Complete,
    /// The order kept shifting: what was read is kept, but nothing is inferred from what
    /// was not.
    Unstable,
    /// The API refused an offset this far: the records past it were not read, and nothing
    /// is inferred from their absence.
    Capped,
}

/// One stream of one run.
pub struct Stream<'a> {
    /// The record type.
    pub object: &'a ObjectType,
    /// Its table.
    pub table: &'a str,
    /// Active records or the trash.
    pub status: RecordStatus,
    /// The run.
    pub run: i64,
    /// Shifts tolerated before the stream is called unstable.
    pub max_shifts: u32,
    /// Told after each page written.
    pub on_progress: Option<&'a crate::run::OnProgress>,
}

impl Stream<'_> {
    /// The stream's name in the mirror's state (`account:active`).
    pub fn name(&self) -> String {
        format!("{}:{}", self.object.as_api(), self.status.as_api())
    }

    /// Reads the stream from where this run left it, writing each page as it comes.
    pub async fn read(
        &self,
        client: &Client,
        store: &mut dyn Store,
        columns: &mut Columns,
        counts: &mut Counts,
    ) -> Result<Ending, Error> {
        let name = self.name();
        let mut at = store
            .stream(self.run, &name)
            .await?
            .unwrap_or_else(|| StreamState {
                state: "running".into(),
                ..StreamState::default()
            });
        // Pages read by this process: where each started, and the id it had to start with.
        let mut earlier: Vec<(u64, Option<String>)> = Vec::new();
        let mut ahead = Ahead::default();
        loop {
            match at.state.as_str() {
                "complete" => return Ok(Ending::Complete),
                "unstable" => return Ok(Ending::Unstable),
                "capped" => return Ok(Ending::Capped),
                _ => {}
            }
            let answer = ahead.take(self, client, at.next_offset, counts).await;
            let page = match answer {
                Err(e) if at.next_offset > 0 && refuses_offset(&e) => {
                    at.state = "capped".into();
                    self.write(store, &[], &at, counts).await?;
                    continue;
                }
                other => other?,
            };
            let first = page.items.first().map(|r| r.id.as_str());
            if let Some(boundary) = at.boundary.as_deref()
                && first != Some(boundary)
            {
                at.shifts += 1;
                if at.shifts > self.max_shifts {
                    at.state = "unstable".into();
                } else {
                    let (offset, boundary) = earlier.pop().unwrap_or((0, None));
                    at.next_offset = offset;
                    at.boundary = boundary;
                }
                self.write(store, &[], &at, counts).await?;
                continue;
            }
            let fields: Vec<(String, String)> = page.items.iter().flat_map(field_types).collect();
            columns.ensure(store, &fields, self.run).await?;
            let rows: Vec<_> = page.items.iter().map(|r| columns.row(r)).collect();
            earlier.push((at.next_offset, at.boundary.clone()));
            let next = if (page.items.len() as u64) < PAGE {
                StreamState {
                    state: "complete".into(),
                    ..at.clone()
                }
            } else {
                StreamState {
                    next_offset: at.next_offset + PAGE - 1,
                    boundary: page.items.last().map(|r| r.id.clone()),
                    ..at.clone()
                }
            };
            self.write(store, &rows, &next, counts).await?;
            if next.state == "running" {
                ahead.fill(self, client, next.next_offset, page.total_count, counts);
            }
            at = next;
        }
    }

    /// Asks for the page at `offset` (the future runs on its own task, so several are in
    /// flight while the scan writes).
    fn fetch(&self, client: &Client, offset: u64) -> JoinHandle<lightfield::Result<Page<Record>>> {
        let mut list = client
            .records_of(self.object.clone())
            .list()
            .offset(offset)
            .limit(PAGE);
        if self.object.lists_trash() {
            list = list.status(self.status.clone());
        }
        tokio::spawn(async move { list.send().await })
    }

    async fn write(
        &self,
        store: &mut dyn Store,
        rows: &[crate::store::RecordRow],
        next: &StreamState,
        counts: &mut Counts,
    ) -> Result<(), Error> {
        let name = self.name();
        let started = std::time::Instant::now();
        let written = store
            .write_page(&PageWrite {
                run: self.run,
                stream: &name,
                table: self.table,
                object_type: self.object.as_api(),
                status: match self.status {
                    RecordStatus::Trashed => "trashed",
                    _ => "active",
                },
                records: rows,
                next,
            })
            .await?;
        counts.database += started.elapsed();
        counts.written += written.written;
        counts.unchanged += written.unchanged;
        counts.trashed += written.trashed;
        counts.restored += written.restored;
        if let Some(tell) = self.on_progress {
            tell(&crate::run::Progress {
                stream: name,
                read: counts.written + counts.unchanged,
                written: counts.written,
            });
        }
        Ok(())
    }
}

/// Pages asked for before the scan reaches them, in the order of their offsets.
#[derive(Default)]
struct Ahead {
    pending: VecDeque<(u64, JoinHandle<lightfield::Result<Page<Record>>>)>,
}

impl Ahead {
    /// The page at `offset`: the one already asked for when it is next in line, else (the
    /// scan went back) a fresh call, after dropping every page asked for ahead.
    async fn take(
        &mut self,
        stream: &Stream<'_>,
        client: &Client,
        offset: u64,
        counts: &mut Counts,
    ) -> lightfield::Result<Page<Record>> {
        let call = match self.pending.pop_front() {
            Some((at, call)) if at == offset => call,
            other => {
                if let Some((_, call)) = other {
                    call.abort();
                }
                self.clear();
                counts.requests += 1;
                stream.fetch(client, offset)
            }
        };
        match call.await {
            Ok(answer) => answer,
            // Only a panic ends the task otherwise (this one was never aborted): raised
            // here as it would have been had the call been awaited in place.
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }

    /// Asks for the pages after `next` up to [`AHEAD`] in flight, none at or past `total`
    /// records (a page starting there would only come back empty).
    fn fill(
        &mut self,
        stream: &Stream<'_>,
        client: &Client,
        next: u64,
        total: u64,
        counts: &mut Counts,
    ) {
        if self.pending.front().is_some_and(|(at, _)| *at != next) {
            self.clear();
        }
        let mut offset = self.pending.back().map_or(next, |(at, _)| at + PAGE - 1);
        while self.pending.len() < AHEAD && offset < total {
            counts.requests += 1;
            self.pending
                .push_back((offset, stream.fetch(client, offset)));
            offset += PAGE - 1;
        }
    }

    fn clear(&mut self) {
        for (_, call) in self.pending.drain(..) {
            call.abort();
        }
    }
}

impl Drop for Ahead {
    fn drop(&mut self) {
        self.clear();
    }
}

/// Whether the API refused a list for its offset (a cap on how deep a list pages).
fn refuses_offset(e: &lightfield::Error) -> bool {
    e.as_api()
        .is_some_and(|a| a.status == 400 && a.param.as_deref() == Some("offset"))
}
