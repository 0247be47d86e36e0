//! One run, phase by phase: refuse what must be refused before any call, then the schema
//! of every type, then each type's streams, then what the streams did not list.

use std::time::{Duration, Instant};

use lightfield::{Client, ErrorKind, ObjectType, RecordStatus};

use crate::Error;
use crate::names::{table_of, view_of};
use crate::reconcile::reconcile;
use crate::rows::Columns;
use crate::scan::{Ending, Stream};
use crate::store::{Counts, Store};

/// The layout this version writes; a mirror of a higher one is refused.
pub const FORMAT: u32 = 1;

/// Where a run is: told after each page written.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Progress {
    /// The stream being read (`account:active`).
    pub stream: String,
    /// Records read so far in this run (a page's boundary record counts twice).
    pub read: u64,
    /// Records written so far in this run.
    pub written: u64,
}

/// A function told of a run's progress.
pub type OnProgress = std::sync::Arc<dyn Fn(&Progress) + Send + Sync>;

/// What to mirror, and how.
#[derive(Clone)]
#[non_exhaustive]
pub struct Options {
    /// Only these types (API names, `account`, or custom slugs, and `file` for files'
    /// metadata); every type when empty.
    pub only: Vec<String>,
    /// Not these types.
    pub skip: Vec<String>,
    /// How many times one stream may find the order shifted before it is called unstable.
    pub max_shifts: u32,
    /// How long a record of a type with no trash listing must stay missing, over two runs,
    /// before it is called trashed: longer than the lists can lag behind writes (a record
    /// trashed and restored moments ago is missing from them for a while).
    pub absence_gap: Duration,
    /// Told after each page written (a progress bar).
    pub on_progress: Option<OnProgress>,
    /// Fields whose history to keep, as `(type, field key)`: each record a run writes has
    /// its past values of those fields read too (one or more calls per record and field).
    pub history: Vec<(String, String)>,
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("only", &self.only)
            .field("skip", &self.skip)
            .field("max_shifts", &self.max_shifts)
            .field("absence_gap", &self.absence_gap)
            .field("on_progress", &self.on_progress.is_some())
            .field("history", &self.history)
            .finish()
    }
}

impl Default for Options {
    fn default() -> Self {
        Self {
            only: Vec::new(),
            skip: Vec::new(),
            max_shifts: 20,
            absence_gap: Duration::from_secs(15 * 60),
            on_progress: None,
            history: Vec::new(),
        }
    }
}

impl Options {
    /// Mirrors only these types (`account`, a custom slug…).
    pub fn only(mut self, types: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.only = types.into_iter().map(Into::into).collect();
        self
    }

    /// Leaves these types out.
    pub fn skip(mut self, types: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.skip = types.into_iter().map(Into::into).collect();
        self
    }

    /// How many times one stream may find the order shifted before it is called unstable
    /// (20 by default).
    pub fn max_shifts(mut self, shifts: u32) -> Self {
        self.max_shifts = shifts;
        self
    }

    /// How long a record must stay missing before it is called trashed (15 minutes by
    /// default; see [`Options::absence_gap`](field@Options::absence_gap)).
    pub fn absence_gap(mut self, gap: Duration) -> Self {
        self.absence_gap = gap;
        self
    }

    /// Keeps the history of these fields (`("opportunity", "$stage")`).
    pub fn history(mut self, fields: impl IntoIterator<Item = (String, String)>) -> Self {
        self.history = fields.into_iter().collect();
        self
    }

    /// Calls `f` after each page written, with where the run is.
    pub fn on_progress(mut self, f: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        self.on_progress = Some(std::sync::Arc::new(f));
        self
    }

    pub(crate) fn wants(&self, object: &ObjectType) -> bool {
        self.wants_name(object.as_api())
    }

    /// Whether to mirror what the API calls `name` (a record type, or `file`).
    pub(crate) fn wants_name(&self, name: &str) -> bool {
        (self.only.is_empty() || self.only.iter().any(|o| o == name))
            && !self.skip.iter().any(|s| s == name)
    }
}

/// What a run did.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Summary {
    /// The run's number.
    pub run: i64,
    /// Whether it continued a run that was cut short.
    pub resumed: bool,
    /// Records written, unchanged, trashed, deleted, restored; requests sent.
    pub counts: Counts,
    /// Types whose scan kept shifting: nothing was inferred about their missing records.
    pub unstable: Vec<String>,
    /// Types the API would not page through to the end (an offset cap): nothing was
    /// inferred about their missing records.
    pub capped: Vec<String>,
    /// Types the key may not read.
    pub forbidden: Vec<String>,
    /// How long it took.
    pub elapsed: Duration,
}

