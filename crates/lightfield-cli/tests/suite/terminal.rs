//! What a person sees: the binary run on a pseudo-terminal of 80 columns, its screen kept
//! as a snapshot (`snapshots/`) a reviewer can read, and every line within the width; and
//! what of it reaches a pipe; and a key typed at `auth login`, never shown.

use std::io::Read;

use lightfield_mock::MockServer;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use serde_json::json;
use unicode_width::UnicodeWidthStr;

use super::harness::{KEY, sdk, server};

/// Runs the binary with `args` on an 80-column terminal; answers what it printed, with
/// `\r\n` as `\n`, after checking that it succeeded.
fn on_terminal(server: &MockServer, args: &[&str], colour: bool) -> String {
    let (succeeded, screen) = terminal_run(server, args, colour);
    assert!(succeeded, "{screen}");
    screen
}

/// Runs the binary with `args` on an 80-column terminal: whether it succeeded, and what it
/// printed.
fn terminal_run(server: &MockServer, args: &[&str], colour: bool) -> (bool, String) {
    let pty = native_pty_system();
    let pair = pty
        .openpty(PtySize {
            rows: 50,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("a pseudo-terminal");
    let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_lightfield"));
    command.args(args);
    command.env("LIGHTFIELD_API_KEY", KEY);
    command.env("LIGHTFIELD_BASE_URL", server.url());
    command.env(
        "LIGHTFIELD_CONFIG",
        "/nonexistent/lightfield-test-config.toml",
    );
    command.env_remove("LIGHTFIELD_FORMAT");
    command.env_remove("COLUMNS");
    if colour {
        command.env_remove("NO_COLOR");
    } else {
        command.env("NO_COLOR", "1");
    }
    let mut child = pair.slave.spawn_command(command).expect("spawned");
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().expect("a reader");
    let mut out = Vec::new();
    // The read ends with an error (EIO) once the child has closed the terminal.
    let _ = reader.read_to_end(&mut out);
    let status = child.wait().expect("the child ends");
    (
        status.success(),
        String::from_utf8_lossy(&out).replace("\r\n", "\n"),
    )
}

/// Runs `command` on a terminal wide enough for its question (200 columns), waits until
/// `ready` (given the screen so far, and whether the terminal still echoes) says the
/// question is asked, types `typed` as a person would, and answers whether the command
/// succeeded and what the screen showed.
fn answered_on_terminal(
    command: CommandBuilder,
    ready: impl Fn(&str, bool) -> bool,
    typed: &[u8],
) -> (bool, String) {
    use std::io::Write;
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 200,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("a pseudo-terminal");
    let mut child = pair.slave.spawn_command(command).expect("spawned");
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().expect("a reader");
    let mut writer = pair.master.take_writer().expect("a writer");
    let shown = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let reading = {
        let shown = shown.clone();
        std::thread::spawn(move || {
            let mut chunk = [0u8; 256];
            // Ends with an error (EIO) once the child has closed the terminal.
            while let Ok(n @ 1..) = reader.read(&mut chunk) {
                shown.lock().unwrap().extend_from_slice(&chunk[..n]);
            }
        })
    };
    let screen = || String::from_utf8_lossy(&shown.lock().unwrap()).into_owned();
    let echoing = || {
        pair.master
            .get_termios()
            .is_none_or(|t| t.local_flags.contains(nix::sys::termios::LocalFlags::ECHO))
    };
    let asked = std::time::Instant::now();
    while !ready(&screen(), echoing()) {
        assert!(
            asked.elapsed().as_secs() < 20,
            "no question (echoing: {}): {}",
            echoing(),
            screen()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    writer.write_all(typed).expect("typed");
    writer.flush().unwrap();
    let succeeded = child.wait().expect("ends").success();
    drop(writer);
    reading.join().unwrap();
    (succeeded, screen())
}

/// Records with fixed ids and times, so the screen is the same on every run.
fn seed(server: &MockServer) {
    let accounts = [
        ("Acme Rockets", "Gold", 120, "https://acme.example"),
        ("株式会社テスト", "Silver", 35, "https://test.example.jp"),
        (
            "Umbrella Health and Pharmaceuticals International",
            "Bronze",
            5000,
            "",
        ),
    ];
    for (i, (name, tier, seats, site)) in accounts.into_iter().enumerate() {
        let website = if site.is_empty() {
            json!([])
        } else {
            json!([site])
        };
        server.insert_record_json(json!({
            "id": format!("acc_{:010}", i + 1),
            "createdAt": "2026-11-02T09:30:00Z",
            "httpLink": format!("https://app.lightfield.app/accounts/acc_{:010}", i + 1),
            "fields": {
                "$name": {"value": name, "valueType": "TEXT"},
                "tier": {"value": tier, "valueType": "SINGLE_SELECT"},
                "seats": {"value": seats, "valueType": "NUMBER"},
                "$website": {"value": website, "valueType": "URL"},
                "notes": {
                    "value": "Renewal in March; wants the analytics add-on, asked twice about SSO and audit logs.",
                    "valueType": "MARKDOWN"
                },
                "$primaryAddress": {
                    "value": {"city": "Lyon", "country": "FR", "street": "1 Rue de la République"},
                    "valueType": "ADDRESS"
                },
            },
            "relationships": {
                "$owner": {"cardinality": "HAS_ONE", "objectType": "member", "values": ["mem_0000000001"]},
                "$contact": {"cardinality": "HAS_MANY", "objectType": "contact", "values": ["con_0000000001", "con_0000000002"]},
            }
        }));
    }
}

/// Asserts no line is wider than the terminal.
fn fits(screen: &str) {
    for line in screen.lines() {
        assert!(line.width() <= 80, "{} columns: {line}", line.width());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_list_fits_80_columns() {
    let server = server().await;
    seed(&server);
    let screen = on_terminal(&server, &["accounts", "list"], false);
    fits(&screen);
    insta::assert_snapshot!("accounts_list_80_columns", screen);
    let chosen = on_terminal(
        &server,
        &[
            "accounts",
            "list",
            "--columns",
            "$name,seats,$owner",
            "--limit",
            "2",
        ],
        false,
    );
    fits(&chosen);
    insta::assert_snapshot!("accounts_list_chosen_columns", chosen);
    // A page of a longer list with columns left out: both notes, each within the width.
    let partial = on_terminal(&server, &["accounts", "list", "--limit", "2"], false);
    fits(&partial);
    insta::assert_snapshot!("accounts_list_page_of_more", partial);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_record_reads_as_key_label_and_value() {
    let server = server().await;
    seed(&server);
    let screen = on_terminal(&server, &["accounts", "get", "acc_0000000003"], false);
    fits(&screen);
    insta::assert_snapshot!("account_get_80_columns", screen);
}

#[tokio::test(flavor = "multi_thread")]
async fn colour_only_without_no_color() {
    let server = server().await;
    seed(&server);
    assert!(on_terminal(&server, &["accounts", "list"], true).contains("\x1b[1m"));
    assert!(!on_terminal(&server, &["accounts", "list"], false).contains('\x1b'));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_download_with_escape_codes_is_not_poured_onto_the_terminal() {
    let server = server().await;
    let client = sdk(&server);
    let hostile = b"title\x1b]0;PWNED\x07\x1b[2J".as_slice();
    let file = client
        .files()
        .upload("notes.txt", "text/plain", hostile)
        .send()
        .await
        .unwrap();
    let (succeeded, screen) =
        terminal_run(&server, &["files", "download", &file.id, "-o", "-"], false);
    assert!(!succeeded, "{screen}");
    assert!(screen.contains("control characters"), "{screen}");
    assert!(!screen.contains('\u{1b}'), "{screen:?}");
    // Piped, the bytes go through as they are.
    let piped = super::harness::run(&server, &["files", "download", &file.id, "-o", "-"]);
    assert_eq!(piped.stdout, hostile);
}

#[tokio::test(flavor = "multi_thread")]
async fn values_that_would_act_on_a_terminal_are_shown_escaped_in_every_format() {
    let server = server().await;
    // A title escape (C0), a CSI in its one-byte C1 form, and a right-to-left override
    // that would show `invoice\u{202e}fdp.exe` as `invoiceexe.pdf`.
    let name = "invoice\u{1b}]0;PWNED\u{7}\u{9b}2J\u{202e}fdp.exe";
    let id = server.insert_record_json(json!({
        "id": "acc_hostile", "createdAt": "2026-03-01T10:00:00Z",
        "fields": {"$name": {"value": name, "valueType": "TEXT"}},
        "relationships": {}
    }));
    for format in ["json", "jsonl", "csv", "yaml", "table"] {
        let screen = on_terminal(
            &server,
            &["accounts", "get", &id, "--format", format],
            false,
        );
        for c in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}'] {
            assert!(
                !screen.contains(c),
                "{format}: {c:?} reached the terminal: {screen:?}"
            );
        }
    }
    let json = on_terminal(
        &server,
        &["accounts", "get", &id, "--format", "json"],
        false,
    );
    let value: serde_json::Value = serde_json::from_str(&json).expect("still JSON");
    assert_eq!(
        value["fields"]["$name"]["value"], name,
        "the same value, escaped"
    );
    // Piped, `--query` prints text as it is (as `jq -r` does): a real newline stays one.
    let client = sdk(&server);
    let note = client
        .accounts()
        .create("Two lines")
        .field("$name", "Line one\nLine two")
        .send()
        .await
        .unwrap();
    let piped = super::harness::run(
        &server,
        &[
            "accounts",
            "get",
            &note.id,
            "--query",
            "$.fields['$name'].value",
        ],
    );
    assert_eq!(piped.stdout, b"Line one\nLine two\n");
    let on_screen = on_terminal(
        &server,
        &["accounts", "get", &id, "--query", "$.fields['$name'].value"],
        false,
    );
    assert!(!on_screen.contains('\u{202e}'), "{on_screen:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_table_piped_holds_only_its_header_and_rows() {
    let server = server().await;
    seed(&server);
    let piped = super::harness::run(&server, &["accounts", "list", "--format", "table"]);
    let shown = super::harness::text(&piped.stdout);
    let rows = server.record_count_of("account");
    assert_eq!(shown.lines().count(), 1 + rows, "{shown}");
    // The notes about what is shown still reach the person, on stderr.
    let said = super::harness::text(&piped.stderr);
    assert!(said.contains(&format!("{rows} records")), "{said}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_typed_at_login_is_not_shown() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("lightfield/config.toml");
    let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_lightfield"));
    command.args(["auth", "login", "--base-url", server.url()]);
    command.env("LIGHTFIELD_CONFIG", &config);
    command.env("XDG_CONFIG_HOME", dir.path());
    command.env_remove("LIGHTFIELD_API_KEY");
    command.env_remove("LIGHTFIELD_PROFILE");
    // The prompt is printed just before echo is turned off: typing in between would be
    // echoed by the terminal itself, whatever the program does. Wait for both.
    let ready = |screen: &str, echoing: bool| screen.contains("not shown as you type") && !echoing;
    let (succeeded, screen) = answered_on_terminal(command, ready, b"sk_lf_typed_secret\r");
    assert!(succeeded, "{screen}");
    assert!(screen.contains("Saved the key"), "{screen}");
    assert!(
        !screen.contains("sk_lf_typed_secret"),
        "the key was echoed: {screen}"
    );
    let key = std::fs::read_to_string(dir.path().join("lightfield/default.key")).unwrap();
    assert_eq!(key, "sk_lf_typed_secret\n");
}

/// Help is wrapped to the terminal's width, as every other screen is.
#[tokio::test(flavor = "multi_thread")]
async fn help_fits_the_terminal() {
    let server = server().await;
    for args in [
        &["accounts", "list", "--help"][..],
        &["import", "--help"],
        &["--help"],
    ] {
        fits(&on_terminal(&server, args, false));
    }
}

/// The merge question names both records and says whose values win; declining merges
/// nothing.
#[tokio::test(flavor = "multi_thread")]
async fn the_merge_question_names_both_records_and_whose_values_win() {
    let server = server().await;
    let client = crate::harness::sdk(&server);
    let primary = client
        .accounts()
        .create("Acme Rockets")
        .send()
        .await
        .unwrap()
        .id;
    let duplicate = client
        .accounts()
        .create("Acme Rockts")
        .send()
        .await
        .unwrap()
        .id;
    let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_lightfield"));
    command.args(["accounts", "merge", &primary, &duplicate]);
    command.env("LIGHTFIELD_API_KEY", KEY);
    command.env("LIGHTFIELD_BASE_URL", server.url());
    command.env(
        "LIGHTFIELD_CONFIG",
        "/nonexistent/lightfield-test-config.toml",
    );
    let ready = |screen: &str, _echoing: bool| screen.contains("[y/N]");
    let (succeeded, screen) = answered_on_terminal(command, ready, b"n\r");
    assert!(!succeeded, "declined: {screen}");
    for said in [
        format!("{duplicate} (Acme Rockts) into {primary} (Acme Rockets)"),
        format!("{primary}'s values win"),
        "nothing was merged".to_string(),
    ] {
        assert!(screen.contains(&said), "{said:?} in {screen}");
    }
    assert_eq!(server.records_of("account").len(), 2, "nothing merged");
}

/// Tables hold readable cells: a merge's primary as its id and name, an enrichment's run as
/// its id and status, definitions a row per field; never JSON to decode by eye.
#[tokio::test(flavor = "multi_thread")]
async fn tables_show_readable_cells_not_json() {
    let server = server().await;
    let client = crate::harness::sdk(&server);
    let primary = client
        .accounts()
        .create("Acme Rockets")
        .send()
        .await
        .unwrap()
        .id;
    let duplicate = client
        .accounts()
        .create("Acme Rockts")
        .send()
        .await
        .unwrap()
        .id;
    let merged = on_terminal(
        &server,
        &["accounts", "merge", &primary, &duplicate, "--yes"],
        false,
    );
    assert!(
        merged.contains(&format!("{primary} (Acme Rockets)")),
        "{merged}"
    );
    let enriched = on_terminal(&server, &["accounts", "enrich", &primary], false);
    let definitions = on_terminal(&server, &["accounts", "definitions"], false);
    assert!(
        definitions.contains("$name") && definitions.contains("TEXT"),
        "{definitions}"
    );
    for screen in [&merged, &enriched, &definitions] {
        assert!(!screen.contains("{\""), "JSON in a cell: {screen}");
    }
}

/// Footers suggest only flags the command has, and count in the right number.
#[tokio::test(flavor = "multi_thread")]
async fn footers_offer_only_the_commands_own_flags_and_count_right() {
    let server = server().await;
    let client = crate::harness::sdk(&server);
    let only = client.accounts().create("Solo").send().await.unwrap().id;
    // `schema` has no --columns: its wide table must not offer it.
    let schema = on_terminal(&server, &["schema", "accounts"], false);
    assert!(schema.contains("more column"), "{schema}");
    assert!(!schema.contains("--columns"), "{schema}");
    let list = client
        .lists()
        .create(
            "Solo list",
            lightfield::ListMembers::Accounts(only.as_str().into()),
        )
        .send()
        .await
        .unwrap()
        .id;
    let members = on_terminal(&server, &["lists", "members", &list], false);
    assert!(!members.contains("--columns"), "{members}");
    assert!(
        members.contains("1 record ") || members.contains("1 record\n"),
        "{members}"
    );
    assert!(!members.contains("1 records"), "{members}");
}

/// Columns keep one order from run to run, whatever the widths of this page's values.
#[tokio::test(flavor = "multi_thread")]
async fn columns_keep_one_order_whatever_the_values() {
    let server = server().await;
    server.seed_records("account", 2, |i| {
        let tier = ["Gold", "Bronze"][i];
        serde_json::json!({"$name": format!("Co {i}"), "seats": 1, "tier": tier})
    });
    let header = |offset: &str| {
        let screen = on_terminal(
            &server,
            &["accounts", "list", "--limit", "1", "--offset", offset],
            false,
        );
        let header = screen.lines().next().unwrap_or_default().to_string();
        header
            .split_whitespace()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let (first, second) = (header("0"), header("1"));
    assert!(first.contains(&"tier".to_string()), "{first:?}");
    assert_eq!(first, second, "the same columns in the same order");
}
