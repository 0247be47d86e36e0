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
