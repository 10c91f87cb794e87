//! Who acts: a user with one role, and for applicants their organisation.

use std::fmt;
use std::str::FromStr;

/// The roles of DESIGN §6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// `aanvrager`: an applicant, bound to one organisation.
    Applicant,
    /// `beoordelaar`: a reviewer at the funder.
    Reviewer,
    /// `financien`: finance.
    Finance,
    /// `beheerder`: administrator.
    Admin,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 4] = [Role::Applicant, Role::Reviewer, Role::Finance, Role::Admin];

    /// The Dutch name, as stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Applicant => "aanvrager",
            Role::Reviewer => "beoordelaar",
            Role::Finance => "financien",
            Role::Admin => "beheerder",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "onbekende rol '{s}'; kies uit aanvrager, beoordelaar, financien, beheerder"
                )
            })
    }
}

/// The user on whose behalf a command runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The user's id; `None` for the system itself (seeding, scheduled jobs).
    pub user_id: Option<String>,
    /// The role.
    pub role: Role,
    /// For applicants: their organisation.
    pub organisation_id: Option<String>,
}

impl Actor {
    /// The engine itself, acting as administrator (seeding, the CLI, scheduled jobs).
    pub fn system() -> Actor {
        Actor {
            user_id: None,
            role: Role::Admin,
            organisation_id: None,
        }
    }

    /// A user acting in a role.
    pub fn user(user_id: impl Into<String>, role: Role, organisation_id: Option<String>) -> Actor {
        Actor {
            user_id: Some(user_id.into()),
            role,
            organisation_id,
        }
    }
}
