//! Senders: the mailboxes and LinkedIn accounts sequences send from. `client.senders()`.

use std::collections::BTreeMap;

use lightfield_gen::types as wire;

use crate::ObjectType;
use crate::client::Client;
use crate::entity::check_id;
use crate::error::Error;
use crate::listing::{Listing, PageAt};
use crate::open_enum::open_enum;
use crate::request::Call;
use crate::request::idempotency::Keyed;

open_enum!(
    /// What a sender sends on.
    SenderChannel {
        /// Email.
        Email = "EMAIL",
        /// LinkedIn.
        Linkedin = "LINKEDIN",
    }
);

open_enum!(
    /// Whether a sender can send.
    Health {
        /// Not checked yet.
        Unverified = "UNVERIFIED",
        /// Sending.
        Healthy = "HEALTHY",
        /// Not sending; see the reason.
        Unhealthy = "UNHEALTHY",
    }
);

/// How fast a sender may send on one kind of step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pacing {
    /// At most this many a day.
    pub daily_limit: i64,
    /// At least this long between two, in seconds.
    pub min_gap_seconds: i64,
    /// At most this long between two; `None` for no upper bound (sent as `null`).
    pub max_gap_seconds: Option<i64>,
}

impl Pacing {
    fn from_wire(p: wire::Pacing) -> Self {
        Self {
            daily_limit: p.daily_limit,
            min_gap_seconds: p.min_gap_seconds,
            max_gap_seconds: p.max_gap_seconds,
        }
    }

    fn to_wire(self) -> wire::PacingInput {
        wire::PacingInput {
            daily_limit: self.daily_limit,
            min_gap_seconds: self.min_gap_seconds,
            max_gap_seconds: self.max_gap_seconds,
        }
    }
}

/// A sender.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Sender {
    /// Unique identifier.
    pub id: String,
    /// What it sends on.
    pub channel: Option<SenderChannel>,
    /// Whether it can send.
    pub health: Option<Health>,
    /// Why it is unhealthy.
    pub health_reason: Option<String>,
    /// The mailbox, for email senders.
    pub email_address: Option<String>,
    /// The member it belongs to.
    pub owner: Option<String>,
    /// When it was archived (archived senders cannot change).
    pub archived_at: Option<String>,
    /// When it was connected.
    pub created_at: Option<String>,
    /// Where replies go, when not to the sending address.
    pub reply_to_address: Option<String>,
    /// How an email sender sends (`SMTP`, `OAUTH`, or a newer value as sent).
    pub transport: Option<String>,
    /// The resource's type, `sender`.
    pub object_type: Option<String>,
    /// Pacing by step type (`EMAIL`, `LINKEDIN_INVITE`, `LINKEDIN_MESSAGE`); `None` for a
    /// step type this sender cannot send.
    pub pacing: BTreeMap<String, Option<Pacing>>,
    /// Keys a newer server sent beside the known ones, kept as received.
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl Sender {
    fn from_wire(s: wire::Sender) -> Self {
        Self {
            id: s.id,
            channel: s.channel.as_deref().map(SenderChannel::from_api),
            health: s.health.as_deref().map(Health::from_api),
            health_reason: s.health_reason,
            email_address: s.email_address,
            owner: s.owner,
            archived_at: s.archived_at,
            created_at: s.created_at,
            reply_to_address: s.reply_to_address,
            transport: s.transport,
            object_type: s.object_type,
            pacing: s
                .pacing
                .into_iter()
                .map(|(k, p)| (k, p.map(Pacing::from_wire)))
                .collect(),
            extra: s.extra.into_iter().collect(),
        }
    }
}

/// The sender operations of a client.
#[derive(Debug, Clone)]
pub struct Senders {
    client: Client,
}

impl Client {
    /// Senders (Preview): list, retrieve, change pacing, mark healthy.
    pub fn senders(&self) -> Senders {
        Senders {
            client: self.clone(),
        }
    }
}

fn sender_id(id: String) -> Result<String, Error> {
    check_id(&ObjectType::Custom("sender".into()), &id, "use")
}

impl Senders {
    /// Senders, a page at a time (1 to 25 a page), as a stream or as an export.
    pub fn list(&self) -> Listing<Sender> {
        Listing::new(
            &self.client,
            "sender_list",
            |c, at: PageAt| async move { c.sender_list(Some(at.limit), Some(at.offset)).await },
            |page: wire::SenderList, _: &[u8], at: &PageAt| {
                let items = page.data.into_iter().map(Sender::from_wire).collect();
                Ok(at.page(items, Some(page.total_count)))
            },
        )
    }

    /// Sender `id`.
    pub fn retrieve(&self, id: impl Into<String>) -> Call<Sender> {
        match sender_id(id.into()) {
            Err(e) => Call::refused(&self.client, "sender_retrieve", e),
            Ok(id) => Call::new(
                &self.client,
                "sender_retrieve",
                move |c, _| async move { c.sender_retrieve(&id).await },
                |s, _| Sender::from_wire(s),
            ),
        }
    }

    /// Replaces the whole pacing of sender `id`. An archived sender answers 409.
    pub fn update_pacing(
        &self,
        id: impl Into<String>,
        pacing: BTreeMap<String, Pacing>,
    ) -> Call<Sender, Keyed> {
        let body = wire::SenderUpdateBody {
            pacing: pacing.into_iter().map(|(k, p)| (k, p.to_wire())).collect(),
        };
        match sender_id(id.into()) {
            Err(e) => Call::refused(&self.client, "sender_update", e),
            Ok(id) => Call::new(
                &self.client,
                "sender_update",
                move |c, key| async move { c.sender_update(&id, Some(&key), &body).await },
                |s, _| Sender::from_wire(s),
            ),
        }
    }

    /// Marks sender `id` healthy again.
    pub fn mark_healthy(&self, id: impl Into<String>) -> Call<Sender, Keyed> {
        match sender_id(id.into()) {
            Err(e) => Call::refused(&self.client, "sender_mark_healthy", e),
            Ok(id) => Call::new(
                &self.client,
                "sender_mark_healthy",
                move |c, key| async move {
                    let empty = wire::EmptyBody(serde_json::Map::new());
                    c.sender_mark_healthy(&id, Some(&key), &empty).await
                },
                |s, _| Sender::from_wire(s),
            ),
        }
    }
}
