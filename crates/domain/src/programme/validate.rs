//! The checks a programme file must pass before the engine runs it. They report **all**
//! problems at once, in the order of the file.

use std::collections::HashSet;

use super::amount::AmountRule;
use super::error::{ConfigError, ConfigErrors};
use super::model::{Discipline, InstrumentConfig, Period, ProgrammeFile, Region};
use super::rounds::RoundConfig;
use crate::money::Money;

/// True for a non-empty code of lowercase ASCII letters, digits and hyphens.
pub fn is_valid_code(code: &str) -> bool {
    !code.is_empty()
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A code close to `text` that [`is_valid_code`] accepts, for error messages.
pub(super) fn suggest_code(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.trim().chars().flat_map(char::to_lowercase) {
        let mapped = match ch {
            'a'..='z' | '0'..='9' => Some(ch),
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => Some('a'),
            'è' | 'é' | 'ê' | 'ë' => Some('e'),
            'ì' | 'í' | 'î' | 'ï' => Some('i'),
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => Some('o'),
            'ù' | 'ú' | 'û' | 'ü' => Some('u'),
            'ç' => Some('c'),
            'ñ' => Some('n'),
            ' ' | '_' | '-' | '.' | '/' | '\'' => Some('-'),
            _ => None,
        };
        if let Some(c) = mapped {
            if !(c == '-' && (out.is_empty() || out.ends_with('-'))) {
                out.push(c);
            }
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "code-1".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// Checks a list's codes and names; `noun` names one item ("regeling"), `list` the list.
fn check_codes_and_names<'a>(
    items: impl Iterator<Item = (&'a str, &'a str)>,
    noun: &str,
    list: &'static str,
    errors: &mut Vec<ConfigError>,
) {
    let mut seen = HashSet::new();
    let mut reported = HashSet::new();
    for (index, (code, name)) in items.enumerate() {
        let subject = if code.is_empty() {
            format!("{noun} nr. {}", index + 1)
        } else {
            format!("{noun} '{code}'")
        };
        if code.is_empty() {
            errors.push(ConfigError::EmptyCode {
                subject: subject.clone(),
            });
        } else if !is_valid_code(code) {
            errors.push(ConfigError::InvalidCode {
                subject: format!("{noun} nr. {}", index + 1),
                code: code.to_owned(),
                suggestion: suggest_code(code),
            });
        } else if !seen.insert(code) && reported.insert(code) {
            errors.push(ConfigError::DuplicateCode {
                list,
                code: code.to_owned(),
            });
        }
        if name.trim().is_empty() {
            errors.push(ConfigError::EmptyName {
                subject,
                key: "naam",
            });
        }
    }
}

impl InstrumentConfig {
    /// Checks the instrument's lists: the required documents and the partner rule.
    fn list_problems(&self, errors: &mut Vec<ConfigError>) {
        check_codes_and_names(
            self.required_documents
                .iter()
                .map(|d| (d.kind.as_str(), d.name.as_str())),
            "document",
            "documenten",
            errors,
        );
        check_codes_and_names(
            self.required_partners
                .iter()
                .map(|p| (p.kind.as_str(), p.name.as_str())),
            "partnersoort",
            "partners_vereist",
            errors,
        );
        for rule in &self.required_partners {
            if rule.at_least == 0 {
                errors.push(ConfigError::PartnerMinimumZero {
                    instrument: self.code.clone(),
                    kind: rule.kind.clone(),
                });
            }
        }
    }

    /// Checks one instrument on its own and against its programme's period, as a
    /// programme file would be checked (for an instrument added to a running programme).
    pub fn check(&self, period: &Period, disciplines_defined: bool) -> Result<(), ConfigErrors> {
        let mut errors = Vec::new();
        if !is_valid_code(&self.code) {
            errors.push(ConfigError::InvalidCode {
                subject: "de regeling".to_owned(),
                code: self.code.clone(),
                suggestion: suggest_code(&self.code),
            });
        }
        if self.name.trim().is_empty() {
            errors.push(ConfigError::EmptyName {
                subject: format!("regeling '{}'", self.code),
                key: "naam",
            });
        }
        self.problems(period, disciplines_defined, &mut errors);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ConfigErrors(errors))
        }
    }

    /// The problems of this instrument on its own and against its programme.
    fn problems(&self, period: &Period, disciplines_defined: bool, errors: &mut Vec<ConfigError>) {
        let instrument = || self.code.clone();
        if self.ceiling.is_negative() || self.ceiling.is_zero() {
            errors.push(ConfigError::CeilingNotPositive {
                instrument: instrument(),
                ceiling: self.ceiling,
            });
        }
        let not_positive = |m: Money| m.is_negative() || m.is_zero();
        match self.amount {
            AmountRule::Range { min, max } => {
                if not_positive(min) {
                    errors.push(ConfigError::AmountNotPositive {
                        instrument: instrument(),
                        key: "min",
                        amount: min,
                    });
                }
                if not_positive(max) {
                    errors.push(ConfigError::AmountNotPositive {
                        instrument: instrument(),
                        key: "max",
                        amount: max,
                    });
                }
                if min > max {
                    errors.push(ConfigError::MinAboveMax {
                        instrument: instrument(),
                        min,
                        max,
                    });
                }
            }
            AmountRule::Fixed(fixed) => {
                if not_positive(fixed) {
                    errors.push(ConfigError::AmountNotPositive {
                        instrument: instrument(),
                        key: "vast",
                        amount: fixed,
                    });
                }
            }
        }
        if self.amount.max() > self.ceiling && !not_positive(self.ceiling) {
            errors.push(ConfigError::AmountAboveCeiling {
                instrument: instrument(),
                key: if self.amount.is_fixed() {
                    "vast"
                } else {
                    "max"
                },
                amount: self.amount.max(),
                ceiling: self.ceiling,
            });
        }
        if self.advance_percent > 100 {
            errors.push(ConfigError::AdvanceTooHigh {
                instrument: instrument(),
                percent: self.advance_percent,
            });
        }
        let window = self.window;
        if window.closes < window.opens {
            errors.push(ConfigError::WindowReversed {
                instrument: instrument(),
                opens: window.opens,
                closes: window.closes,
            });
        }
        if self.has_single_window()
            && (!period.contains(window.opens) || !period.contains(window.closes))
        {
            errors.push(ConfigError::WindowOutsidePeriod {
                instrument: instrument(),
                opens: window.opens,
                closes: window.closes,
                starts: period.starts,
                ends: period.ends,
            });
        }
        self.round_problems(period, errors);
        if self.decision_term_weeks == 0 {
            errors.push(ConfigError::DecisionTermZero {
                instrument: instrument(),
            });
        }
        if self.supplement_term_days == 0 {
            errors.push(ConfigError::SupplementTermZero {
                instrument: instrument(),
            });
        }
        if let Some(limit) = self.four_eyes_above {
            if limit.is_negative() {
                errors.push(ConfigError::FourEyesNegative {
                    instrument: instrument(),
                    amount: limit,
                });
            }
        }
        if let Some(deadline) = self.accounting_deadline {
            if deadline < window.closes {
                errors.push(ConfigError::AccountingBeforeWindowCloses {
                    instrument: instrument(),
                    deadline,
                    closes: window.closes,
                });
            }
        }
        if (self.requires_discipline || self.uniqueness.requires_discipline())
            && !disciplines_defined
        {
            errors.push(ConfigError::DisciplinesMissing {
                instrument: instrument(),
            });
        }
    }
}

impl InstrumentConfig {
    /// True when the instrument has the one round of a plain `openstelling`.
    pub fn has_single_window(&self) -> bool {
        self.rounds.len() == 1 && self.rounds[0] == RoundConfig::single(self.window)
    }

    /// The problems of the instrument's rounds: order, period, ceilings, carry-over and
    /// the second-round rule.
    fn round_problems(&self, period: &Period, errors: &mut Vec<ConfigError>) {
        let instrument = || self.code.clone();
        check_codes_and_names(
            self.rounds
                .iter()
                .map(|r| (r.code.as_str(), r.name.as_str())),
            "ronde",
            "rondes",
            errors,
        );
        let mut ceilings = Vec::new();
        // A plain `openstelling` is checked as a window, in the words of a window.
        let explicit = !self.has_single_window();
        for (i, round) in self.rounds.iter().enumerate() {
            let code = || round.code.clone();
            if explicit && round.closes <= round.opens {
                errors.push(ConfigError::RoundReversed {
                    instrument: instrument(),
                    round: code(),
                    opens: round.opens,
                    closes: round.closes,
                });
            }
            if let Some(previous) = i.checked_sub(1).and_then(|p| self.rounds.get(p)) {
                if round.opens <= previous.closes {
                    errors.push(ConfigError::RoundsOverlap {
                        instrument: instrument(),
                        round: code(),
                        previous: previous.code.clone(),
                        opens: round.opens,
                        previous_closes: previous.closes,
                    });
                }
            }
            if explicit
                && (!period.contains(round.opens.date()) || !period.contains(round.closes.date()))
            {
                errors.push(ConfigError::RoundOutsidePeriod {
                    instrument: instrument(),
                    round: code(),
                    opens: round.opens,
                    closes: round.closes,
                    starts: period.starts,
                    ends: period.ends,
                });
            }
            if let Some(ceiling) = round.ceiling {
                ceilings.push(ceiling);
                if ceiling.is_negative() || ceiling.is_zero() {
                    errors.push(ConfigError::RoundCeilingNotPositive {
                        instrument: instrument(),
                        round: code(),
                        ceiling,
                    });
                } else if ceiling < self.amount.max() {
                    errors.push(ConfigError::RoundCeilingBelowAmount {
                        instrument: instrument(),
                        round: code(),
                        ceiling,
                        amount: self.amount.max(),
                    });
                }
            }
            if round.carry_over {
                let reason = if round.ceiling.is_none() {
                    Some("de ronde heeft geen eigen plafond, dus niets om over te dragen")
                } else if i + 1 == self.rounds.len() {
                    Some("het is de laatste ronde, er is geen volgende om naar over te lopen")
                } else {
                    None
                };
                if let Some(reason) = reason {
                    errors.push(ConfigError::CarryOverNowhere {
                        instrument: instrument(),
                        round: code(),
                        reason,
                    });
                }
            }
            if let Some(named) = &round.only_unfunded_in {
                if !self.rounds[..i].iter().any(|r| &r.code == named) {
                    errors.push(ConfigError::UnfundedRoundUnknown {
                        instrument: instrument(),
                        round: code(),
                        named: named.clone(),
                    });
                }
            }
        }
        let any = !ceilings.is_empty();
        if let Ok(total) = Money::sum(ceilings) {
            if any && total > self.ceiling {
                errors.push(ConfigError::RoundCeilingsExceedCeiling {
                    instrument: instrument(),
                    total,
                    ceiling: self.ceiling,
                });
            }
        }
    }
}

impl ProgrammeFile {
    /// Checks the whole file and returns every problem found, or `Ok` when the engine
    /// can run it.
    pub fn validate(&self) -> Result<(), ConfigErrors> {
        let mut errors = Vec::new();
        let programme = &self.programme;

        if programme.code.is_empty() {
            errors.push(ConfigError::EmptyCode {
                subject: "het programma".to_owned(),
            });
        } else if !is_valid_code(&programme.code) {
            errors.push(ConfigError::InvalidCode {
                subject: "het programma".to_owned(),
                code: programme.code.clone(),
                suggestion: suggest_code(&programme.code),
            });
        }
        if programme.name.trim().is_empty() {
            errors.push(ConfigError::EmptyName {
                subject: "het programma".to_owned(),
                key: "naam",
            });
        }
        if programme.funder.trim().is_empty() {
            errors.push(ConfigError::EmptyName {
                subject: "het programma".to_owned(),
                key: "financier",
            });
        }
        if programme.envelope.is_negative() || programme.envelope.is_zero() {
            errors.push(ConfigError::EnvelopeNotPositive {
                envelope: programme.envelope,
            });
        }
        if programme.period.ends < programme.period.starts {
            errors.push(ConfigError::PeriodReversed {
                starts: programme.period.starts,
                ends: programme.period.ends,
            });
        }

        if programme.instruments.is_empty() {
            errors.push(ConfigError::NoInstruments);
        }
        check_codes_and_names(
            programme
                .instruments
                .iter()
                .map(|i| (i.code.as_str(), i.name.as_str())),
            "regeling",
            "regelingen",
            &mut errors,
        );
        let disciplines_defined = !self.disciplines.is_empty();
        for instrument in &programme.instruments {
            instrument.problems(&programme.period, disciplines_defined, &mut errors);
            instrument.list_problems(&mut errors);
        }
        match programme.ceilings_total() {
            Ok(total) if total > programme.envelope => {
                // Both are within the representable range, so the difference is too.
                let excess = total.checked_sub(programme.envelope).unwrap_or(total);
                errors.push(ConfigError::CeilingsExceedEnvelope {
                    total,
                    envelope: programme.envelope,
                    excess,
                });
            }
            Ok(_) => {}
            Err(source) => errors.push(ConfigError::CeilingsOverflow { source }),
        }

        if self.regions.is_empty() {
            errors.push(ConfigError::NoRegions);
        }
        check_codes_and_names(
            self.regions
                .iter()
                .map(|r| (r.code.as_str(), r.name.as_str())),
            "regio",
            "regio's",
            &mut errors,
        );
        for region in &self.regions {
            if region.inhabitants == 0 {
                errors.push(ConfigError::NoInhabitants {
                    region: region.code.clone(),
                });
            }
        }
        check_codes_and_names(
            self.disciplines
                .iter()
                .map(|d| (d.code.as_str(), d.name.as_str())),
            "discipline",
            "disciplines",
            &mut errors,
        );

        if errors.is_empty() {
            Ok(())
        } else {
            Err(ConfigErrors(errors))
        }
    }

    /// The region with this code.
    pub fn region(&self, code: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.code == code)
    }

    /// The discipline with this code.
    pub fn discipline(&self, code: &str) -> Option<&Discipline> {
        self.disciplines.iter().find(|d| d.code == code)
    }

    /// The inhabitants of all regions together.
    pub fn total_inhabitants(&self) -> u64 {
        self.regions
            .iter()
            .fold(0u64, |acc, r| acc.saturating_add(r.inhabitants))
    }
}
