//! Text that leaves the CLI must not act on the way out: CSV cells a spreadsheet would run
//! as a formula, and control characters a terminal would obey (a window title, hidden
//! text). CRM values, server messages and import files are all untrusted text.

use std::borrow::Cow;

/// Characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether `cell` is a spreadsheet trigger, or the clear token, behind zero or more `'`
/// quotes.
fn quoted_trigger(cell: &str) -> bool {
    let bare = cell.trim_start_matches('\'');
    bare.starts_with(TRIGGERS) || bare == crate::values::CLEAR
}

/// A CSV cell a spreadsheet will show as text: a cell starting with `=`, `+`, `-`, `@`, tab
/// or CR gets a leading `'` (numbers such as `-12.5` stay as they are), and so does a value
/// that reads `<clear>`, which `import` would otherwise take as "clear this field". A cell
/// that already starts with `'` before such a character gets one more, so [`from_csv`]
/// gives back exactly what was written.
pub fn to_csv(cell: &str) -> Cow<'_, str> {
    let number = cell.parse::<f64>().is_ok_and(f64::is_finite);
    let token = cell == crate::values::CLEAR;
    if !number
        && (token || cell.starts_with(TRIGGERS) || (cell.starts_with('\'') && quoted_trigger(cell)))
    {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Undoes [`to_csv`]: one leading `'` before a trigger character is taken off.
pub fn from_csv(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if quoted_trigger(rest) => rest,
        _ => cell,
    }
}

/// Whether a terminal would obey `c` rather than show it: C0, DEL and C1 controls (ESC,
/// BEL, CSI…), and the Unicode bidirectional controls that reorder what is shown (a
/// file name `invoice\u{202e}fdp.exe` reads as `invoiceexe.pdf`).
fn acts(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text for a terminal: characters that act on it ([`acts`]) are shown escaped
/// (`\u{1b}`) instead of being obeyed. Tabs and newlines too, since a table cell or a
/// one-line message must stay on its line.
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(acts) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if acts(c) {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// Whole output (JSON, CSV, lines) for a terminal: what [`acts`] on it, but newlines and
/// tabs, becomes a `\u001b`-style escape, which is also how JSON writes such a character,
/// so JSON stays valid JSON.
pub fn inert(text: &str) -> Cow<'_, str> {
    let hostile = |c: char| acts(c) && c != '\n' && c != '\t';
    if !text.chars().any(hostile) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if hostile(c) {
                    format!("\\u{:04x}", u32::from(c))
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_for_a_terminal_escapes_what_would_act_and_stays_json() {
        let hostile = "a\u{1b}]0;title\u{7}b\u{9b}31mc\u{202e}fdp.exe\rd";
        let json = serde_json::to_string(&serde_json::json!({ "name": hostile })).unwrap();
        let shown = inert(&json);
        assert!(!shown.chars().any(acts), "{shown}");
        let back: serde_json::Value = serde_json::from_str(&shown).unwrap();
        assert_eq!(back["name"], hostile, "the same JSON value");
        assert_eq!(inert("two\nlines\tok"), "two\nlines\tok");
        assert!(!for_terminal("x\u{2066}y").contains('\u{2066}'));
    }

    #[test]
    fn formulas_are_quoted_and_numbers_are_not() {
        for (cell, written) in [
            (
                "=HYPERLINK(\"http://evil.example\")",
                "'=HYPERLINK(\"http://evil.example\")",
            ),
            ("+1 555 0100", "'+1 555 0100"),
            ("@SUM(1+1)", "'@SUM(1+1)"),
            ("\tTab", "'\tTab"),
            ("\rCR", "'\rCR"),
            ("-cmd", "'-cmd"),
            ("-12.5", "-12.5"),
            ("+3", "+3"),
            ("Acme", "Acme"),
            ("'=already quoted", "''=already quoted"),
            ("'plain", "'plain"),
            ("", ""),
        ] {
            assert_eq!(to_csv(cell), written, "{cell:?}");
            assert_eq!(from_csv(&to_csv(cell)), cell, "{cell:?} round trip");
        }
    }

    #[test]
    fn control_characters_reach_the_terminal_escaped() {
        let hostile = "Evil\u{1b}]0;PWNED\u{7}\u{1b}[2K\rInnocent Corp\u{9b}";
        let shown = for_terminal(hostile);
        assert!(!shown.chars().any(char::is_control), "{shown}");
        assert!(shown.contains("Innocent Corp"));
        assert_eq!(for_terminal("Acme, Inc. — café"), "Acme, Inc. — café");
    }
}
