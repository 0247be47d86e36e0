//! The one place that maps a record type to its generated operation: one `match` per
//! operation, built-in types by name, custom objects by slug.
//!
//! Every built-in type shares the spec's record, page and body schemas, so each arm has
//! the same type and the generic core never needs to know which type it serves. A type
//! without the operation (a member has no create) answers an error, never a panic; the
//! typed facades do not offer such calls in the first place.

use std::num::NonZeroU64;

use lightfield_gen::types as wire;
use lightfield_gen::{Client as Gen, Error as GenError, RawRecord, ResponseValue};

use super::kind::ObjectType;

type Answer<T> = Result<ResponseValue<T>, GenError<wire::ErrorBody>>;

// The generated client's error type is large; this keeps its shape so that every arm of a
// match has the same type.
#[allow(clippy::result_large_err)]
fn unsupported<T>(object: &ObjectType, what: &str) -> Answer<T> {
    if let ObjectType::Custom(slug) = object
        && let Some(why) = super::segment_problem(slug)
    {
        return Err(GenError::InvalidRequest(format!(
            "`{slug}` is not a custom object slug: it {why}"
        )));
    }
    Err(GenError::InvalidRequest(format!(
        "the API offers no {what} for {}",
        object.plural()
    )))
}

/// A request refused before sending, for `why` (the same shape as `unsupported`).
#[allow(clippy::result_large_err)]
pub(crate) fn refuse<T>(why: &str) -> Answer<T> {
    Err(GenError::InvalidRequest(why.to_string()))
}

pub(crate) async fn create(
    c: &Gen,
    object: &ObjectType,
    key: Option<&str>,
    body: &wire::RecordCreateBody,
) -> Answer<RawRecord> {
    match object {
        ObjectType::Account => c.account_create(key, body).await,
        ObjectType::Contact => c.contact_create(key, body).await,
        ObjectType::Opportunity => c.opportunity_create(key, body).await,
        ObjectType::Task => c.task_create(key, body).await,
        ObjectType::Note => c.note_create(key, body).await,
        ObjectType::Meeting => c.meeting_create(key, body).await,
        ObjectType::List => c.list_create(key, body).await,
        ObjectType::Custom(slug) if super::segment_problem(slug).is_none() => {
            c.object_create(slug, key, body).await
        }
        // Every type without this operation, by name: a new type fails to compile here.
        other @ (ObjectType::Member
        | ObjectType::Email
        | ObjectType::Channel
        | ObjectType::Message
        | ObjectType::Custom(_)) => unsupported(other, "create"),
    }
}

pub(crate) async fn update(
    c: &Gen,
    object: &ObjectType,
    id: &str,
    key: Option<&str>,
    body: &wire::RecordUpdateBody,
) -> Answer<RawRecord> {
    match object {
        ObjectType::Account => c.account_update(id, key, body).await,
        ObjectType::Contact => c.contact_update(id, key, body).await,
        ObjectType::Opportunity => c.opportunity_update(id, key, body).await,
        ObjectType::Task => c.task_update(id, key, body).await,
        ObjectType::Note => c.note_update(id, key, body).await,
        ObjectType::Meeting => c.meeting_update(id, key, body).await,
        ObjectType::List => c.list_update(id, key, body).await,
        ObjectType::Custom(slug) if super::segment_problem(slug).is_none() => {
            c.object_update(slug, id, key, body).await
        }
        // Every type without this operation, by name: a new type fails to compile here.
        other @ (ObjectType::Member
        | ObjectType::Email
        | ObjectType::Channel
        | ObjectType::Message
        | ObjectType::Custom(_)) => unsupported(other, "update"),
    }
}

