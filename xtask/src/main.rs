//! `cargo xtask <task>`: maintainer tasks that need more than cargo alone.

use std::process::ExitCode;

use xtask::{SPEC_PATH, generate_all, read_spec, workspace_root};

const USAGE: &str = "\
usage:
  cargo xtask codegen          regenerate crates/lightfield-gen from spec/openapi.yaml
  cargo xtask codegen --check  fail if the committed generated code is stale
  cargo xtask ci               every check CI runs: fmt, clippy, codegen --check, all tests,
                               cargo package of the published crates, and
                               with Prism the examples and the official Python SDK against the
                               mock through a proxy of the reference
  cargo xtask drift            print every difference between spec/reference/ and the spec
  cargo xtask bench            run the SDK benchmarks and record the table in BENCHMARKS.md
  cargo xtask bench --build    also time clean builds of the workspace and of lightfield";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["codegen"] => codegen(false),
        ["codegen", "--check"] => codegen(true),
        ["ci"] => ci(),
        ["drift"] => drift(),
        ["bench"] => bench(false),
        ["bench", "--build"] => bench(true),
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Prints every difference between `spec/reference/` and `spec/openapi.yaml`, by kind.
fn drift() -> Result<(), String> {
    let root = workspace_root();
    let load = |path: &str| -> Result<serde_json::Value, String> {
        let text = std::fs::read_to_string(root.join(path)).map_err(|e| format!("{path}: {e}"))?;
        match path.ends_with(".json") {
            true => serde_json::from_str(&text).map_err(|e| format!("{path}: {e}")),
            false => serde_norway::from_str(&text).map_err(|e| format!("{path}: {e}")),
        }
    };
    let reference = xtask::drift::Doc {
        root: load("spec/reference/lightfield-api-newer.json")?,
    };
    let ours = xtask::drift::Doc {
        root: load(xtask::SPEC_PATH)?,
    };
    let public = xtask::drift::Doc {
        root: load("spec/reference/lightfield-api.json")?,
    };
    let report = xtask::drift::drift(&reference, &public, &ours);
    let mut kinds: std::collections::BTreeMap<_, Vec<_>> = std::collections::BTreeMap::new();
    for finding in &report.findings {
        kinds.entry(finding.kind).or_default().push(finding);
    }
    for (kind, findings) in &kinds {
        println!("{kind:?} ({}):", findings.len());
        for finding in findings {
            println!("  {finding}");
        }
    }
    println!(
        "{} operations walked, {} differences, {} open spots (ours open or untyped where the \
         reference is typed)",
        report.operations,
        report.findings.len(),
        report.open_spots.len()
    );
    Ok(())
}

/// Regenerates the client and tables, or with `check` verifies the committed copies.
fn codegen(check: bool) -> Result<(), String> {
    let root = workspace_root();
    let mut stale = Vec::new();
    for (path, fresh) in generate_all(&read_spec()?)? {
        let target = root.join(path);
        let committed = std::fs::read_to_string(&target).unwrap_or_default();
        let lines = fresh.lines().count();
        if committed == fresh {
            println!("{path} is up to date with {SPEC_PATH} ({lines} lines)");
        } else if check {
            stale.push(path);
        } else {
            std::fs::write(&target, &fresh)
                .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
            println!("wrote {path} ({lines} lines)");
        }
    }
    if stale.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{} stale: it differs from what {SPEC_PATH} generates.\n\
         Run `cargo xtask codegen`, review the snapshot with `cargo insta review`, and commit both.",
        stale.join(" and ")
    ))
}

/// Runs one cargo command from the workspace root, failing with its name if it fails.
fn cargo(args: &[&str]) -> Result<(), String> {
    cargo_env(args, &[])
}

/// Like [`cargo`], with extra environment variables.
fn cargo_env(args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    println!("==> cargo {}", args.join(" "));
    let status = std::process::Command::new(cargo)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(workspace_root())
        .status()
        .map_err(|e| format!("cannot start cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` failed ({status})", args.join(" ")))
    }
}

/// Runs a program from the workspace root, failing with its command line if it fails.
fn run(program: &str, args: &[&str]) -> Result<(), String> {
    println!("==> {program} {}", args.join(" "));
    let status = std::process::Command::new(program)
        .args(args)
        .current_dir(workspace_root())
        .status()
        .map_err(|e| format!("cannot start {program}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{program} {}` failed ({status})", args.join(" ")))
    }
}

