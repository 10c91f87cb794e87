//! The reproducible lot (*loting*).
//!
//! When applications received on the same calendar day together ask for more than is left
//! under the ceiling, or when applications in a ranking have the same score, their order
//! is decided by lot. The lot must be reproducible: the seed is drawn once (by the
//! service, from the operating system's random source), recorded with the allocation run,
//! and published; from then on anyone can re-run the lot with standard tools.
//!
//! # The rule
//!
//! * The seed is 32 bytes, written as 64 lowercase hexadecimal characters.
//! * The lot key of an application is
//!   `SHA-256(seed bytes ‖ reference)`: the 32 raw seed bytes (not the hex text),
//!   immediately followed by the application's reference in UTF-8, with no separator and
//!   no trailing newline.
//! * Applications are ordered by ascending lot key, comparing the 32 key bytes as an
//!   unsigned big-endian number (which is the same as comparing the lowercase hex strings
//!   alphabetically). Equal keys — which SHA-256 makes impossible in practice — are
//!   ordered by reference (byte-wise).
//!
//! # Re-running it by hand
//!
//! With `SEED_HEX` the recorded seed and `REFERENCE` an application's reference:
//!
//! ```text
//! (printf '%s' SEED_HEX | xxd -r -p; printf '%s' REFERENCE) | sha256sum
//! ```
//!
//! prints the lot key in hex. For a whole day, compute every key and sort:
//!
//! ```text
//! SEED=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
//! for r in ZONMW-2025-00001 ZONMW-2025-00002 ZONMW-2025-00003; do
//!   k=$( (printf '%s' "$SEED" | xxd -r -p; printf '%s' "$r") | sha256sum | cut -d' ' -f1 )
//!   echo "$k $r"
//! done | LC_ALL=C sort
//! ```
//!
//! The first line is the first in the draw. The tests of this module contain keys computed
//! exactly this way.
//!
//! # The commitment
//!
//! For order of receipt, each day's seed is drawn before the day begins and only its
//! [`commitment`] is published: `SHA-256(seed bytes)`, the 32 raw bytes again. When the day
//! is allocated the seed is revealed, and anyone checks that it is the one committed to:
//!
//! ```text
//! printf '%s' "$SEED" | xxd -r -p | sha256sum
//! ```
//!
//! must print the published commitment. SHA-256 cannot be inverted, so the commitment
//! says nothing about the seed, and no other seed has the same commitment: once it is
//! published nobody, the operator included, can choose another seed for that day.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

/// The 32-byte seed of a lot. Shown and parsed as 64 lowercase hex characters.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Seed([u8; 32]);

impl Seed {
    /// A seed from its raw bytes (the service takes them from the OS random source).
    pub fn from_bytes(bytes: [u8; 32]) -> Seed {
        Seed(bytes)
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for Seed {
    /// 64 lowercase hex characters.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&to_hex(&self.0))
    }
}

impl fmt::Debug for Seed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Seed({self})")
    }
}

/// Why a text is not a seed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeedError {
    /// Not 64 characters.
    #[error("een loting-seed heeft precies 64 tekens (hexadecimaal, kleine letters), maar deze heeft er {0}")]
    WrongLength(usize),
    /// A character outside `0-9a-f`.
    #[error("teken {position} van de loting-seed ('{character}') is niet toegestaan; alleen 0-9 en a-f (kleine letters) zijn toegestaan")]
    NotHex {
        /// 1-based position of the character.
        position: usize,
        /// The character.
        character: char,
    },
}

impl FromStr for Seed {
    type Err = SeedError;

    /// Parses exactly 64 lowercase hex characters.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let count = s.chars().count();
        if count != 64 {
            return Err(SeedError::WrongLength(count));
        }
        let mut bytes = [0u8; 32];
        let mut chars = s.chars().enumerate();
        for byte in &mut bytes {
            let mut next = || -> Result<u8, SeedError> {
                let (index, character) = chars.next().ok_or(SeedError::WrongLength(count))?;
                match character {
                    '0'..='9' => Ok(character as u8 - b'0'),
                    'a'..='f' => Ok(character as u8 - b'a' + 10),
                    _ => Err(SeedError::NotHex {
                        position: index + 1,
                        character,
                    }),
                }
            };
            let high = next()?;
            let low = next()?;
            *byte = (high << 4) | low;
        }
        Ok(Seed(bytes))
    }
}