pub(crate) async fn retrieve(c: &Gen, object: &ObjectType, id: &str) -> Answer<RawRecord> {
    match object {
        ObjectType::Account => c.account_retrieve(id).await,
        ObjectType::Contact => c.contact_retrieve(id).await,
        ObjectType::Opportunity => c.opportunity_retrieve(id).await,
        ObjectType::Task => c.task_retrieve(id).await,
        ObjectType::Note => c.note_retrieve(id).await,
        ObjectType::Meeting => c.meeting_retrieve(id).await,
        ObjectType::Member => c.member_retrieve(id).await,
        ObjectType::Email => c.email_retrieve(id).await,
        ObjectType::Channel => c.channel_retrieve(id).await,
        ObjectType::Message => c.message_retrieve(id).await,
        ObjectType::List => c.list_retrieve(id).await,
        ObjectType::Custom(slug) if super::segment_problem(slug).is_none() => {
            c.object_retrieve(slug, id).await
        }
        other @ ObjectType::Custom(_) => unsupported(other, "retrieve"),
    }
}

pub(crate) async fn delete(c: &Gen, object: &ObjectType, id: &str) -> Answer<RawRecord> {
    match object {
        ObjectType::Account => c.account_delete(id).await,
        ObjectType::Contact => c.contact_delete(id).await,
        ObjectType::Opportunity => c.opportunity_delete(id).await,
        ObjectType::Task => c.task_delete(id).await,
        ObjectType::Note => c.note_delete(id).await,
        ObjectType::Meeting => c.meeting_delete(id).await,
        ObjectType::Email => c.email_delete(id).await,
        ObjectType::List => c.list_delete(id).await,
        ObjectType::Custom(slug) if super::segment_problem(slug).is_none() => {
            c.object_delete(slug, id).await
        }
        // Every type without this operation, by name: a new type fails to compile here.
        other @ (ObjectType::Member
        | ObjectType::Channel
        | ObjectType::Message
        | ObjectType::Custom(_)) => unsupported(other, "delete"),
    }
}

pub(crate) async fn restore(
    c: &Gen,
    object: &ObjectType,
    id: &str,
    key: Option<&str>,
) -> Answer<RawRecord> {
    match object {
        ObjectType::Account => c.account_restore(id, key, &empty()).await,
        ObjectType::Contact => c.contact_restore(id, key, &empty()).await,
        ObjectType::Opportunity => c.opportunity_restore(id, key, &empty()).await,
        ObjectType::Task => c.task_restore(id, key, &empty()).await,
        ObjectType::Note => c.note_restore(id, key, &empty()).await,
        ObjectType::Meeting => c.meeting_restore(id, key, &empty()).await,
        ObjectType::Email => c.email_restore(id, key, &empty()).await,
        ObjectType::Custom(slug) if super::segment_problem(slug).is_none() => {
            c.object_restore(slug, id, key, &empty()).await
        }
        // Every type without this operation, by name: a new type fails to compile here.
        other @ (ObjectType::Member
        | ObjectType::Channel
        | ObjectType::Message
        | ObjectType::List
        | ObjectType::Custom(_)) => unsupported(other, "restore"),
    }
}

pub(crate) async fn definitions(c: &Gen, object: &ObjectType) -> Answer<wire::DefinitionsResponse> {
    match object {
        ObjectType::Account => c.account_definitions().await,
        ObjectType::Contact => c.contact_definitions().await,
        ObjectType::Opportunity => c.opportunity_definitions().await,
        ObjectType::Task => c.task_definitions().await,
        ObjectType::Note => c.note_definitions().await,
        ObjectType::Meeting => c.meeting_definitions().await,
        ObjectType::Custom(slug) if super::segment_problem(slug).is_none() => {
            c.object_definitions(slug).await
        }
        // Every type without this operation, by name: a new type fails to compile here.
        other @ (ObjectType::Member
        | ObjectType::Email
        | ObjectType::Channel
        | ObjectType::Message
        | ObjectType::List
        | ObjectType::Custom(_)) => unsupported(other, "definitions"),
    }
}

