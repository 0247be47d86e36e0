//! [`open_enum!`]: enums of the API's names that never fail on a name they do not know.

/// Declares an open enum of API names: known values as variants, anything else kept in
/// `Other` with its text.
macro_rules! open_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $api:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
            /// A value this SDK does not know yet, by its API name.
            Other(String),
        }

        impl $name {
            /// Reads the API's name.
            pub fn from_api(name: &str) -> Self {
                match name {
                    $($api => Self::$variant,)+
                    other => Self::Other(other.to_string()),
                }
            }

            /// The API's name.
            pub fn as_api(&self) -> &str {
                match self {
                    $(Self::$variant => $api,)+
                    Self::Other(name) => name,
                }
            }
        }

        /// The API's name.
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_api())
            }
        }
    };
}

pub(crate) use open_enum;
