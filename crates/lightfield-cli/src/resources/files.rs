//! `lightfield files …`: uploads, downloads and file metadata.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use lightfield::{Client, FileInfo, Purpose};
use serde_json::{Value, json};

use crate::args::FilesAction;
use crate::exit::Failure;
use crate::output::Out;
use crate::records::take;

use super::Outcome;

fn file_json(file: &FileInfo) -> Value {
    json!({
        "id": file.id, "filename": file.filename, "mimeType": file.mime_type,
        "sizeBytes": file.size_bytes, "status": file.status.as_api(),
        "createdAt": file.created_at, "completedAt": file.completed_at,
    })
}

/// A media type from a file name's extension, for the common kinds.
fn guess_mime(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "txt" | "md" => "text/plain",
        "csv" => "text/csv",
        "json" => "application/json",
        "html" | "htm" => "text/html",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "mp3" => "audio/mpeg",
        "mp4" => "video/mp4",
        "wav" => "audio/wav",
        "vtt" => "text/vtt",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "application/octet-stream",
    }
}

/// `lightfield files …`.
pub async fn files(client: &Client, action: FilesAction, out: &Out) -> Outcome {
    let files = client.files();
    match action {
        FilesAction::List { limit, all } => {
            let (found, _) = take(files.list(), limit, all).await?;
            out.value(&Value::Array(found.iter().map(file_json).collect()))
        }
        FilesAction::Get { id } => out.value(&file_json(&files.retrieve(id).send().await?)),
        FilesAction::Cancel { id } => out.value(&file_json(&files.cancel(id).send().await?)),
        FilesAction::Upload {
            path,
            mime_type,
            purpose,
        } => {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .ok_or_else(|| Failure::Local(format!("{} has no file name", path.display())))?
                .to_string();
            let mime = mime_type.unwrap_or_else(|| guess_mime(&path).to_string());
            let mut upload = files.upload(name, mime, path.as_path());
            if let Some(purpose) = purpose {
                upload = upload.purpose(Purpose::from_api(&purpose));
            }
            out.value(&file_json(&upload.send().await?))
        }
        FilesAction::Download { id, output } => {
            let info = files.retrieve(&id).send().await?;
            let named = output.is_none();
            let target = match output {
                Some(path) => path,
                None => name_here(&info.filename)?,
            };
            if named && target.exists() {
                return Err(Failure::Local(format!(
                    "{} exists; pass `-o {}` to replace it, or `-o` another name",
                    target.display(),
                    target.display()
                )));
            }
            let bytes = files.download(&id).await?;
            if !named && target.as_os_str() == "-" {
                let mut stdout = std::io::stdout().lock();
                // The bytes are the uploader's: on a terminal, escape sequences in them
                // would be obeyed (as curl warns of binary output).
                let control = |b: &u8| b.is_ascii_control() && !matches!(b, b'\n' | b'\r' | b'\t');
                if stdout.is_terminal() && bytes.iter().any(control) {
                    return Err(Failure::Local(format!(
                        "{} holds control characters, which a terminal would obey; pipe it \
                         (`| less`) or write it to a file with `-o FILE`",
                        crate::view::one_line(&info.filename)
                    )));
                }
                return stdout
                    .write_all(&bytes)
                    .map_err(crate::output::write_failed);
            }
            // Complete or untouched: written beside the target, renamed into place.
            crate::output::write_whole(&target, &bytes)?;
            eprintln!("wrote {} ({} bytes)", target.display(), bytes.len());
            Ok(())
        }
    }
}

/// Where a download goes when no `-o` is given: the file's name, in this directory. The
/// name is text from whoever uploaded the file, so only its last part is used (never a folder,
/// an absolute path or standard output), and a name that is no file name is refused.
fn name_here(filename: &str) -> Result<PathBuf, Failure> {
    let last = filename.rsplit(['/', '\\']).next().unwrap_or_default();
    let usable = !matches!(last, "" | "." | ".." | "-") && !last.chars().any(char::is_control);
    if !usable {
        return Err(Failure::Local(format!(
            "the file's name `{}` cannot be used here; pass `-o` with a name",
            crate::view::one_line(filename)
        )));
    }
    if last != filename {
        eprintln!(
            "the file's name `{}` has folders; writing `{last}` in this directory",
            crate::view::one_line(filename)
        );
    }
    Ok(PathBuf::from(last))
}