impl Serialize for Seed {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Seed {
    /// Accepts only the 64-character hex form.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Lowercase hex of bytes.
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

/// The lot key of `reference` under `seed`: `SHA-256(seed bytes ‖ reference UTF-8)`.
pub fn lot_key(seed: &Seed, reference: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(seed.0);
    hasher.update(reference.as_bytes());
    hasher.finalize().into()
}

/// The commitment to `seed`: `SHA-256(seed bytes)` in lowercase hex, as
/// `printf '%s' SEED_HEX | xxd -r -p | sha256sum` prints it.
pub fn commitment(seed: &Seed) -> String {
    to_hex(&Sha256::digest(seed.0))
}

/// [`lot_key`] as 64 lowercase hex characters, as `sha256sum` prints it.
pub fn lot_key_hex(seed: &Seed, reference: &str) -> String {
    to_hex(&lot_key(seed, reference))
}

/// Orders two keyed references as the lot does: ascending key, then reference.
fn lot_order(a: &([u8; 32], &str), b: &([u8; 32], &str)) -> Ordering {
    a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1))
}

/// The references with their lot keys, in the order of the lot.
pub fn draw_with_keys<'a>(seed: &Seed, references: &[&'a str]) -> Vec<(&'a str, [u8; 32])> {
    let mut keyed: Vec<([u8; 32], &'a str)> = references
        .iter()
        .map(|reference| (lot_key(seed, reference), *reference))
        .collect();
    keyed.sort_by(lot_order);
    keyed
        .into_iter()
        .map(|(key, reference)| (reference, key))
        .collect()
}

/// The references in the order of the lot: ascending [`lot_key`], ties by reference.
pub fn draw<'a>(seed: &Seed, references: &[&'a str]) -> Vec<&'a str> {
    draw_with_keys(seed, references)
        .into_iter()
        .map(|(reference, _)| reference)
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const SEED_HEX: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    fn seed() -> Seed {
        SEED_HEX.parse().unwrap()
    }

    /// Seed number `i` of the statistical tests: SHA-256 of the decimal text of `i`
    /// (`printf '%s' 17 | sha256sum`).
    fn nth_seed(i: u32) -> Seed {
        Seed::from_bytes(Sha256::digest(i.to_string().as_bytes()).into())
    }

    #[test]
    fn seed_round_trips_through_hex() {
        let s = seed();
        assert_eq!(s.as_bytes()[0], 0);
        assert_eq!(s.as_bytes()[31], 0x1f);
        assert_eq!(s.to_string(), SEED_HEX);
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            format!("\"{SEED_HEX}\"")
        );
        assert_eq!(
            serde_json::from_str::<Seed>(&format!("\"{SEED_HEX}\"")).unwrap(),
            s
        );
        let all = Seed::from_bytes([0xab; 32]);
        assert_eq!(all.to_string(), "ab".repeat(32));
        assert_eq!(all.to_string().parse::<Seed>().unwrap(), all);
    }

    #[test]
    fn seed_parse_errors_are_clear() {
        assert_eq!("abc".parse::<Seed>(), Err(SeedError::WrongLength(3)));
        assert_eq!(
            format!("{SEED_HEX}0").parse::<Seed>(),
            Err(SeedError::WrongLength(65))
        );
        let upper = SEED_HEX.replace('a', "A");
        assert_eq!(
            upper.parse::<Seed>(),
            Err(SeedError::NotHex {
                position: 22,
                character: 'A'
            })
        );
        let err = format!("{}g", &SEED_HEX[..63]).parse::<Seed>().unwrap_err();
        assert!(err.to_string().contains("teken 64"), "{err}");
        assert!(err.to_string().contains("0-9 en a-f"), "{err}");
        // Multi-byte characters count as one character, not as bytes.
        let wide = format!("{}é", &SEED_HEX[..63]);
        assert!(matches!(
            wide.parse::<Seed>(),
            Err(SeedError::NotHex {
                position: 64,
                character: 'é'
            })
        ));
        assert!(SeedError::WrongLength(3)
            .to_string()
            .contains("precies 64 tekens"));
    }

    /// Expected values computed with the shell recipe of the module documentation:
    /// `(printf '%s' SEED_HEX | xxd -r -p; printf '%s' REFERENCE) | sha256sum`.
    #[test]
    fn known_answers_from_the_shell_recipe() {
        assert_eq!(
            lot_key_hex(&seed(), "ZONMW-2025-00042"),
            "921baaff4c7508238b14b8116e317de0f0ba8cedaef0aca86a187c9abc8613d5"
        );
        assert_eq!(
            lot_key_hex(&seed(), "aanvraag-ë"),
            "bfbbbd729d70b682cc6c700ff29e85b738cad8e452c3a0c229fc7f9d076cb843"
        );
        // The loop of the module documentation, for five references, sorted:
        let references = [
            "ZONMW-2025-00001",
            "ZONMW-2025-00002",
            "ZONMW-2025-00003",
            "ZONMW-2025-00004",
            "ZONMW-2025-00005",
        ];
        assert_eq!(
            draw(&seed(), &references),
            [
                "ZONMW-2025-00001",
                "ZONMW-2025-00003",
                "ZONMW-2025-00005",
                "ZONMW-2025-00002",
                "ZONMW-2025-00004",
            ]
        );
        let keyed = draw_with_keys(&seed(), &references);
        assert_eq!(
            to_hex(&keyed[0].1),
            "0a7709dea4029ff050a35c31635d2728f62ad0f1554b20e7df96538c1eea96ff"
        );
        assert_eq!(
            to_hex(&keyed[4].1),
            "d70f23a318042b69fd3490d9fb7eaf1021ccff868e940afcf4d0056dff86e2d9"
        );
    }

    /// `printf '%s' SEED_HEX | xxd -r -p | sha256sum`, as the module documentation says.
    #[test]
    fn commitment_from_the_shell_recipe() {
        assert_eq!(
            commitment(&seed()),
            "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd"
        );
        assert_ne!(commitment(&nth_seed(1)), commitment(&nth_seed(2)));
    }

    #[test]
    fn same_seed_same_order_regardless_of_input_order() {
        let references = ["a", "b", "c", "d", "e", "f", "g"];
        let mut reversed = references;
        reversed.reverse();
        let first = draw(&seed(), &references);
        assert_eq!(draw(&seed(), &references), first);
        assert_eq!(draw(&seed(), &reversed), first);
        let mut sorted = first.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, references);
    }

    #[test]
    fn another_seed_gives_another_order() {
        let references = ["R-1", "R-2", "R-3", "R-4", "R-5", "R-6"];
        let base = draw(&seed(), &references);
        let differing = (0..20)
            .filter(|&i| draw(&nth_seed(i), &references) != base)
            .count();
        // 6! = 720 orders: a repeat is possible but not for (nearly) all seeds.
        assert!(differing >= 19, "only {differing} of 20 seeds differ");
        assert_ne!(
            draw(&nth_seed(1), &references),
            draw(&nth_seed(2), &references)
        );
    }

    #[test]
    fn empty_and_single_draws() {
        assert!(draw(&seed(), &[]).is_empty());
        assert_eq!(draw(&seed(), &["only"]), ["only"]);
    }

    /// Over 20,000 seeds, each of 8 applications must come first about equally often.
    #[test]
    fn the_lot_is_fair() {
        const SEEDS: u32 = 20_000;
        let references = [
            "ZONMW-2025-00101",
            "ZONMW-2025-00102",
            "ZONMW-2025-00103",
            "ZONMW-2025-00104",
            "ZONMW-2025-00105",
            "ZONMW-2025-00106",
            "ZONMW-2025-00107",
            "ZONMW-2025-00108",
        ];
        let mut firsts = [0u32; 8];
        for i in 0..SEEDS {
            let winner = draw(&nth_seed(i), &references)[0];
            let index = references.iter().position(|r| *r == winner).unwrap();
            firsts[index] += 1;
        }
        let expected = f64::from(SEEDS) / 8.0;
        for (reference, count) in references.iter().zip(firsts) {
            assert!(
                (2_200..=2_800).contains(&count),
                "{reference} came first {count} times of {SEEDS}, expected about {expected}"
            );
        }
        // Chi-square with 7 degrees of freedom; 24.32 is the 0.1% critical value.
        let chi_square: f64 = firsts
            .iter()
            .map(|&count| (f64::from(count) - expected).powi(2) / expected)
            .sum();
        println!("first places {firsts:?}, chi-square {chi_square:.2} (7 df)");
        assert!(
            chi_square < 24.32,
            "chi-square {chi_square:.2} over {firsts:?}"
        );
    }
}
