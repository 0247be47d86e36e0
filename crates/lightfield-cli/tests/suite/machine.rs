//! Nothing an export does acts on the machine beyond the file asked for: `-o` to a FIFO
//! writes into it (renaming over it would replace it, as it replaced `/dev/null` when run
//! as root), a symbolic link keeps pointing where it did, and a killed export's temporary
//! file is gone after the next one.

use std::io::Read;
use std::process::Stdio;
use std::time::Duration;

use serde_json::json;

use crate::harness::*;

async fn accounts(count: usize) -> lightfield_mock::MockServer {
    let server = server().await;
    server.seed_records(
        "account",
        count,
        |i| json!({"$name": format!("Row {i:03}")}),
    );
    server
}

/// What a reader of the FIFO at `path` reads, once a writer closes it (a reader left
/// waiting means nothing was written into the pipe).
#[cfg(unix)]
fn reader(path: &std::path::Path) -> std::sync::mpsc::Receiver<String> {
    let (sent, read) = std::sync::mpsc::channel();
    let path = path.to_path_buf();
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::fs::File::open(&path).and_then(|mut f| f.read_to_string(&mut text));
        let _ = sent.send(text);
    });
    read
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn an_export_to_a_fifo_writes_into_it_and_leaves_it_a_fifo() {
    use std::os::unix::fs::FileTypeExt;
    let server = accounts(30).await;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("records.pipe");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::S_IRWXU).unwrap();
    let read = reader(&fifo);
    let out = run(
        &server,
        &["export", "account", "-o", fifo.to_str().unwrap()],
    );
    ok(&out);
    // A reader left waiting means nothing was written into the pipe (it was replaced).
    let read = read
        .recv_timeout(Duration::from_secs(10))
        .expect("the export wrote into the FIFO");
    assert_eq!(
        read.lines().count(),
        30,
        "every record went through the pipe"
    );
    let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(kind.is_fifo(), "still a FIFO: {kind:?}");
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn an_export_through_a_symbolic_link_replaces_the_file_it_names() {
    let server = accounts(3).await;
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.jsonl");
    std::fs::write(&real, "old\n").unwrap();
    let link = dir.path().join("latest.jsonl");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    ok(&run(
        &server,
        &["export", "account", "-o", link.to_str().unwrap()],
    ));
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert_eq!(std::fs::read_to_string(&real).unwrap().lines().count(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_exports_temporary_file_is_gone_after_the_next_export() {
    let server = accounts(200).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("backup.jsonl");
    let path = path.to_str().unwrap();
    server.set_latency(Duration::from_millis(300));
    let mut child = at(&server)
        .args(["export", "account", "-o", path, "--concurrency", "1"])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let temps = || {
        std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(".lightfield-export-")
            })
            .count()
    };
    let started = std::time::Instant::now();
    while temps() == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no temporary file"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL: no chance to tidy up
    let _ = child.wait();
    assert_eq!(temps(), 1, "the killed export left its temporary file");
    server.set_latency(Duration::ZERO);
    ok(&run(&server, &["export", "account", "-o", path]));
    assert_eq!(temps(), 0, "the next export removed it");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_field_key_that_reads_as_a_formula_is_neutralised_in_the_csv_header_and_read_back() {
    let server = accounts(2).await;
    assert!(server.add_field("account", "=HYPERLINK(\"x\")", "Sneaky", "TEXT"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("accounts.csv");
    ok(&run(
        &server,
        &["export", "account", "-o", file.to_str().unwrap()],
    ));
    let written = std::fs::read_to_string(&file).unwrap();
    let header = written.lines().next().unwrap();
    assert!(header.contains("'=HYPERLINK"), "{header}");
    assert!(
        !header
            .split(',')
            .any(|c| c.trim_matches('"').starts_with('=')),
        "{header}"
    );
    // Read back as the key it is: the dry run finds every column a known key.
    let dry = run(
        &server,
        &["import", "account", file.to_str().unwrap(), "--dry-run"],
    );
    ok(&dry);
    assert!(
        text(&dry.stderr).contains("0 with problems"),
        "{}",
        text(&dry.stderr)
    );
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn a_download_to_a_fifo_writes_into_it_and_leaves_it_a_fifo() {
    use std::os::unix::fs::FileTypeExt;
    let server = server().await;
    let file = sdk(&server)
        .files()
        .upload("notes.txt", "text/plain", b"hello".as_slice())
        .send()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("download.pipe");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::S_IRWXU).unwrap();
    let read = reader(&fifo);
    ok(&run(
        &server,
        &["files", "download", &file.id, "-o", fifo.to_str().unwrap()],
    ));
    let read = read
        .recv_timeout(Duration::from_secs(10))
        .expect("the download wrote into the FIFO");
    assert_eq!(read, "hello");
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
}

/// Plain http is allowed to a server on this machine because it never leaves the host: a
/// proxy named by `HTTP_PROXY` must not carry it (and the key) off it.
#[tokio::test(flavor = "multi_thread")]
async fn a_proxy_variable_does_not_carry_a_loopback_request_off_the_machine() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let server = accounts(2).await;
    let proxy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    proxy.set_nonblocking(true).unwrap();
    let reached = std::sync::Arc::new(AtomicUsize::new(0));
    {
        let reached = reached.clone();
        std::thread::spawn(move || {
            for stream in proxy.incoming() {
                match stream {
                    Ok(_) => {
                        reached.fetch_add(1, Ordering::SeqCst);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
    }
    let mut command = at(&server);
    command
        .env("HTTP_PROXY", &proxy_url)
        .env("http_proxy", &proxy_url)
        .env("ALL_PROXY", &proxy_url)
        .env_remove("NO_PROXY")
        .env_remove("no_proxy");
    let out = run_with(command, &["accounts", "list", "--format", "json"], b"");
    ok(&out);
    assert_eq!(json(&out)["totalCount"], 2);
    assert_eq!(reached.load(Ordering::SeqCst), 0, "the proxy was reached");
}
