//! Typed facades over the generic core, one module per record type: the `Client`
//! accessor, the typed record with getters for its system fields, `create` with the
//! type's required fields as arguments, and typed setters. Everything else comes from
//! [`Records`](crate::Records) through `Deref`.

pub mod accounts;
pub mod contacts;
pub mod files;
pub mod lists;
pub mod mail;
pub mod meetings;
pub mod notes;
pub mod objects;
pub mod opportunities;
pub mod readonly;
pub mod runs;
pub mod tasks;
pub mod upload;

use crate::value::InputValue;

/// A list of strings as a field value.
pub(crate) fn strings(values: impl IntoIterator<Item = impl Into<String>>) -> InputValue {
    InputValue::List(values.into_iter().map(Into::into).collect())
}

/// Declares a facade: a handle that derefs to `Records<$record>` and the `Client` method
/// that returns it.
macro_rules! facade {
    ($(#[$doc:meta])* $facade:ident($record:ty, $object:expr), $accessor:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $facade(crate::Records<$record>);

        impl std::ops::Deref for $facade {
            type Target = crate::Records<$record>;
            fn deref(&self) -> &Self::Target {
                &self.0
            }
        }

        impl $facade {
            /// The record type and the markers its typed record declares.
            #[cfg(test)]
            pub(crate) fn capabilities() -> (crate::ObjectType, &'static [&'static str]) {
                ($object, <$record>::CAPABILITIES)
            }
        }

        impl crate::Client {
            $(#[$doc])*
            pub fn $accessor(&self) -> $facade {
                $facade(crate::Records::new(self, $object))
            }
        }
    };
}

pub(crate) use facade;

/// A point in time as a DATETIME field value (RFC 3339).
pub(crate) fn datetime(at: time::OffsetDateTime) -> InputValue {
    use time::format_description::well_known::Rfc3339;
    // Formatting fails only for years outside 0..=9999; send the debug form, which the
    // API refuses with a message naming the field, rather than panic.
    InputValue::Text(at.format(&Rfc3339).unwrap_or_else(|_| at.to_string()))
}

/// A DATETIME field value, parsed.
pub(crate) fn parse_datetime(text: Option<&str>) -> Option<time::OffsetDateTime> {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::parse(text?, &Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use crate::ObjectType;
    use lightfield_gen::tables::OPERATIONS;

    /// The prefix of a type's operations in the spec's table; exhaustive, so a new record
    /// type fails to compile here until it is placed.
    fn prefix(object: &ObjectType) -> (&'static str, &'static str) {
        match object {
            ObjectType::Account => ("account", "merge_accounts"),
            ObjectType::Contact => ("contact", "merge_contacts"),
            ObjectType::Opportunity => ("opportunity", "merge_opportunities"),
            ObjectType::Task => ("task", "merge_tasks"),
            ObjectType::Note => ("note", "merge_notes"),
            ObjectType::Meeting => ("meeting", "merge_meetings"),
            ObjectType::Member => ("member", "merge_members"),
            ObjectType::Email => ("email", "merge_emails"),
            ObjectType::Channel => ("channel", "merge_channels"),
            ObjectType::Message => ("message", "merge_messages"),
            ObjectType::List => ("list", "merge_lists"),
            ObjectType::Custom(_) => ("object", "merge_objects"),
        }
    }

    /// The markers a type should carry: those whose operations the table has.
    fn expected(object: &ObjectType) -> Vec<&'static str> {
        let (prefix, merge) = prefix(object);
        let has = |suffix: &str| {
            let id = format!("{prefix}_{suffix}");
            OPERATIONS.iter().any(|op| op.id == id)
        };
        let mut markers = Vec::new();
        if has("create") && has("update") {
            markers.push("Editable");
        }
        if has("definitions") {
            markers.push("Described");
        }
        if has("delete") {
            markers.push("Deletable");
        }
        if has("restore") {
            markers.push("Trashable");
        }
        if has("field_history") {
            markers.push("WithHistory");
        }
        if OPERATIONS.iter().any(|op| op.id == merge) {
            markers.push("Mergeable");
        }
        markers
    }

    #[test]
    fn each_facade_offers_what_the_table_of_operations_has() {
        use super::{accounts::*, contacts::*, lists::*, meetings::*, notes::*};
        use super::{opportunities::*, readonly::*, tasks::*};
        let facades = [
            Accounts::capabilities(),
            Contacts::capabilities(),
            Opportunities::capabilities(),
            Tasks::capabilities(),
            Notes::capabilities(),
            Meetings::capabilities(),
            Members::capabilities(),
            Emails::capabilities(),
            Channels::capabilities(),
            Messages::capabilities(),
            Lists::capabilities(),
        ];
        for (object, declared) in facades {
            let mut declared = declared.to_vec();
            let mut wanted = expected(&object);
            declared.sort_unstable();
            wanted.sort_unstable();
            assert_eq!(declared, wanted, "{object:?}");
        }
        // Generic records serve custom objects, which have every operation.
        let mut custom = expected(&ObjectType::Custom("vendor".into()));
        custom.sort_unstable();
        assert_eq!(
            custom,
            [
                "Deletable",
                "Described",
                "Editable",
                "Mergeable",
                "Trashable",
                "WithHistory"
            ]
        );
    }
}
