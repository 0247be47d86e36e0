//! Honest hints: an error says what was asked of which server, names a server that is not
//! the API as such, and offers "did you mean" for a type name with a typo.

use std::io::{Read, Write};

use crate::harness::*;

#[tokio::test(flavor = "multi_thread")]
async fn a_404_says_what_was_asked_of_which_server_and_suggests_a_type() {
    let server = server().await;
    let missing = run(&server, &["accounts", "get", "acc_0000000404"]);
    assert_eq!(missing.status.code(), Some(3));
    let said = text(&missing.stderr);
    assert!(
        said.contains(&format!(
            "asked: GET {}/v1/accounts/acc_0000000404",
            server.url()
        )),
        "{said}"
    );
    for (command, typo, meant) in [
        (vec!["export", "acount"], "acount", "account"),
        (vec!["schema", "contcts"], "contcts", "contacts"),
        (
            vec!["object", "oportunity", "list"],
            "oportunity",
            "opportunity",
        ),
    ] {
        let out = run(&server, &command);
        let said = text(&out.stderr);
        assert!(
            said.contains(&format!(
                "`{typo}` is no type of this organisation; did you mean `{meant}`?"
            )),
            "{command:?}: {said}"
        );
    }
    // A custom object's slug far from every built-in type gets no suggestion.
    let far = text(&run(&server, &["object", "zzzzzz", "list"]).stderr);
    assert!(!far.contains("did you mean"), "{far}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_404_from_a_server_that_is_not_the_api_is_named_as_such() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(8) {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(
                b"HTTP/1.1 404 Not Found\r\ncontent-type: text/html\r\ncontent-length: 9\r\n\
                  connection: close\r\n\r\nnot here\n",
            );
        }
    });
    let mut command = bare();
    command
        .env("LIGHTFIELD_API_KEY", "sk_lf_any")
        .env("LIGHTFIELD_BASE_URL", &url);
    let out = run_with(command, &["accounts", "list"], b"");
    assert_eq!(out.status.code(), Some(3));
    let said = text(&out.stderr);
    assert!(
        said.contains(&format!("{url} answered with no API error")) && said.contains("--base-url"),
        "{said}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_relationship_given_as_a_field_and_a_column_with_a_typo_say_what_to_type() {
    let server = server().await;
    let rel = run(
        &server,
        &[
            "accounts",
            "create",
            "--field",
            "$name=Acme",
            "--field",
            "partners=acc_1",
        ],
    );
    assert_eq!(rel.status.code(), Some(5));
    let said = text(&rel.stderr);
    assert!(
        said.contains("`partners` is a relationship") && said.contains("--rel"),
        "{said}"
    );
    server.seed_records("account", 1, |_| serde_json::json!({"$name": "Co"}));
    // What the shell leaves of --columns "$name,tier".
    let emptied = text(&run(&server, &["accounts", "list", "--columns", ",tier"]).stderr);
    assert!(emptied.contains("single quotes"), "{emptied}");
    let typo = text(&run(&server, &["accounts", "list", "--columns", "name"]).stderr);
    assert!(typo.contains("did you mean `$name`?"), "{typo}");
}

