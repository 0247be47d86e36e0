//! `lightfield lists …`: lists of accounts, contacts or opportunities, and their members.

use lightfield::{Client, Ids, ListMembers, ObjectType};

use crate::args::ListAction;
use crate::exit::Failure;
use crate::output::Out;
use crate::records::{self, take};
use crate::values;

use super::{Outcome, as_records};

/// The members of a list of `kind` (`accounts`, `contacts`, `opportunities`), as ids.
fn members(kind: &str, ids: Vec<String>) -> Result<ListMembers, Failure> {
    let ids = match ids.len() {
        1 => Ids::One(ids.into_iter().next().unwrap_or_default()),
        _ => Ids::Many(ids),
    };
    match records::object_type(kind) {
        ObjectType::Account => Ok(ListMembers::Accounts(ids)),
        ObjectType::Contact => Ok(ListMembers::Contacts(ids)),
        ObjectType::Opportunity => Ok(ListMembers::Opportunities(ids)),
        _ => Err(Failure::Local(format!(
            "--of `{kind}`: a list holds accounts, contacts or opportunities"
        ))),
    }
}

/// The type list `id` holds, as `--of` names it: read from the list, and when `--of` was
/// given too, the two must agree (a list of accounts asked for its contacts would answer
/// "no records", which reads as a true answer).
async fn held_type(
    lists: &lightfield::Lists,
    id: &str,
    asked: Option<&str>,
) -> Result<String, Failure> {
    let list = lists.retrieve(id).send().await?;
    let holds = list
        .member_type()
        .map(str::to_string)
        .ok_or_else(|| Failure::Local(format!("list {id} does not say what it holds")))?;
    if let Some(asked) = asked {
        let same = |name: &str| records::object_type(name);
        if same(asked) != same(&holds) {
            return Err(Failure::Local(format!(
                "--of `{asked}`: list {id} holds {holds} records; leave --of out, or name {holds}"
            )));
        }
    }
    Ok(holds)
}

/// `lightfield lists …`.
pub async fn lists(client: &Client, action: ListAction, out: &Out) -> Outcome {
    let lists = client.lists();
    match action {
        ListAction::Read(read) => {
            records::run(
                client,
                ObjectType::List,
                crate::args::Action::Read(read),
                out,
            )
            .await
        }
        ListAction::Create {
            name,
            member_type,
            member,
            description,
        } => {
            let mut create = lists.create(name, members(&member_type, member)?);
            if let Some(text) = description {
                create = create.description(text);
            }
            out.record(&create.send().await?.into_record(), None)
        }
        ListAction::Update {
            id,
            name,
            description,
        } => {
            let mut update = lists.update(id);
            if let Some(name) = name {
                update = update.name(name);
            }
            if let Some(text) = description {
                update = update.description(text);
            }
            out.record(&update.send().await?.into_record(), None)
        }
        ListAction::Delete(args) => {
            let ids = values::ids(&args.ids)?;
            let what = match ids.ids.as_slice() {
                [one] => format!("Delete list {one}"),
                many => format!("Delete {} lists", many.len()),
            };
            crate::output::confirm(&what, "nothing was deleted", args.yes)?;
            let delete = |id: String| {
                let call = lists.delete(id).send();
                async move { call.await.map(|list| list.into_record()) }
            };
            records::each(ids, out, || async { None }, delete).await
        }
        ListAction::Members {
            id,
            member_type,
            limit,
            all,
        } => {
            let member_type = held_type(&lists, &id, member_type.as_deref()).await?;
            let (found, total) = match records::object_type(&member_type) {
                ObjectType::Account => as_records(take(lists.accounts(id), limit, all).await?),
                ObjectType::Contact => as_records(take(lists.contacts(id), limit, all).await?),
                ObjectType::Opportunity => {
                    as_records(take(lists.opportunities(id), limit, all).await?)
                }
                _ => {
                    return Err(Failure::Local(format!(
                        "--of `{member_type}`: a list holds accounts, contacts or opportunities"
                    )));
                }
            };
            out.records(&found, Some((total, 0)), None, None)
        }
        ListAction::Add {
            id,
            member_type,
            members: ids,
        } => {
            let member_type = held_type(&lists, &id, member_type.as_deref()).await?;
            let update = lists.update(id).add_members(members(&member_type, ids)?);
            out.record(&update.send().await?.into_record(), None)
        }
        ListAction::Remove {
            id,
            member_type,
            members: ids,
        } => {
            let member_type = held_type(&lists, &id, member_type.as_deref()).await?;
            let update = lists.update(id).remove_members(members(&member_type, ids)?);
            out.record(&update.send().await?.into_record(), None)
        }
    }
}
