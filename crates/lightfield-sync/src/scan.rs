//! Reading one stream (a type's active records, or its trash) page by page, with pages
//! that overlap by one record: each page must start with the record the page before
//! ended with. When it does not, the order shifted under the scan (a record created or
//! deleted before the offset), and the page before is read again, so no record slips
//! between two pages unnoticed. Each page is written with the stream's progress.

use lightfield::{Client, ObjectType, RecordStatus};

use crate::Error;
use crate::rows::{Columns, field_types};
use crate::store::{Counts, PageWrite, Store, StreamState};

/// Records a page asks for: the most the API serves.
pub const PAGE: u64 = 25;

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
        loop {
            match at.state.as_str() {
                "complete" => return Ok(Ending::Complete),
                "unstable" => return Ok(Ending::Unstable),
                "capped" => return Ok(Ending::Capped),
                _ => {}
            }
            let mut list = client
                .records_of(self.object.clone())
                .list()
                .offset(at.next_offset)
                .limit(PAGE);
            if self.object.lists_trash() {
                list = list.status(self.status.clone());
            }
            let answer = list.send().await;
            counts.requests += 1;
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
            at = next;
        }
    }

    async fn write(
        &self,
        store: &mut dyn Store,
        rows: &[crate::store::RecordRow],
        next: &StreamState,
        counts: &mut Counts,
    ) -> Result<(), Error> {
        let name = self.name();
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

/// Whether the API refused a list for its offset (a cap on how deep a list pages).
fn refuses_offset(e: &lightfield::Error) -> bool {
    e.as_api()
        .is_some_and(|a| a.status == 400 && a.param.as_deref() == Some("offset"))
}
