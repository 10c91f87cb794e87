//! One page of a list, the same for every list of the API: `limiet` and `na` checked
//! with the filters (every bad parameter named at once), one row more asked of the
//! service than shown so the answer knows whether a next page exists, and the `self`
//! and `volgende` links that repeat the filters.

use std::str::FromStr;

use crate::dto::{Link, PaginaLinks, BASE};
use crate::input::optional_id;
use crate::problem::{ApiError, InvalidParam};

/// The largest page.
pub const MAX_LIMIT: i64 = 100;
/// The page size when `limiet` is left out.
pub const DEFAULT_LIMIT: i64 = 25;

/// The query parameters found wrong so far.
#[derive(Debug, Default)]
pub struct QueryErrors(Vec<InvalidParam>);

impl QueryErrors {
    /// An optional id parameter; a bad one is noted and read as absent.
    pub fn id(&mut self, value: Option<String>, name: &str) -> Option<String> {
        match optional_id(value, name) {
            Ok(v) => v,
            Err(e) => {
                self.0.extend(e.problem().invalid_params.iter().cloned());
                None
            }
        }
    }

    /// An optional parameter read as a `T`; one that does not parse is noted with
    /// `reason` and read as absent.
    pub fn parse<T: FromStr>(
        &mut self,
        value: Option<&str>,
        name: &str,
        reason: impl FnOnce(T::Err) -> String,
    ) -> Option<T> {
        match value.map(str::parse::<T>)? {
            Ok(v) => Some(v),
            Err(e) => {
                self.push(name, reason(e));
                None
            }
        }
    }

    /// Notes a wrong parameter.
    pub fn push(&mut self, name: &str, reason: String) {
        self.0.push(InvalidParam {
            name: name.to_owned(),
            reason,
        });
    }

    /// The page size asked for (`limiet`), 1 to [`MAX_LIMIT`].
    pub fn limit(&mut self, limiet: Option<i64>) -> i64 {
        let limit = limiet.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            self.push(
                "limiet",
                format!("{limit} ligt niet tussen 1 en {MAX_LIMIT}"),
            );
        }
        limit
    }

    /// Every wrong parameter as one 400, or nothing wrong.
    pub fn check(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid(self.0))
        }
    }
}

/// A page cut from `limit + 1` rows, with the cursor of the next page if there is one.
pub struct Page<T> {
    /// The rows of this page.
    pub rows: Vec<T>,
    /// `na` for the next page: the id of this page's last row.
    pub next: Option<String>,
}

impl<T> Page<T> {
    /// Cuts the page from what the service gave for `limit + 1`.
    pub fn cut(mut rows: Vec<T>, limit: i64, id: impl Fn(&T) -> String) -> Page<T> {
        let shown = usize::try_from(limit).unwrap_or(0);
        let more = rows.len() > shown;
        rows.truncate(shown);
        let next = if more { rows.last().map(id) } else { None };
        Page { rows, next }
    }

    /// The links of this page of `path` (relative to [`BASE`]): the filters as given,
    /// then `na` and `limiet`.
    pub fn links(
        &self,
        path: &str,
        filters: &[(&str, Option<String>)],
        after: Option<String>,
        limiet: Option<i64>,
    ) -> PaginaLinks {
        let href = |na: Option<String>| {
            let parts: Vec<String> = filters
                .iter()
                .cloned()
                .chain([("na", na), ("limiet", limiet.map(|l| l.to_string()))])
                .filter_map(|(k, v)| v.map(|v| format!("{k}={v}")))
                .collect();
            if parts.is_empty() {
                format!("{BASE}{path}")
            } else {
                format!("{BASE}{path}?{}", parts.join("&"))
            }
        };
        PaginaLinks {
            zelf: Link { href: href(after) },
            volgende: self.next.clone().map(|n| Link {
                href: href(Some(n)),
            }),
        }
    }
}
