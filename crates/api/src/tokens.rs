//! The memory of tokens found recently, shared by every worker through the app's state.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use subsidie_service::Actor;

/// How long a token, once found, is trusted without asking the database again. A token
/// revoked in the database stops working within this time.
pub const TOKEN_TTL: Duration = Duration::from_secs(30);

/// At most this many tokens are remembered; when full, the memory starts empty again.
const MAX_CACHED: usize = 10_000;

/// Tokens found recently, by their SHA-256, with the user they belong to.
///
/// Every request carries a token; looking it up cost a pooled connection, a query and a
/// hop to the blocking thread pool each time, as much as a small use case. Only tokens
/// that were found are remembered, so an unknown token is always checked against the
/// database.
#[derive(Debug, Default)]
pub struct TokenCache {
    entries: Mutex<HashMap<[u8; 32], (Actor, Instant)>>,
}

impl TokenCache {
    fn key(token: &str) -> [u8; 32] {
        Sha256::digest(token.as_bytes()).into()
    }

    pub(crate) fn get(&self, token: &str, now: Instant) -> Option<Actor> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(&Self::key(token))
            .filter(|(_, at)| now.duration_since(*at) < TOKEN_TTL)
            .map(|(actor, _)| actor.clone())
    }

    pub(crate) fn put(&self, token: &str, actor: &Actor, now: Instant) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_CACHED {
                entries.clear();
            }
            entries.insert(Self::key(token), (actor.clone(), now));
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use subsidie_service::{Actor, Role};

    #[test]
    fn remembers_a_token_for_its_ttl_only() {
        let cache = TokenCache::default();
        let actor = Actor::user("u1", Role::Finance, None);
        let start = Instant::now();
        assert!(cache.get("abc", start).is_none());
        cache.put("abc", &actor, start);
        assert_eq!(
            cache.get("abc", start).unwrap().user_id.as_deref(),
            Some("u1")
        );
        assert!(cache.get("abd", start).is_none());
        assert!(cache.get("abc", start + TOKEN_TTL).is_none());
    }
}
