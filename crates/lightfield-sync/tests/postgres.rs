//! The mirror in Postgres (`postgres` feature): the same checks as on SQLite, against a
//! throwaway cluster this test starts on a free port from Debian's `postgresql` packages
//! (`initdb` and `postgres`), and stops when it ends. Without them the suite says why it
//! skips; CI (`LIGHTFIELD_REQUIRE_POSTGRES=1`, set by `.ci/run`) requires them.
#![cfg(feature = "postgres")]

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use lightfield_sync::Postgres;
use serde_json::json;

/// A cluster in a temporary directory, stopped (killed) when dropped.
struct Cluster {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where `initdb` and `postgres` are: Debian's versioned directory, newest first.
fn binaries() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|d| d.join("initdb").exists() && d.join("postgres").exists())
        .collect();
    dirs.sort();
    dirs.pop()
}

/// Runs `program` as the `postgres` user when this process is root (Postgres refuses to
/// run as root), as this user otherwise.
fn as_owner(program: &Path, root: bool) -> Command {
    if root {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn start() -> Option<Cluster> {
    let Some(bin) = binaries() else {
        let required = std::env::var("LIGHTFIELD_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "Postgres is required but not installed: apt-get install postgresql"
        );
        eprintln!("SKIPPED: no Postgres under /usr/lib/postgresql (apt-get install postgresql)");
        return None;
    };
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let data = dir.path().join("data");
    if root {
        let owned = Command::new("chown")
            .args(["-R", "postgres"])
            .arg(dir.path())
            .status()
            .expect("chown runs");
        assert!(
            owned.success(),
            "cannot hand the directory to the postgres user"
        );
    }
    let initdb = as_owner(&bin.join("initdb"), root)
        .arg("-D")
        .arg(&data)
        .args(["-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("initdb runs");
    assert!(initdb.success(), "initdb failed");
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let child = as_owner(&bin.join("postgres"), root)
        .arg("-D")
        .arg(&data)
        .args(["-p", &port.to_string(), "-k"])
        .arg(dir.path())
        .args(["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("postgres starts");
    let cluster = Cluster {
        child,
        port,
        _dir: dir,
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "Postgres did not listen within 30 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(cluster)
}

fn url(cluster: &Cluster) -> String {
    format!("postgres://postgres@127.0.0.1:{}/postgres", cluster.port)
}

/// Connects, retrying while the server finishes starting up.
async fn connect(cluster: &Cluster, schema: &str) -> Postgres {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match Postgres::connect(&url(cluster), schema).await {
            Ok(store) => return store,
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("cannot connect: {e}"),
        }
    }
}

#[tokio::test]
async fn a_postgres_mirror_holds_what_the_server_has_mirrors_deletes_and_resumes() {
    use lightfield_mock::Fault;
    let Some(cluster) = start() else {
        return;
    };
    let server = server().await;
    let client = client(&server);
    let accounts = organisation(&server, &client).await;
    let vendors = server.record_ids_of("vendor");
    let mut store = connect(&cluster, "lightfield").await;
    let options = options();

    // A run cut short by a failure, then continued.
    server.inject(
        Fault::status(503)
            .exactly("/v1/objects/vendor")
            .after(1)
            .always(),
    );
    assert!(
        lightfield_sync::sync(&client, &mut store, &options)
            .await
            .is_err()
    );
    server.clear_faults();
    let first = lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    assert!(first.resumed);
    assert_eq!(
        held(&mut store).await,
        served(&server),
        "the mirror is the server's records"
    );
    assert_eq!(held_links(&mut store).await, served_links(&server));

    let second = lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    assert_eq!(second.counts.written, 0, "{second:?}");

    // Trash (listed, and by two absences), purge, restore.
    client
        .accounts()
        .delete(&accounts[20])
        .send()
        .await
        .unwrap();
    client
        .object("vendor")
        .delete(&vendors[3])
        .send()
        .await
        .unwrap();
    assert!(server.purge_record("account", &accounts[0]));
    let run = lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    assert_eq!((run.counts.trashed, run.counts.deleted), (1, 1), "{run:?}");
    let run = lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    assert_eq!((run.counts.trashed, run.counts.deleted), (1, 0), "{run:?}");
    client
        .accounts()
        .restore(&accounts[20])
        .send()
        .await
        .unwrap();
    let run = lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    assert_eq!(run.counts.restored, 1, "{run:?}");
    assert_eq!(held(&mut store).await, served(&server));
    assert_eq!(held_links(&mut store).await, served_links(&server));

    // A second sync of the same schema is refused while this one holds it.
    let refused = Postgres::connect(&url(&cluster), "lightfield").await;
    assert!(
        matches!(refused, Err(lightfield_sync::Error::Refused(_))),
        "{:?}",
        refused.err()
    );
}

#[tokio::test]
async fn a_postgres_mirror_takes_new_fields_and_values_of_another_type_in_columns_of_their_own() {
    let Some(cluster) = start() else {
        return;
    };
    let server = server().await;
    let client = client(&server);
    server.seed_records(
        "account",
        3,
        |i| json!({"$name": format!("Account {i}"), "seats": i}),
    );
    let mut store = connect(&cluster, "crm").await;
    let options = options()
        .only(["account"])
        .history([("account".to_string(), "$name".to_string())]);
    let renamed = client.accounts().create("Renamed").send().await.unwrap();
    client
        .accounts()
        .update(&renamed.id)
        .field("$name", "Renamed twice")
        .send()
        .await
        .unwrap();
    lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    assert!(server.add_field("account", "region", "Region", "TEXT"));
    server.insert_record_json_of(
        "account",
        json!({"id": "acc_retyped", "createdAt": "2026-01-01T00:00:00Z",
               "fields": {"$name": {"value": "Retyped", "valueType": "TEXT"},
                          "seats": {"value": "about forty", "valueType": "TEXT"}},
               "relationships": {}}),
    );
    lightfield_sync::sync(&client, &mut store, &options)
        .await
        .unwrap();
    let expected: std::collections::BTreeSet<_> = served(&server)
        .into_iter()
        .filter(|(t, ..)| t == "account")
        .collect();
    assert_eq!(held(&mut store).await, expected);
    use lightfield_sync::Store;
    let newest = store.newest_history(&renamed.id, "$name").await.unwrap();
    assert!(newest.is_some(), "the history was kept in Postgres too");
}

#[tokio::test]
async fn a_postgres_mirror_holds_files_as_sent_and_deletes_them_only_on_a_404() {
    let Some(cluster) = start() else {
        return;
    };
    let server = server().await;
    let client = client(&server);
    let mut store = connect(&cluster, "files").await;
    files_scenario(&server, &client, &mut store).await;
}
