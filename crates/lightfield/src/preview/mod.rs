//! Senders and sequences: the API's Preview resources (they "may change, including
//! breaking changes"), behind the `preview` feature.
//!
//! Their shapes are still moving and their unions (sequence steps, messages, enrollment
//! results) have no single tag, so each answer is kept whole and read through typed
//! views: a getter decodes what is known, [`View::raw`] gives everything, and a variant or
//! key this SDK has not seen never makes decoding fail.

mod drafts;
mod senders;
mod sequences;
mod views;

pub use drafts::{CreateSequence, UpdateDraft};
pub use senders::{Health, Pacing, Sender, SenderChannel, Senders};
pub use sequences::{Enroll, MAX_ENROLLMENT_CHANGE, Sequences};
pub use views::{
    Draft, Enrollment, EnrollmentOutcome, EnrollmentResult, Performance, Sequence, SequenceMessage,
    SequenceTest, Step, StepType, TemplateVariable, TestStatus,
};

use serde_json::{Map, Value};

/// A typed view over a Preview answer kept whole.
pub trait View {
    /// Everything the server sent.
    fn raw(&self) -> &Map<String, Value>;

    /// A text member by key.
    fn text(&self, key: &str) -> Option<&str> {
        self.raw().get(key).and_then(Value::as_str)
    }

    /// A whole-number member by key.
    fn number(&self, key: &str) -> Option<i64> {
        self.raw().get(key).and_then(Value::as_i64)
    }
}

/// Declares a view: a struct holding the raw object, built from the generated open type.
/// `, id` adds an `id()` getter, for the resources that have an `id` of their own.
macro_rules! view {
    ($(#[$doc:meta])* $name:ident, id) => {
        $crate::preview::view!($(#[$doc])* $name);

        impl $name {
            /// `id`.
            pub fn id(&self) -> &str {
                $crate::preview::View::text(self, "id").unwrap_or_default()
            }
        }
    };
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name {
            raw: serde_json::Map<String, serde_json::Value>,
        }

        impl $crate::preview::View for $name {
            fn raw(&self) -> &serde_json::Map<String, serde_json::Value> {
                &self.raw
            }
        }

        impl From<lightfield_gen::types::PreviewObject> for $name {
            fn from(object: lightfield_gen::types::PreviewObject) -> Self {
                Self { raw: object.0 }
            }
        }

        impl From<serde_json::Map<String, serde_json::Value>> for $name {
            fn from(raw: serde_json::Map<String, serde_json::Value>) -> Self {
                Self { raw }
            }
        }

    };
}

pub(crate) use view;

/// A page of views from a generated page.
pub(crate) fn page<T: From<lightfield_gen::types::PreviewObject>>(
    page: lightfield_gen::types::PreviewPage,
    _: &[u8],
    at: &crate::listing::PageAt,
) -> crate::Result<crate::Page<T>> {
    let items: Vec<T> = page.data.into_iter().map(T::from).collect();
    Ok(at.page(items, page.total_count))
}
