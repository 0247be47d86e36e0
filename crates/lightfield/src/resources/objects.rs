//! Custom objects: the organisation's own record types. `client.objects()` lists them;
//! `client.object("vendor")` gives every record operation for one of them.

use crate::client::{Client, Response};
use crate::entity::{ObjectType, Record, Records};
use crate::error::Result;
use crate::http::options::{RequestOptions, request_option_setters};

/// One custom object type of the organisation.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ObjectTypeInfo {
    /// The slug used in paths and in [`Client::object`], e.g. `vendor`.
    pub slug: String,
    /// Display name.
    pub label: String,
    /// Keys of the answer this version of the SDK does not know, as received.
    pub extra: std::collections::BTreeMap<String, serde_json::Value>,
}

impl Client {
    /// The custom object types of the organisation.
    ///
    /// ```no_run
    /// # async fn demo(client: lightfield::Client) -> lightfield::Result<()> {
    /// for object in client.objects().send().await? {
    ///     let count = client.object(&object.slug).list().limit(1).send().await?.total_count;
    ///     println!("{} ({}): {count} records", object.label, object.slug);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn objects(&self) -> ListObjectTypes {
        ListObjectTypes {
            client: self.clone(),
            options: RequestOptions::default(),
        }
    }

    /// Every record operation for the custom object type `slug`, with generic records.
    pub fn object(&self, slug: impl Into<String>) -> Records<Record> {
        Records::new(self, ObjectType::Custom(slug.into()))
    }

    /// The operations on any record type with generic records, for code that works on
    /// types chosen at run time (exports, imports). An operation the type does not have
    /// (creating a member) answers [`Error::InvalidInput`](crate::Error::InvalidInput)
    /// without a request; the typed accessors (`accounts()`…) offer only what exists.
    pub fn records_of(&self, object: ObjectType) -> Records<Record> {
        Records::new(self, object)
    }
}

/// A request for the custom object types; see [`Client::objects`].
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct ListObjectTypes {
    client: Client,
    options: RequestOptions,
}

impl ListObjectTypes {
    request_option_setters!();

    /// Fetches the object types.
    pub async fn send(self) -> Result<Vec<ObjectTypeInfo>> {
        self.send_with_response().await.map(Response::into_inner)
    }

    /// Fetches the object types with status, headers and attempt count.
    pub async fn send_with_response(self) -> Result<Response<Vec<ObjectTypeInfo>>> {
        let options = self.options.for_policy(&self.client.transport.policy);
        let response = self
            .client
            .call(options, |c| async move { c.object_types().await })
            .await?;
        Ok(response.map(|list| {
            list.data
                .into_iter()
                .map(|o| ObjectTypeInfo {
                    slug: o.object_type,
                    label: o.label,
                    extra: o.extra.into_iter().collect(),
                })
                .collect()
        }))
    }
}