impl Summary {
    /// Requests per second over the run, as a fraction of the API's 25 per second.
    pub fn share_of_limit(&self) -> f64 {
        let seconds = self.elapsed.as_secs_f64().max(1e-3);
        self.counts.requests as f64 / seconds / 25.0
    }
}

/// The built-in types a mirror holds, in the order they are read.
const BUILT_IN: [ObjectType; 9] = [
    ObjectType::Account,
    ObjectType::Contact,
    ObjectType::Opportunity,
    ObjectType::Task,
    ObjectType::Note,
    ObjectType::Meeting,
    ObjectType::Member,
    ObjectType::Email,
    ObjectType::List,
];

pub(crate) fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Refuses a mirror of a newer layout or of another organisation, before any write.
async fn preflight(client: &Client, store: &mut dyn Store) -> Result<(), Error> {
    if let Some(format) = store.meta("format").await? {
        let theirs: u32 = format.parse().unwrap_or(u32::MAX);
        if theirs > FORMAT {
            return Err(Error::Refused(format!(
                "this mirror was written by a newer lightfield-sync (layout {format}; this one \
                 writes {FORMAT}): update lightfield, or mirror into a new database"
            )));
        }
    }
    // The API names no organisation; its first member (the oldest) and its address do.
    let members = client.members().list().limit(1).send().await?;
    let first = members
        .items
        .first()
        .map(|m| m.id.clone())
        .unwrap_or_default();
    if first.is_empty() {
        // No member listed yet (a list lagging behind a new organisation): nothing to tell
        // organisations apart by, so nothing is written or refused on it.
        return set_format(store).await;
    }
    let organisation = format!("{} {first}", client.base_url());
    match store.meta("organisation").await? {
        Some(known) if known != organisation => Err(Error::Refused(format!(
            "this mirror holds another organisation ({known}); this key reaches \
             {organisation}: mirror into a new database"
        ))),
        Some(_) => Ok(()),
        None => {
            store.set_meta("organisation", &organisation).await?;
            set_format(store).await
        }
    }
}

async fn set_format(store: &mut dyn Store) -> Result<(), Error> {
    if store.meta("format").await?.is_none() {
        store.set_meta("format", &FORMAT.to_string()).await?;
    }
    Ok(())
}

/// The record types to mirror: the built-in ones and every custom object.
pub(crate) async fn types(client: &Client, options: &Options) -> Result<Vec<ObjectType>, Error> {
    let mut all: Vec<ObjectType> = BUILT_IN.to_vec();
    all.extend(
        client
            .objects()
            .send()
            .await?
            .into_iter()
            .map(|o| ObjectType::Custom(o.slug)),
    );
    Ok(all.into_iter().filter(|t| options.wants(t)).collect())
}

/// A type's definitions as the API answered.
type DefinitionsAnswer = lightfield::Result<lightfield::Response<lightfield::Definitions>>;

/// Every type's definitions, asked for at once: one round trip for all of them rather than
/// one per type (a second of a run against a distant server).
async fn all_definitions(client: &Client, types: &[ObjectType]) -> Vec<DefinitionsAnswer> {
    futures_util::future::join_all(types.iter().map(|t| {
        client
            .records_of(t.clone())
            .definitions()
            .send_with_response()
    }))
    .await
}

