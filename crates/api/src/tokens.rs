//! The memory of tokens found recently, shared by every worker through the app's state.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use subsidie_service::Actor;

/// How long a token, once found, is trusted without asking the database again.
///
/// A revocation or a deactivation is written to the database, which every server process
/// shares; a process learns of it only when it looks the token up again. So this is how
/// long a revoked token may still work on another process, and it must stay well under the
/// promised second. Half a second keeps that promise with room for the lookup itself,
/// while a client sending many requests still costs at most two lookups a second per
/// token and process instead of one per request (the reason for the cache). Re-checking
/// revocation on every request instead would need that lookup each time, which is what the
/// cache saves; a shared notification channel would need PostgreSQL's LISTEN and nothing
/// like it on SQLite. The process that revokes forgets every token at once
/// ([`TokenCache::clear`]).
pub const TOKEN_TTL: Duration = Duration::from_millis(500);

/// At most this many tokens are remembered; when full, the memory starts empty again.
const MAX_CACHED: usize = 10_000;

/// What is remembered of a token: who it stands for, until when it is valid, when it was
/// looked up.
type Entry = (Actor, Option<DateTime<Utc>>, Instant);

/// Tokens found recently, by their SHA-256, with the user they belong to.
///
/// Every request carries a token; looking it up cost a pooled connection, a query and a
/// hop to the blocking thread pool each time, as much as a small use case. Only tokens
/// that were found valid are remembered, so an unknown, revoked or expired token is always
/// checked against the database.
#[derive(Debug, Default)]
pub struct TokenCache {
    entries: Mutex<HashMap<[u8; 32], Entry>>,
}

impl TokenCache {
    fn key(token: &str) -> [u8; 32] {
        Sha256::digest(token.as_bytes()).into()
    }

    /// The actor of `token` if it was found within [`TOKEN_TTL`] before `now` and has not
    /// expired by `today` (the app's clock, which tests move).
    pub(crate) fn get(&self, token: &str, now: Instant, today: DateTime<Utc>) -> Option<Actor> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(&Self::key(token))
            .filter(|(_, expires, at)| {
                now.duration_since(*at) < TOKEN_TTL && expires.is_none_or(|e| today < e)
            })
            .map(|(actor, _, _)| actor.clone())
    }

    pub(crate) fn put(
        &self,
        token: &str,
        actor: &Actor,
        expires_at: Option<DateTime<Utc>>,
        now: Instant,
    ) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_CACHED {
                entries.clear();
            }
            entries.insert(Self::key(token), (actor.clone(), expires_at, now));
        }
    }

    /// Forgets every token: after a revocation or deactivation on this process, which
    /// does not know which cached hash belonged to the token or user.
    pub(crate) fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use subsidie_service::{Actor, Role};

    #[test]
    fn remembers_a_token_for_its_ttl_only() {
        let cache = TokenCache::default();
        let actor = Actor::user("u1", Role::Finance, None);
        let start = Instant::now();
        let today = Utc.with_ymd_and_hms(2025, 5, 1, 9, 0, 0).unwrap();
        assert!(cache.get("abc", start, today).is_none());
        cache.put("abc", &actor, None, start);
        assert_eq!(
            cache.get("abc", start, today).unwrap().user_id.as_deref(),
            Some("u1")
        );
        assert!(cache.get("abd", start, today).is_none());
        assert!(cache.get("abc", start + TOKEN_TTL, today).is_none());
        cache.clear();
        assert!(cache.get("abc", start, today).is_none());
    }

    #[test]
    fn forgets_a_token_once_it_expires() {
        let cache = TokenCache::default();
        let actor = Actor::user("u1", Role::Finance, None);
        let start = Instant::now();
        let expires = Utc.with_ymd_and_hms(2025, 5, 1, 9, 0, 0).unwrap();
        cache.put("abc", &actor, Some(expires), start);
        assert!(cache
            .get("abc", start, expires - chrono::Duration::seconds(1))
            .is_some());
        assert!(cache.get("abc", start, expires).is_none());
    }
}
