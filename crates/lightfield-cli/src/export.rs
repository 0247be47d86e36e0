//! `lightfield export TYPE`: every matching record, pages fetched concurrently at the
//! Search rate limit, written one record at a time (constant memory), as JSON lines or CSV.
//! A file is complete or untouched: it is written beside its target and renamed into place
//! at the end. CSV cells cannot run as spreadsheet formulas unless `--raw-csv` says so.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use futures_util::StreamExt;
use lightfield::{Client, ObjectType, Record};

use crate::exit::Failure;
// Standard output read by `| head` ends quietly; any other write failure is an error.
use crate::import::rows;
use crate::output::{Columns, write_failed};
use crate::{progress, safe};

/// What `export` was asked to do.
pub struct Export {
    pub object: ObjectType,
    pub filters: Vec<String>,
    pub output: Option<PathBuf>,
    pub concurrency: usize,
    /// CSV rather than JSON lines.
    pub csv: bool,
    /// CSV cells as stored, formulas and all.
    pub raw_csv: bool,
}

pub async fn run(client: &Client, export: Export) -> Result<(), Failure> {
    let started = Instant::now();
    // Filter values are read by the type's fields, as `list --filter` reads them.
    let definitions = match export.filters.is_empty() {
        true => None,
        false => crate::records::definitions(client, &export.object).await,
    };
    let list = || {
        crate::values::filtered(
            client.records_of(export.object.clone()).list(),
            &export.filters,
            &export.object,
            definitions.as_deref(),
        )
    };
    // A file is written beside its target and renamed over it only when complete: a failed
    // or killed export leaves the earlier file as it was.
    let target = match &export.output {
        Some(path) => Some(Target::beside(path)?),
        None => None,
    };
    // A list whose pages shift under the export (records created or deleted before the
    // page being read) is read again from the start, into the same temporary file: the
    // file written is one consistent reading or nothing.
    let mut attempt = 1;
    let (count, total) = loop {
        let sink: Box<dyn Write> = match &target {
            Some(target) => Box::new(target.file()?),
            None => Box::new(std::io::stdout().lock()),
        };
        match write_all(client, &export, &list, sink).await {
            Ok(done) => break done,
            Err(Failure::Sdk(lightfield::Error::Shifted(why)))
                if attempt < SHIFT_ATTEMPTS && target.as_ref().is_some_and(Target::can_restart) =>
            {
                eprintln!(
                    "the records changed during the export ({why}); reading them again \
                     ({attempt} of {SHIFT_ATTEMPTS} tries)"
                );
                attempt += 1;
            }
            Err(failure) => {
                if let (Some(path), Some(Target::Beside { .. })) = (&export.output, &target) {
                    eprintln!("export failed; {} was left as it was", path.display());
                }
                return Err(failure);
            }
        }
    };
    if let Some(target) = target {
        target.commit()?;
    }
    let elapsed = started.elapsed();
    eprintln!(
        "exported {} in {elapsed:.1?} ({:.0} records/s){}",
        crate::view::counted(count, "record", "records"),
        count as f64 / elapsed.as_secs_f64().max(1e-9),
        crate::progress::peak_memory().map_or(String::new(), |m| format!("; peak memory {m}"))
    );
    if count != total {
        // Paging is by offset: records created or deleted meanwhile shift the pages.
        eprintln!(
            "warning: {total} records matched when the export started and {count} were written: \
             the records changed during the export, so it is not a snapshot (some may be \
             missing or repeated); run it again when they are quiet"
        );
    }
    Ok(())
}

/// Writes every record to `sink`; answers how many, and how many matched at the start.
async fn write_all(
    client: &Client,
    export: &Export,
    list: &impl Fn() -> Result<lightfield::Listing<Record>, Failure>,
    sink: Box<dyn Write>,
) -> Result<(u64, u64), Failure> {
    // One small request for the total, so the progress bar can say how far along it is.
    let total = list()?.limit(1).send().await?.total_count;
    let mut out = if export.csv {
        let columns = Columns::of_definitions(&*client.schema(export.object.clone()).await?);
        // The CSV writer buffers by itself.
        let mut writer = csv::Writer::from_writer(sink);
        // The header is the organisation's field keys: text another admin chose, so it is
        // neutralised like the cells (and read back the same way by `import`).
        let header = columns.header();
        if export.raw_csv {
            writer.write_record(&header)
        } else {
            writer.write_record(header.iter().map(|c| safe::to_csv(c).into_owned()))
        }
        .map_err(write_failed)?;
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
            Out::Csv(columns, writer) => {
                let row = columns.row(&record);
                let result = if export.raw_csv {
                    writer.write_record(&row)
                } else {
                    writer.write_record(row.iter().map(|c| safe::to_csv(c).into_owned()))
                };
                result.map_err(write_failed)?
            }
            Out::Jsonl(sink) => {
                serde_json::to_writer(&mut *sink, &record.to_json()).map_err(write_failed)?;
                sink.write_all(b"\n").map_err(write_failed)?;
            }
        }
        count += 1;
        bar.inc(1);
    }
    match &mut out {
        Out::Csv(_, writer) => writer.flush(),
        Out::Jsonl(sink) => sink.flush(),
    }
    .map_err(write_failed)?;
    bar.finish_and_clear();
    Ok((count, total))
}