/// The schema phase for one type: a column per field of its definitions and a view per
/// relationship. A type with no definitions gets its columns from its records.
async fn schema(
    store: &mut dyn Store,
    object: &ObjectType,
    answer: DefinitionsAnswer,
    columns: &mut Columns,
    run: i64,
) -> Result<(), Error> {
    let (definitions, raw) = match answer {
        Ok(response) => {
            let raw: serde_json::Value =
                serde_json::from_slice(response.raw_body()).unwrap_or_default();
            (response.value().clone(), raw)
        }
        // Types without definitions (members, emails, lists) take their columns from records.
        Err(e) if e.is_not_found() || matches!(e, lightfield::Error::InvalidInput { .. }) => {
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    let fields: Vec<(String, String)> = definitions
        .fields
        .iter()
        .map(|(k, d)| (k.clone(), d.value_type.as_api().to_string()))
        .collect();
    columns.ensure(store, &fields, run).await?;
    let mut rows = Vec::new();
    for (kind, section, entries) in [
        (
            "field",
            "fieldDefinitions",
            definitions
                .fields
                .iter()
                .map(|(k, d)| (k, d.label.clone(), d.value_type.as_api().to_string()))
                .collect::<Vec<_>>(),
        ),
        (
            "relationship",
            "relationshipDefinitions",
            definitions
                .relationships
                .iter()
                .map(|(k, d)| (k, d.label.clone(), d.object_type.clone()))
                .collect(),
        ),
    ] {
        for (key, label, of) in entries {
            rows.push(crate::store::DefinitionRow {
                kind: kind.into(),
                key: key.clone(),
                label,
                of,
                raw: raw[section][key.as_str()].to_string(),
            });
        }
    }
    store.set_definitions(object.as_api(), &rows).await?;
    for (key, rel) in &definitions.relationships {
        let view = view_of(object, key);
        store
            .relationship(
                object.as_api(),
                key,
                &rel.object_type,
                rel.cardinality.as_api(),
                &view,
            )
            .await?;
    }
    Ok(())
}

/// Runs one sync of `client`'s organisation into `store` (what [`Mirror::sync`](crate::Mirror::sync)
/// does with its own store).
pub async fn sync(
    client: &Client,
    store: &mut (dyn Store + Send),
    options: &Options,
) -> Result<Summary, Error> {
    let started = Instant::now();
    preflight(client, store).await?;
    let run = store.open_run(&now()).await?;
    let mut counts = Counts::default();
    let mut summary = Summary {
        run: run.id,
        resumed: run.resumed,
        counts: Counts::default(),
        unstable: Vec::new(),
        capped: Vec::new(),
        forbidden: Vec::new(),
        elapsed: Duration::ZERO,
    };
    let result = async {
        let types = types(client, options).await?;
        let answers = all_definitions(client, &types).await;
        for (object, answer) in types.into_iter().zip(answers) {
            let table = table_of(&object);
            let mut columns = Columns::load(store, &object, &table).await?;
            match schema(store, &object, answer, &mut columns, run.id).await {
                Err(Error::Api(e)) if e.kind() == Some(&ErrorKind::Forbidden) => {
                    summary.forbidden.push(object.as_api().to_string());
                    continue;
                }
                other => other?,
            }
            let mut ending = Ending::Complete;
            let statuses: &[RecordStatus] = if object.lists_trash() {
                &[RecordStatus::Active, RecordStatus::Trashed]
            } else {
                &[RecordStatus::Active]
            };
            for status in statuses {
                let stream = Stream {
                    object: &object,
                    table: &table,
                    status: status.clone(),
                    run: run.id,
                    max_shifts: options.max_shifts,
                    on_progress: options.on_progress.as_ref(),
                };
                match stream
                    .read(client, store, &mut columns, &mut counts)
                    .await?
                {
                    Ending::Complete => {}
                    worse => ending = worse,
                }
            }
            let name = object.as_api().to_string();
            match ending {
                Ending::Complete => {
                    let at = (&object, table.as_str());
                    let gap = options.absence_gap;
                    reconcile(client, store, at, &mut columns, (run.id, gap), &mut counts).await?;
                    if object == ObjectType::List {
                        crate::members::mirror_members(client, store, &table, &mut counts).await?;
                    }
                    let fields: Vec<String> = options
                        .history
                        .iter()
                        .filter(|(t, _)| t == object.as_api())
                        .map(|(_, f)| f.clone())
                        .collect();
                    let at = (&object, table.as_str());
                    crate::history::mirror_history(client, store, at, &fields, run.id, &mut counts)
                        .await?;
                }
                Ending::Unstable => summary.unstable.push(name),
                Ending::Capped => summary.capped.push(name),
            }
        }
        if options.wants_name("file")
            && !crate::files::mirror_files(client, store, run.id, &mut counts).await?
        {
            summary.forbidden.push("file".into());
        }
        Ok::<(), Error>(())
    }
    .await;
    summary.counts = counts;
    summary.elapsed = started.elapsed();
    match result {
        Ok(()) => {
            store
                .close_run(run.id, "complete", &summary.counts, &now())
                .await?;
            Ok(summary)
        }
        // The run stays open: the next one continues it from the pages already written.
        Err(e) => Err(e),
    }
}
