//! The Dutch names by which the closed lists of the domain (states, commands, movement
//! kinds) are stored, shown and parsed.

/// `Display` as the Dutch name that `as_str` gives, and `FromStr` back from exactly that
/// name (the error keeps the text), for an enum with `ALL` and `as_str`.
macro_rules! display_and_parse_by_name {
    ($type:ident, $unknown:ident) => {
        impl std::fmt::Display for $type {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $type {
            type Err = $unknown;

            /// Parses the Dutch name, exactly as `as_str` gives it.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $type::ALL
                    .into_iter()
                    .find(|value| value.as_str() == s)
                    .ok_or_else(|| $unknown(s.to_owned()))
            }
        }
    };
}

pub(crate) use display_and_parse_by_name;