/// The `ring` build of the SDK must not build aws-lc-sys (its build script alone costs
/// about a minute on two cores): that is what the feature is for.
fn check_no_aws_lc() -> Result<(), String> {
    println!(
        "==> cargo tree -p lightfield -e normal --no-default-features --features ring (no aws-lc-sys)"
    );
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = std::process::Command::new(cargo)
        .args([
            "tree",
            "-p",
            "lightfield",
            "-e",
            "normal",
            "--no-default-features",
            "--features",
            "ring",
            "--prefix",
            "none",
        ])
        .current_dir(workspace_root())
        .output()
        .map_err(|e| format!("cannot run cargo tree: {e}"))?;
    if !output.status.success() {
        return Err("cargo tree failed".into());
    }
    let tree = String::from_utf8_lossy(&output.stdout);
    match tree.lines().find(|l| l.starts_with("aws-lc")) {
        Some(line) => Err(format!(
            "lightfield's `ring` build contains `{line}`: no crate may turn on reqwest's or rustls's aws-lc-rs features"
        )),
        None => Ok(()),
    }
}

/// Every check, in the order that fails fastest.
fn ci() -> Result<(), String> {
    cargo(&["fmt", "--all", "--check"])?;
    codegen(true)?;
    check_no_aws_lc()?;
    // Default features, and every feature (the Preview resources) as well.
    for features in [None, Some("--all-features")] {
        let mut args = vec!["clippy", "--workspace", "--all-targets"];
        args.extend(features);
        args.extend(["--", "-D", "warnings"]);
        cargo(&args)?;
    }
    // The SDK with ring instead of aws-lc-rs (the feature that avoids the C build).
    cargo(&[
        "clippy",
        "-p",
        "lightfield",
        "--all-targets",
        "--no-default-features",
        "--features",
        "ring",
        "--",
        "-D",
        "warnings",
    ])?;
    // Rustdoc must build without broken links or other warnings.
    cargo_env(
        &["doc", "--no-deps", "--workspace", "--all-features"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    // The pinned Prism the contract tests validate requests with. It needs Node.js: on a
    // machine with only Rust the contract tests are skipped (and say why), unless
    // LIGHTFIELD_REQUIRE_PRISM=1 — as .ci/run sets — makes Prism mandatory.
    let require_prism = std::env::var("LIGHTFIELD_REQUIRE_PRISM").is_ok_and(|v| v == "1");
    let have_npm = std::process::Command::new("npm")
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if have_npm || require_prism {
        run(
            "npm",
            &[
                "ci",
                "--prefix",
                "tools/prism",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
            ],
        )?;
    } else {
        println!(
            "==> npm not found: the contract tests against Prism will be skipped \
             (install Node.js to run them; LIGHTFIELD_REQUIRE_PRISM=1 makes them mandatory)"
        );
    }
    let prism = if have_npm || require_prism { "1" } else { "0" };
    // The workspace's tests build the sync crate with `postgres` (the CLI asks for it), so
    // every mirror scenario runs on SQLite and on a throwaway Postgres cluster here
    // (`.ci/run` installs Debian's packages and sets LIGHTFIELD_REQUIRE_POSTGRES=1;
    // elsewhere the Postgres half says why it skips).
    cargo_env(
        &["test", "--workspace", "--all-targets"],
        &[("LIGHTFIELD_REQUIRE_PRISM", prism)],
    )?;
    // The SDK's tests again with the Preview resources (senders and sequences) compiled in.
    cargo_env(
        &["test", "-p", "lightfield", "--all-features", "--tests"],
        &[("LIGHTFIELD_REQUIRE_PRISM", prism)],
    )?;
    // The CLI's senders and sequences commands, behind the same `preview` gate.
    cargo(&[
        "test",
        "-p",
        "lightfield-cli",
        "--features",
        "preview",
        "--test",
        "suite",
        "preview",
    ])?;
    cargo(&["test", "--workspace", "--doc", "--all-features"])?;
    // Every published crate packages (metadata, files, and the path dependencies resolved
    // among themselves); verifying each package would build the workspace again.
    cargo(&[
        "package",
        "-p",
        "lightfield-gen",
        "-p",
        "lightfield-derive",
        "-p",
        "lightfield-mock",
        "-p",
        "lightfield",
        "-p",
        "lightfield-sync",
        "-p",
        "lightfield-cli",
        "--no-verify",
        "--allow-dirty",
    ])?;
    if have_npm || require_prism {
        reference_checks()?;
    }
    println!("all checks passed");
    Ok(())
}

/// Seeds of Prism's generated answers beyond the first, which every test run uses: each
/// seed answers every operation differently, so the lossless check sees more shapes.
const EXTRA_SEEDS: [&str; 2] = ["2", "3"];

/// The checks against the reference that need more than `cargo test`: the contract tests
/// with more seeds, the examples and the official Python SDK against the mock through a
/// Prism proxy of the reference (`tools/prism/through-proxy.sh`).
fn reference_checks() -> Result<(), String> {
    for seed in EXTRA_SEEDS {
        cargo_env(
            &[
                "test",
                "-p",
                "lightfield",
                "--all-features",
                "--test",
                "contract",
            ],
            &[
                ("LIGHTFIELD_PRISM_SEED", seed),
                ("LIGHTFIELD_REQUIRE_PRISM", "1"),
            ],
        )?;
    }
    cargo(&["build", "-p", "lightfield-mock"])?;
    cargo(&["build", "-p", "lightfield", "--examples", "--all-features"])?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    let target = workspace_root().join(target);
    for example in ["quickstart", "pipeline", "bulk_import"] {
        let binary = target.join("debug/examples").join(example);
        run(
            "bash",
            &[
                "tools/prism/through-proxy.sh",
                &binary.display().to_string(),
            ],
        )?;
    }
    // A second client none of us wrote: the official Python SDK, pinned.
    // Absolute paths: a relative program path may be resolved from either directory.
    let venv = target.join("python-scenario-venv");
    let venv_bin = |name: &str| venv.join("bin").join(name).display().to_string();
    if !venv.join("bin/python").exists() {
        run("python3", &["-m", "venv", &venv.display().to_string()])?;
    }
    run(
        &venv_bin("pip"),
        &[
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "lightfield==0.20.0a2",
        ],
    )?;
    run(
        "bash",
        &[
            "tools/prism/through-proxy.sh",
            &venv_bin("python"),
            "tools/python-scenario/scenario.py",
        ],
    )
}

const TABLE_START: &str = "<!-- bench-table:start -->";
const TABLE_END: &str = "<!-- bench-table:end -->";

/// Runs the benchmark binary and writes its table into BENCHMARKS.md.
fn bench(build_cost: bool) -> Result<(), String> {
    let cargo_bin = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut table = String::new();
    // The SDK's rows (with the table header), then the command line's.
    for (package, bench) in [
        ("lightfield", "sdk"),
        ("lightfield-cli", "cli"),
        ("lightfield-cli", "sync"),
    ] {
        println!("==> cargo bench -p {package} --bench {bench}");
        let output = std::process::Command::new(&cargo_bin)
            .args(["bench", "-p", package, "--bench", bench])
            .current_dir(workspace_root())
            .stderr(std::process::Stdio::inherit())
            .output()
            .map_err(|e| format!("cannot run cargo bench: {e}"))?;
        if !output.status.success() {
            return Err(format!("the {bench} benchmark failed"));
        }
        table.extend(
            String::from_utf8_lossy(&output.stdout)
                .lines()
                .filter(|l| l.starts_with('|'))
                .map(|l| format!("{l}\n")),
        );
    }
    if build_cost {
        for (label, args) in [
            (
                "5a. clean build, whole workspace",
                vec!["build", "--workspace"],
            ),
            (
                "5b. clean build, lightfield alone (aws-lc-rs, the default)",
                vec!["build", "-p", "lightfield"],
            ),
            (
                "5c. clean build, lightfield alone with `ring`",
                vec![
                    "build",
                    "-p",
                    "lightfield",
                    "--no-default-features",
                    "--features",
                    "ring",
                ],
            ),
            (
                "5d. clean build, the CLI (with sync)",
                vec!["build", "-p", "lightfield-cli"],
            ),
        ] {
            let target =
                std::env::temp_dir().join(format!("lightfield-build-cost-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&target);
            let started = std::time::Instant::now();
            let status = std::process::Command::new(&cargo_bin)
                .args(&args)
                .arg("--quiet")
                .env("CARGO_TARGET_DIR", &target)
                .current_dir(workspace_root())
                .status()
                .map_err(|e| format!("cannot run cargo build: {e}"))?;
            let secs = started.elapsed().as_secs_f64();
            let _ = std::fs::remove_dir_all(&target);
            if !status.success() {
                return Err(format!("{label} failed"));
            }
            println!("{label}: {secs:.1} s");
            table.push_str(&format!(
                "| {label} | {secs:.1} s | - | - | measured | yes | dev profile, {} cores |\n",
                std::thread::available_parallelism()
                    .map(|n| n.get())
                    .unwrap_or(1)
            ));
        }
    }
    print!("{table}");
    let path = workspace_root().join("BENCHMARKS.md");
    let doc =
        std::fs::read_to_string(&path).map_err(|e| format!("cannot read BENCHMARKS.md: {e}"))?;
    let (Some(start), Some(end)) = (doc.find(TABLE_START), doc.find(TABLE_END)) else {
        return Err(format!(
            "BENCHMARKS.md lacks the {TABLE_START} / {TABLE_END} markers"
        ));
    };
    if !build_cost {
        // Keep the build-cost rows of an earlier `--build` run.
        for row in doc[start..end].lines().filter(|l| l.starts_with("| 5")) {
            table.push_str(row);
            table.push('\n');
        }
    }
    let updated = format!("{}{TABLE_START}\n{table}{}", &doc[..start], &doc[end..]);
    std::fs::write(&path, updated).map_err(|e| format!("cannot write BENCHMARKS.md: {e}"))?;
    println!("BENCHMARKS.md updated");
    Ok(())
}
