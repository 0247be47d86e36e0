//! `lightfield export TYPE`: every matching record, pages fetched concurrently at the
//! Search rate limit, written one record at a time (constant memory), as JSON lines or CSV.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use futures_util::StreamExt;
use lightfield::{Client, ObjectType, Record};

use crate::exit::Failure;
use crate::output::Columns;
use crate::records::filtered;
use crate::{progress, rows};

/// What `export` was asked to do.
pub struct Export {
    pub object: ObjectType,
    pub filters: Vec<String>,
    pub output: Option<PathBuf>,
    pub concurrency: usize,
    /// CSV rather than JSON lines.
    pub csv: bool,
}

pub async fn run(client: &Client, export: Export) -> Result<(), Failure> {
    let started = Instant::now();
    let list = || {
        filtered(
            client.records_of(export.object.clone()).list(),
            &export.filters,
        )
    };
    // One small request for the total, so the progress bar can say how far along it is.
    let total = list()?.limit(1).send().await?.total_count;
    let failed = |e: &dyn std::fmt::Display| Failure::Local(format!("cannot write: {e}"));
    let sink: Box<dyn Write> = match &export.output {
        Some(path) => Box::new(
            std::fs::File::create(path)
                .map_err(|e| Failure::Local(format!("cannot create {}: {e}", path.display())))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = if export.csv {
        let columns = Columns::of_definitions(&*client.schema(export.object.clone()).await?);
        // The CSV writer buffers by itself.
        let mut writer = csv::Writer::from_writer(sink);
        writer
            .write_record(columns.header())
            .map_err(|e| failed(&e))?;
        Out::Csv(columns, Box::new(writer))
    } else {
        Out::Jsonl(std::io::BufWriter::new(sink))
    };
    let bar = progress::bar(total, "records");
    let mut stream = Box::pin(list()?.export(export.concurrency));
    let mut count = 0u64;
    // One record at a time to the sink: memory stays flat however many records there are.
    while let Some(record) = stream.next().await {
        let record: Record = record?;
        match &mut out {
            Out::Csv(columns, writer) => writer
                .write_record(columns.row(&record))
                .map_err(|e| failed(&e))?,
            Out::Jsonl(sink) => {
                serde_json::to_writer(&mut *sink, &record.to_json()).map_err(|e| failed(&e))?;
                sink.write_all(b"\n").map_err(|e| failed(&e))?;
            }
        }
        count += 1;
        bar.inc(1);
    }
    match &mut out {
        Out::Csv(_, writer) => writer.flush(),
        Out::Jsonl(sink) => sink.flush(),
    }
    .map_err(|e| failed(&e))?;
    bar.finish_and_clear();
    let elapsed = started.elapsed();
    eprintln!(
        "exported {count} records in {elapsed:.1?} ({:.0} records/s){}",
        count as f64 / elapsed.as_secs_f64().max(1e-9),
        peak_memory().map_or(String::new(), |m| format!("; peak memory {m}"))
    );
    Ok(())
}

/// Where records go.
enum Out {
    Csv(Columns, Box<csv::Writer<Box<dyn Write>>>),
    Jsonl(std::io::BufWriter<Box<dyn Write>>),
}

/// Whether `path` names a CSV file.
pub fn is_csv(path: Option<&std::path::Path>) -> bool {
    path.is_some_and(|p| rows::Kind::of(p) == rows::Kind::Csv)
}

/// The process's peak resident memory, where the system says (Linux).
fn peak_memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(format!("{:.1} MiB", kib as f64 / 1024.0))
}
