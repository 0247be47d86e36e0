//! Progress bars on stderr: shown on a terminal, hidden when stderr is a pipe or a file,
//! so logs and scripts get only the final summary.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar counting `unit` up to `total`, with the rate and the time left.
pub fn bar(total: u64, unit: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total), target());
    // The bar takes what the line leaves (it never wraps at 80 columns); the rate is whole
    // units per second.
    let template =
        format!("{{wide_bar}} {{human_pos}}/{{human_len}} {unit} · {{rate}}/s · {{eta}} left");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style.with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0}", state.per_sec());
            },
        ));
    }
    bar
}

/// A line that says where a job of unknown length is (`account:active · 1,234 read`),
/// redrawn as it goes.
pub fn spinner() -> ProgressBar {
    let line = ProgressBar::with_draw_target(None, target());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} · {elapsed}") {
        line.set_style(style);
    }
    line.enable_steady_tick(std::time::Duration::from_millis(120));
    line
}

fn target() -> ProgressDrawTarget {
    if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    }
}

/// The process's peak resident memory, where the system says (Linux).
pub(crate) fn peak_memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(format!("{:.1} MiB", kib as f64 / 1024.0))
}
