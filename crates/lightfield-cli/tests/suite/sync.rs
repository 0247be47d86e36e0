//! `lightfield sync` as a user runs it: a mirror made and kept current, another
//! organisation refused, and a sync killed at random points finished by the next run, into
//! a SQLite file and into Postgres.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use lightfield_sync::rusqlite::Connection;
use serde_json::json;

use crate::cluster::Cluster;
use crate::harness::*;

/// Every row of every record table: `(table, id, status, raw)`.
fn dump(path: &Path) -> BTreeSet<(String, String, String, String)> {
    let db = Connection::open(path).expect("the mirror opens");
    let tables: Vec<String> = db
        .prepare(
            "SELECT m.name FROM sqlite_master m WHERE m.type = 'table'
             AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE name = '_raw')",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let mut out = BTreeSet::new();
    for table in tables {
        let query = format!("SELECT id, _status, _raw FROM \"{table}\"");
        let mut statement = db.prepare(&query).unwrap();
        let rows = statement
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap();
        for row in rows {
            let (id, status, raw): (String, String, String) = row.unwrap();
            out.insert((table.clone(), id, status, raw));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mirror_is_made_then_kept_current_and_says_how_it_stands() {
    let server = server().await;
    server.seed_records("account", 40, |i| json!({"$name": format!("Account {i}")}));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    let db_arg = db.to_str().unwrap();
    let first = run(&server, &["sync", db_arg]);
    ok(&first);
    let said = text(&first.stderr);
    assert!(said.starts_with("synced "), "{said}");
    let second = run(&server, &["sync", db_arg]);
    ok(&second);
    assert!(
        text(&second.stderr).contains("(0 written"),
        "{}",
        text(&second.stderr)
    );
    // status needs no key: it reads the file.
    let status = run_with(bare(), &["sync", "status", db_arg, "--format", "json"], b"");
    ok(&status);
    let status = json(&status);
    assert_eq!(status["runs"].as_array().map(Vec::len), Some(2), "{status}");
    let accounts = status["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["table"] == "accounts")
        .cloned()
        .unwrap();
    assert_eq!(accounts["active"], 40, "{status}");
    let plan = run(
        &server,
        &["sync", "--plan", "--only", "accounts", "--format", "json"],
    );
    ok(&plan);
    assert_eq!(json(&plan)[0]["records"], 40);
    assert!(
        text(&plan.stderr).contains("calls"),
        "{}",
        text(&plan.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mirror_of_another_organisation_is_refused_before_anything_is_written() {
    let (one, other) = (server().await, server().await);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    let db_arg = db.to_str().unwrap();
    ok(&run(&one, &["sync", db_arg, "--only", "account"]));
    let before = dump(&db);
    let refused = run(&other, &["sync", db_arg, "--only", "account"]);
    assert_eq!(refused.status.code(), Some(5), "{}", text(&refused.stderr));
    assert!(
        text(&refused.stderr).contains("another organisation"),
        "{}",
        text(&refused.stderr)
    );
    assert_eq!(dump(&db), before);
}

/// Where a test's mirrors go: SQLite files in a directory, or schemas of a Postgres cluster.
enum Mirrors {
    Files(tempfile::TempDir),
    Postgres(Cluster),
}

impl Mirrors {
    /// The arguments that name mirror `name`.
    fn args(&self, name: &str) -> Vec<String> {
        match self {
            Mirrors::Files(dir) => vec![dir.path().join(name).to_string_lossy().into_owned()],
            Mirrors::Postgres(cluster) => vec![cluster.url(), "--schema".into(), name.into()],
        }
    }

    /// Every row of every record table of mirror `name`: `(table, id, status, raw)`.
    async fn dump(&self, name: &str) -> BTreeSet<(String, String, String, String)> {
        match self {
            Mirrors::Files(dir) => dump(&dir.path().join(name)),
            Mirrors::Postgres(cluster) => {
                use lightfield_sync::Store;
                let mut store = lightfield_sync::Postgres::connect(&cluster.url(), name)
                    .await
                    .expect("the mirror is free again: a killed sync holds no lock");
                let mut out = BTreeSet::new();
                for table in store.tables().await.unwrap() {
                    for row in store.dump(&table).await.unwrap() {
                        out.insert((table.clone(), row.id, row.status, row.raw));
                    }
                }
                out
            }
        }
    }
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

/// `lightfield sync` killed (SIGKILL) at 20 points, then run once more, leaves the mirror
/// an uninterrupted run makes.
async fn killed_at_random_points_then_finished(mirrors: Mirrors) {
    let server = server().await;
    server.seed_records("vendor", 150, |i| json!({"$name": format!("Vendor {i}")}));
    server.seed_records("account", 100, |i| json!({"$name": format!("Account {i}")}));
    server.set_latency(Duration::from_millis(10));
    let sync = |name: &str| {
        let mut args = vec!["sync".to_string()];
        args.extend(mirrors.args(name));
        args
    };
    ok(&run(&server, &strs(&sync("whole"))));
    // A fixed sequence of kill times, different at each point (no clock in the seed: a
    // failure can be replayed).
    let mut seed: u64 = 0x5eed;
    let mut kills = 0;
    for _ in 0..20 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let after = Duration::from_millis(20 + (seed >> 33) % 400);
        let mut child = at(&server)
            .args(sync("killed"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        tokio::time::sleep(after).await;
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL: no chance to tidy up
            kills += 1;
        }
        child.wait().unwrap();
    }
    assert!(kills >= 12, "only {kills} runs were killed mid-way");
    let last = run(&server, &strs(&sync("killed")));
    ok(&last);
    let (killed, whole) = (mirrors.dump("killed").await, mirrors.dump("whole").await);
    let ids = |rows: &mut dyn Iterator<Item = &(String, String, String, String)>| {
        rows.map(|(table, id, status, _)| format!("{table}/{id} {status}"))
            .collect::<Vec<_>>()
    };
    assert!(
        killed == whole,
        "killed {kills} times; missing or different: {:?}; extra or different: {:?}",
        ids(&mut whole.difference(&killed)),
        ids(&mut killed.difference(&whole)),
    );
}

#[tokio::test(flavor = "multi_thread")]
#[cfg(unix)]
async fn a_sync_killed_at_random_points_is_finished_by_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    killed_at_random_points_then_finished(Mirrors::Files(dir)).await;
}

#[tokio::test(flavor = "multi_thread")]
#[cfg(unix)]
async fn a_sync_into_postgres_killed_at_random_points_is_finished_by_the_next_run() {
    if let Some(cluster) = Cluster::start() {
        killed_at_random_points_then_finished(Mirrors::Postgres(cluster)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn watch_runs_again_at_its_interval_and_a_wrong_interval_is_refused() {
    let server = server().await;
    server.seed_records("account", 5, |i| json!({"$name": format!("Account {i}")}));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    let mut child = at(&server)
        .args([
            "sync",
            db.to_str().unwrap(),
            "--only",
            "account",
            "--watch",
            "1s",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(2600)).await;
    assert!(child.try_wait().unwrap().is_none(), "it keeps watching");
    child.kill().unwrap();
    child.wait().unwrap();
    let runs: i64 = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT COUNT(*) FROM _lf_runs WHERE status = 'complete'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(runs >= 2, "{runs} runs in 2.6 s at 1 s apart");
    let refused = run(
        &server,
        &["sync", db.to_str().unwrap(), "--history", "stage"],
    );
    assert_eq!(refused.status.code(), Some(5), "{}", text(&refused.stderr));
    let refused = run(&server, &["sync", db.to_str().unwrap(), "--watch", "fast"]);
    assert_eq!(refused.status.code(), Some(5), "{}", text(&refused.stderr));
    assert!(
        text(&refused.stderr).contains("30s, 5m or 1h"),
        "{}",
        text(&refused.stderr)
    );
}