pub(crate) async fn history(
    c: &Gen,
    object: &ObjectType,
    id: &str,
    field_key: &str,
    after: Option<&str>,
    limit: Option<NonZeroU64>,
) -> Answer<wire::FieldHistoryPage> {
    match object {
        ObjectType::Account => c.account_field_history(id, field_key, after, limit).await,
        ObjectType::Contact => c.contact_field_history(id, field_key, after, limit).await,
        ObjectType::Opportunity => {
            c.opportunity_field_history(id, field_key, after, limit)
                .await
        }
        ObjectType::Custom(slug) => {
            c.object_field_history(slug, id, field_key, after, limit)
                .await
        }
        // Every type without this operation, by name: a new type fails to compile here.
        other @ (ObjectType::Task
        | ObjectType::Note
        | ObjectType::Meeting
        | ObjectType::Member
        | ObjectType::Email
        | ObjectType::Channel
        | ObjectType::Message
        | ObjectType::List) => unsupported(other, "field history"),
    }
}

/// One page of a list. `status` exists on the six core types only; elsewhere asking for it
/// is refused rather than silently dropped.
pub(crate) async fn list(
    c: &Gen,
    object: &ObjectType,
    limit: Option<NonZeroU64>,
    offset: Option<u64>,
    status: Option<&str>,
) -> Answer<wire::ListResponse> {
    match object {
        ObjectType::Account => c.account_list(limit, offset, status).await,
        ObjectType::Contact => c.contact_list(limit, offset, status).await,
        ObjectType::Opportunity => c.opportunity_list(limit, offset, status).await,
        ObjectType::Task => c.task_list(limit, offset, status).await,
        ObjectType::Note => c.note_list(limit, offset, status).await,
        ObjectType::Meeting => c.meeting_list(limit, offset, status).await,
        _ if status.is_some() => unsupported(object, "status filter"),
        ObjectType::Custom(slug) if super::segment_problem(slug).is_none() => {
            c.object_list(slug, limit, offset).await
        }
        other @ ObjectType::Custom(_) => unsupported(other, "list"),
        ObjectType::Member => c.member_list(limit, offset).await,
        ObjectType::Email => c.email_list(limit, offset).await,
        ObjectType::Channel => c.channel_list(limit, offset).await,
        ObjectType::Message => c.message_list(limit, offset).await,
        ObjectType::List => c.list_list(limit, offset).await,
    }
}

/// The body of writes that carry no data: an empty JSON object, so that they are JSON
/// requests like every other write.
fn empty() -> wire::EmptyBody {
    wire::EmptyBody(serde_json::Map::new())
}

/// One page of the members of list `list_id` that are of type `object`.
pub(crate) async fn list_members(
    c: &Gen,
    object: &ObjectType,
    list_id: &str,
    limit: Option<NonZeroU64>,
    offset: Option<u64>,
) -> Answer<wire::ListResponse> {
    match object {
        ObjectType::Account => c.list_accounts(list_id, limit, offset).await,
        ObjectType::Contact => c.list_contacts(list_id, limit, offset).await,
        ObjectType::Opportunity => c.list_opportunities(list_id, limit, offset).await,
        // Every type without this operation, by name: a new type fails to compile here.
        other @ (ObjectType::Task
        | ObjectType::Note
        | ObjectType::Meeting
        | ObjectType::Member
        | ObjectType::Email
        | ObjectType::Channel
        | ObjectType::Message
        | ObjectType::List
        | ObjectType::Custom(_)) => unsupported(other, "list membership"),
    }
}

/// A merge of two records of `object`.
pub(crate) async fn merge(
    c: &Gen,
    object: &ObjectType,
    key: Option<&str>,
    body: &wire::MergeBody,
) -> Answer<wire::MergeResult> {
    match object {
        ObjectType::Account => c.merge_accounts(key, body).await,
        ObjectType::Contact => c.merge_contacts(key, body).await,
        ObjectType::Opportunity => c.merge_opportunities(key, body).await,
        ObjectType::Custom(slug) if super::segment_problem(slug).is_none() => {
            c.merge_objects(slug, key, body).await
        }
        // Every type without this operation, by name: a new type fails to compile here.
        other @ (ObjectType::Task
        | ObjectType::Note
        | ObjectType::Meeting
        | ObjectType::Member
        | ObjectType::Email
        | ObjectType::Channel
        | ObjectType::Message
        | ObjectType::List
        | ObjectType::Custom(_)) => unsupported(other, "merge"),
    }
}
