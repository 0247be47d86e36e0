//! `merge`: a duplicate folded into a primary record, asked first with both named and whose
//! values win.

use lightfield::{Client, Record, Records};
use serde_json::json;

use crate::args::MergeArgs;
use crate::output::Out;
use crate::view;

use super::Outcome;

pub(super) async fn merge(
    client: &Client,
    records: &Records<Record>,
    args: MergeArgs,
    out: &Out,
) -> Outcome {
    if !args.yes {
        // The question names both records and says whose values win: ids alone say
        // nothing of what is about to be folded into what.
        let (primary, duplicate) = (
            records.retrieve(&args.primary).send().await?,
            records.retrieve(&args.duplicate).send().await?,
        );
        let named = |r: &Record| match r.text("$name").or_else(|| r.text("$title")) {
            Some(name) => format!("{} ({})", r.id, view::one_line(name)),
            None => r.id.clone(),
        };
        let mut wins = format!(
            "; {}'s values win, and its empty fields take {}'s",
            primary.id, duplicate.id
        );
        if !args.keep_duplicate.is_empty() {
            wins.push_str(&format!(
                " (except {}, kept from {})",
                args.keep_duplicate.join(", "),
                duplicate.id
            ));
        }
        if args.union {
            wins.push_str("; multi-select options are joined");
        }
        let question = format!(
            "Merge {} into {}{wins}, and remove {}",
            named(&duplicate),
            named(&primary),
            duplicate.id
        );
        crate::output::confirm(
            &crate::safe::for_terminal(&question),
            "nothing was merged",
            false,
        )?;
    }
    let mut merge = records
        .merge(args.primary, args.duplicate)
        .multi_select_union(args.union);
    for key in args.keep_primary {
        merge = merge.keep_primary(key);
    }
    for key in args.keep_duplicate {
        merge = merge.keep_duplicate(key);
    }
    let outcome = merge.send().await?;
    let status = if args.no_wait || outcome.status.is_final() {
        outcome.status.as_api().to_string()
    } else {
        client
            .merges()
            .wait(&outcome.merge_id)
            .send()
            .await?
            .status
            .as_api()
            .to_string()
    };
    // Whole in JSON; a table shows the primary by id and name.
    out.value(&json!({
        "mergeId": outcome.merge_id,
        "status": status,
        "primary": outcome.primary.to_json(),
        "fieldWriteCount": outcome.summary.field_write_count,
        "warnings": outcome.summary.warnings,
    }))
}
