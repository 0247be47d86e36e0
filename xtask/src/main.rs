//! `cargo xtask <task>`: maintainer tasks that need more than cargo alone.

use std::process::ExitCode;

use xtask::{GENERATED_PATH, generate_from_workspace, workspace_root};

const USAGE: &str = "\
usage:
  cargo xtask codegen          regenerate crates/lightfield-gen from spec/openapi.yaml
  cargo xtask codegen --check  fail if the committed generated code is stale
  cargo xtask ci               every check CI runs: fmt, clippy, codegen --check, all tests";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["codegen"] => codegen(false),
        ["codegen", "--check"] => codegen(true),
        ["ci"] => ci(),
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

/// Regenerates the client, or with `check` verifies the committed copy is current.
fn codegen(check: bool) -> Result<(), String> {
    let fresh = generate_from_workspace()?;
    let target = workspace_root().join(GENERATED_PATH);
    let committed = std::fs::read_to_string(&target).unwrap_or_default();
    if check {
        if committed == fresh {
            println!("{GENERATED_PATH} is up to date with spec/openapi.yaml");
            return Ok(());
        }
        return Err(format!(
            "{GENERATED_PATH} is stale: it differs from what spec/openapi.yaml generates.\n\
             Run `cargo xtask codegen`, review the snapshot with `cargo insta review`, and commit both."
        ));
    }
    if committed == fresh {
        println!(
            "{GENERATED_PATH} unchanged ({} lines)",
            fresh.lines().count()
        );
    } else {
        std::fs::write(&target, &fresh)
            .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
        println!("wrote {GENERATED_PATH} ({} lines)", fresh.lines().count());
    }
    Ok(())
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

/// Every check, in the order that fails fastest.
fn ci() -> Result<(), String> {
    cargo(&["fmt", "--all", "--check"])?;
    codegen(true)?;
    cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ])?;
    cargo(&["test", "--workspace", "--all-targets"])?;
    cargo(&["test", "--workspace", "--doc"])?;
    println!("all checks passed");
    Ok(())
}