/// `emails log` run again with the same Message-ID (a re-run of a script) reports the
/// email logged the first time and exits 0: what was asked is done, once.
#[tokio::test(flavor = "multi_thread")]
async fn logging_an_email_again_by_its_message_id_shows_the_one_logged_and_succeeds() {
    let server = server().await;
    let log = || {
        run(
            &server,
            &[
                "emails",
                "log",
                "--from",
                "me@acme.example",
                "--to",
                "you@globex.example",
                "--subject",
                "Hello",
                "--text",
                "Hi",
                "--sent-at",
                "2026-12-01",
                "--message-id",
                "<once@acme.example>",
                "--format",
                "json",
            ],
        )
    };
    let before = server.records_of("email").len();
    let first = log();
    ok(&first);
    let again = log();
    ok(&again);
    assert_eq!(json(&again)["id"], json(&first)["id"], "the same email");
    assert!(
        text(&again.stderr).contains("already logged"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(server.records_of("email").len(), before + 1, "logged once");
}

/// A list knows what it holds: `lists members|add|remove` need no `--of`, and one that names
/// another type is refused instead of answering "no records".
#[tokio::test(flavor = "multi_thread")]
async fn list_members_take_the_lists_own_type() {
    let server = server().await;
    let client = sdk(&server);
    let one = client.accounts().create("One").send().await.unwrap().id;
    let two = client.accounts().create("Two").send().await.unwrap().id;
    let list = client
        .lists()
        .create(
            "Targets",
            lightfield::ListMembers::Accounts(one.as_str().into()),
        )
        .send()
        .await
        .unwrap()
        .id;
    ok(&run(&server, &["lists", "add", &list, &two]));
    let members = run(&server, &["lists", "members", &list, "--format", "json"]);
    ok(&members);
    assert_eq!(json(&members)["totalCount"], 2, "{}", text(&members.stdout));
    let wrong = run(&server, &["lists", "members", &list, "--of", "contacts"]);
    assert_eq!(wrong.status.code(), Some(5));
    assert!(
        text(&wrong.stderr).contains("holds account records"),
        "{}",
        text(&wrong.stderr)
    );
    ok(&run(
        &server,
        &["lists", "remove", &list, &one, "--of", "accounts"],
    ));
    let left = run(&server, &["lists", "members", &list, "--format", "json"]);
    assert_eq!(json(&left)["totalCount"], 1);
}

/// The examples the help gives work as printed against `lightfield mock --demo` (the ids
/// they name are the demo's): each run in turn in one directory, `| lightfield` included.
#[test]
fn help_examples_work_against_the_demo_server() {
    use std::io::BufRead;
    /// The mock, stopped however the test ends.
    struct Stopped(std::process::Child);
    impl Drop for Stopped {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let bin = env!("CARGO_BIN_EXE_lightfield");
    let mut mock = Stopped(
        bare()
            .args(["mock", "--demo", "--port", "0", "--rate-limit", "off"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("mock runs"),
    );
    let mut banner = String::new();
    std::io::BufReader::new(mock.0.stdout.take().unwrap())
        .read_line(&mut banner)
        .unwrap();
    let url = banner
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("the URL is printed")
        .to_string();
    let dir = tempfile::tempdir().unwrap();
    let mut examples = Vec::new();
    for help in [
        &["--help"][..],
        &["accounts", "create", "--help"],
        &["accounts", "update", "--help"],
        &["accounts", "list", "--help"],
    ] {
        let out = bare().args(help).env("COLUMNS", "500").output().unwrap();
        for line in text(&out.stdout).lines() {
            let line = line.trim();
            // Not the ones about another server, logging in, or the server itself.
            let elsewhere = ["lightfield auth", "lightfield mock", "lightfield sync"];
            if line.starts_with("lightfield ") && !elsewhere.iter().any(|e| line.starts_with(e)) {
                examples.push(line.to_string());
            }
        }
    }
    assert!(examples.len() >= 10, "{examples:?}");
    for example in &examples {
        let shell = example.replace("lightfield ", &format!("{bin} "));
        let out = std::process::Command::new("sh")
            .args(["-c", &shell])
            .current_dir(dir.path())
            .env("LIGHTFIELD_BASE_URL", &url)
            .env("LIGHTFIELD_API_KEY", "sk_lf_demo")
            .env(
                "LIGHTFIELD_CONFIG",
                "/nonexistent/lightfield-test-config.toml",
            )
            .env("XDG_CONFIG_HOME", "/nonexistent/lightfield-test-home")
            .env_remove("LIGHTFIELD_PROFILE")
            .env_remove("LIGHTFIELD_FORMAT")
            .output()
            .unwrap();
        assert!(out.status.success(), "{example}: {}", text(&out.stderr));
    }
}