/// Where an export goes: a regular file written beside its final name and renamed into
/// place at the end, or something that is not a regular file (a device, a FIFO, a
/// terminal), written directly: renaming over `/dev/null` or a pipe would replace it.
enum Target {
    Beside {
        temp: tempfile::NamedTempFile,
        path: PathBuf,
    },
    Direct(std::fs::File),
}

/// How many times an export whose pages shifted is read, in all.
const SHIFT_ATTEMPTS: u32 = 3;

/// What temporary exports are called: the process's id in the name, so a later export can
/// tell one whose process was killed from one still being written.
const TEMP_PREFIX: &str = ".lightfield-export-";

impl Target {
    fn beside(path: &Path) -> Result<Self, Failure> {
        let cannot =
            |e: std::io::Error| Failure::Local(format!("cannot write {}: {e}", path.display()));
        if let Ok(meta) = std::fs::metadata(path)
            && !meta.is_file()
        {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(cannot)?;
            return Ok(Self::Direct(file));
        }
        // A symbolic link keeps pointing where it did: the file it names is replaced.
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        remove_abandoned(&dir);
        let temp = tempfile::Builder::new()
            .prefix(&format!("{TEMP_PREFIX}{}-", std::process::id()))
            .tempfile_in(&dir)
            .map_err(|e| Failure::Local(format!("cannot write in {}: {e}", dir.display())))?;
        Ok(Self::Beside { temp, path })
    }

    /// The file to write, from its start: a temporary file is emptied first (an export
    /// read again after its pages shifted starts over).
    fn file(&self) -> Result<std::fs::File, Failure> {
        match self {
            Self::Beside { temp, .. } => temp.as_file().set_len(0).and_then(|()| temp.reopen()),
            Self::Direct(file) => file.try_clone(),
        }
        .map_err(|e| Failure::Local(format!("cannot write the export: {e}")))
    }

    /// Whether what was written can be taken back (a temporary file, not a device or FIFO).
    fn can_restart(&self) -> bool {
        matches!(self, Self::Beside { .. })
    }

    /// Makes the file durable, then puts it in place (an atomic rename).
    fn commit(self) -> Result<(), Failure> {
        let Self::Beside { temp, path } = self else {
            return Ok(());
        };
        let failed = |e: &dyn std::fmt::Display| {
            Failure::Local(format!("cannot write {}: {e}", path.display()))
        };
        temp.as_file().sync_all().map_err(|e| failed(&e))?;
        temp.persist(&path).map_err(|e| failed(&e.error))?;
        Ok(())
    }
}

/// Removes the temporary files of exports into `dir` whose process has ended (killed: one
/// that ends any other way removes its own). Where the system cannot say whether a process
/// lives (not Linux), a day-old one counts as abandoned.
fn remove_abandoned(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(TEMP_PREFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let abandoned = if cfg!(target_os = "linux") {
            pid != std::process::id() && !Path::new("/proc").join(pid.to_string()).exists()
        } else {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t.elapsed().is_ok_and(|age| age.as_secs() > 86_400))
        };
        if abandoned {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Where records go.
enum Out {
    Csv(Columns, Box<csv::Writer<Box<dyn Write>>>),
    Jsonl(std::io::BufWriter<Box<dyn Write>>),
}

/// Whether `path` names a CSV file.
/// Whether to write CSV (a `.csv` name or `--format csv`) rather than JSON lines; any other
/// format is refused rather than silently written as JSON lines.
pub fn wants_csv(
    path: Option<&std::path::Path>,
    format: Option<crate::args::Format>,
) -> Result<bool, Failure> {
    use crate::args::Format;
    let csv_name = path.is_some_and(|p| rows::Kind::of(p) == rows::Kind::Csv);
    let json_name = path
        .and_then(|p| p.extension())
        .is_some_and(|e| e.eq_ignore_ascii_case("json") || e.eq_ignore_ascii_case("yaml"));
    let why = "export writes one record per line, in constant memory: JSON lines (`.jsonl`, \
               --format jsonl) or CSV (`.csv`, --format csv); for one JSON or YAML document use \
               `lightfield TYPE list --all --format json`";
    match format {
        Some(Format::Csv) => Ok(true),
        Some(Format::Jsonl) if csv_name => Err(Failure::Local(format!(
            "--format jsonl with a `.csv` file name; {why}"
        ))),
        Some(Format::Jsonl) => Ok(false),
        Some(Format::Json) => Err(Failure::Local(format!("--format json: {why}"))),
        Some(Format::Yaml) => Err(Failure::Local(format!("--format yaml: {why}"))),
        _ if json_name => Err(Failure::Local(format!(
            "{} would not hold one JSON document; {why}",
            path.map(|p| p.display().to_string()).unwrap_or_default()
        ))),
        // A table (a terminal's default) has no meaning for a file: the name decides.
        _ => Ok(csv_name),
    }
}
