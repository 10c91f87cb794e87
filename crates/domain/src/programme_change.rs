//! Changes to a running programme by an administrator, between seeds: a new ceiling, a
//! window opened, extended or closed, an instrument added. Pure rules; the service
//! reads the current values, asks these functions, and records old → new.
//!
//! A ceiling never drops below what is already committed (reserved + granted): those
//! are promises (Awb 4:22 counts them against the ceiling), and the instruments together
//! stay within the programme's envelope.

use chrono::{Days, NaiveDate};

use crate::money::Money;
use crate::programme::{ApplicationWindow, Period};

/// Why a change is refused; every message says what would be accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChangeError {
    /// A ceiling of zero or less.
    #[error("het plafond van '{instrument}' moet groter zijn dan € 0,00; u gaf {}", .ceiling.to_dutch())]
    CeilingNotPositive {
        /// Instrument code.
        instrument: String,
        /// The ceiling asked for.
        ceiling: Money,
    },
    /// A ceiling below what is reserved and granted.
    #[error("het plafond van '{instrument}' kan niet lager dan wat al is gereserveerd en verleend ({}); u vroeg {}; kies ten minste {}", .committed.to_dutch(), .ceiling.to_dutch(), .committed.to_dutch())]
    CeilingBelowCommitted {
        /// Instrument code.
        instrument: String,
        /// The ceiling asked for.
        ceiling: Money,
        /// Reserved plus granted.
        committed: Money,
    },
    /// A ceiling below the largest amount one application may ask for.
    #[error("het plafond van '{instrument}' ({}) is lager dan het hoogste bedrag dat één aanvraag mag vragen ({}); kies ten minste dat bedrag", .ceiling.to_dutch(), .max.to_dutch())]
    CeilingBelowMaximum {
        /// Instrument code.
        instrument: String,
        /// The ceiling asked for.
        ceiling: Money,
        /// The largest amount.
        max: Money,
    },
    /// The ceilings together would exceed the envelope.
    #[error("met dit plafond zijn de plafonds samen {}, meer dan de envelop van het programma ({}); kies voor '{instrument}' hoogstens {}", .total.to_dutch(), .envelope.to_dutch(), .room.to_dutch())]
    CeilingsExceedEnvelope {
        /// Instrument code.
        instrument: String,
        /// All ceilings with the new one.
        total: Money,
        /// The envelope.
        envelope: Money,
        /// The highest ceiling that still fits.
        room: Money,
    },
    /// A window that would close before it opens.
    #[error("de openstelling van '{instrument}' zou sluiten op {closes}, vóór ze opent op {opens}; de einddatum moet op of na de begindatum liggen")]
    WindowReversed {
        /// Instrument code.
        instrument: String,
        /// First day.
        opens: NaiveDate,
        /// Last day.
        closes: NaiveDate,
    },
    /// A window opened that would already be over.
    #[error("de openstelling van '{instrument}' tot en met {closes} is dan al voorbij (vandaag is {today}); kies een einddatum op of na vandaag")]
    WindowInThePast {
        /// Instrument code.
        instrument: String,
        /// Last day asked for.
        closes: NaiveDate,
        /// Today.
        today: NaiveDate,
    },
    /// An extension that does not extend.
    #[error("verlengen van de openstelling van '{instrument}' kan alleen naar een datum na {current}; u gaf {closes}")]
    NotAnExtension {
        /// Instrument code.
        instrument: String,
        /// The current last day.
        current: NaiveDate,
        /// The last day asked for.
        closes: NaiveDate,
    },
    /// Closing a window that is already closed.
    #[error("de openstelling van '{instrument}' is al gesloten (tot en met {closes}); open haar opnieuw met een nieuwe einddatum als dat de bedoeling is")]
    AlreadyClosed {
        /// Instrument code.
        instrument: String,
        /// Its last day.
        closes: NaiveDate,
    },
    /// A window outside the programme's period.
    #[error("de openstelling van '{instrument}' van {opens} tot en met {closes} valt niet binnen de looptijd van het programma ({} tot en met {}); kies data binnen de looptijd", .period.starts, .period.ends)]
    WindowOutsidePeriod {
        /// Instrument code.
        instrument: String,
        /// First day.
        opens: NaiveDate,
        /// Last day.
        closes: NaiveDate,
        /// The programme's period.
        period: Period,
    },
    /// A window that would close after the accounting deadline.
    #[error("de openstelling van '{instrument}' zou sluiten op {closes}, na de uiterste verantwoordingsdatum {deadline}; kies een einddatum op of vóór {deadline}")]
    WindowAfterAccounting {
        /// Instrument code.
        instrument: String,
        /// Last day asked for.
        closes: NaiveDate,
        /// The accounting deadline.
        deadline: NaiveDate,
    },
}

/// What an administrator does with an instrument's window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowChange {
    /// Open it from `opens` (today when `None`) up to and including `closes`.
    Open {
        /// First day; `None`: today.
        opens: Option<NaiveDate>,
        /// Last day.
        closes: NaiveDate,
    },
    /// Move the last day to a later date.
    Extend {
        /// The new last day.
        closes: NaiveDate,
    },
    /// Close it: yesterday becomes the last day, so nothing is accepted from today on.
    Close,
}

/// What the rules of a window change need to know about the instrument.
#[derive(Debug, Clone, Copy)]
pub struct WindowContext<'a> {
    /// Instrument code, for the messages.
    pub instrument: &'a str,
    /// The window now.
    pub current: ApplicationWindow,
    /// The programme's period.
    pub period: Period,
    /// The instrument's accounting deadline, if any.
    pub accounting_deadline: Option<NaiveDate>,
    /// Today, in Amsterdam.
    pub today: NaiveDate,
}

/// The window after `change`, or why it is refused.
pub fn changed_window(
    ctx: &WindowContext<'_>,
    change: WindowChange,
) -> Result<ApplicationWindow, ChangeError> {
    let instrument = || ctx.instrument.to_owned();
    let window = match change {
        WindowChange::Open { opens, closes } => {
            let opens = opens.unwrap_or(ctx.today);
            if closes < ctx.today {
                return Err(ChangeError::WindowInThePast {
                    instrument: instrument(),
                    closes,
                    today: ctx.today,
                });
            }
            ApplicationWindow { opens, closes }
        }
        WindowChange::Extend { closes } => {
            if closes <= ctx.current.closes {
                return Err(ChangeError::NotAnExtension {
                    instrument: instrument(),
                    current: ctx.current.closes,
                    closes,
                });
            }
            ApplicationWindow {
                opens: ctx.current.opens,
                closes,
            }
        }
        WindowChange::Close => {
            if ctx.current.closes < ctx.today {
                return Err(ChangeError::AlreadyClosed {
                    instrument: instrument(),
                    closes: ctx.current.closes,
                });
            }
            let closes = ctx
                .today
                .checked_sub_days(Days::new(1))
                .unwrap_or(ctx.today);
            ApplicationWindow {
                opens: ctx.current.opens.min(closes),
                closes,
            }
        }
    };
    if window.closes < window.opens {
        return Err(ChangeError::WindowReversed {
            instrument: instrument(),
            opens: window.opens,
            closes: window.closes,
        });
    }
    // Closing is always allowed: a window that ends yesterday may start before the
    // programme did only if it already did, and that was checked when it was set.
    if change != WindowChange::Close
        && (!ctx.period.contains(window.opens) || !ctx.period.contains(window.closes))
    {
        return Err(ChangeError::WindowOutsidePeriod {
            instrument: instrument(),
            opens: window.opens,
            closes: window.closes,
            period: ctx.period,
        });
    }
    if let Some(deadline) = ctx.accounting_deadline {
        if window.closes > deadline {
            return Err(ChangeError::WindowAfterAccounting {
                instrument: instrument(),
                closes: window.closes,
                deadline,
            });
        }
    }
    Ok(window)
}

/// What the rules of a ceiling change need to know.
#[derive(Debug, Clone, Copy)]
pub struct CeilingContext<'a> {
    /// Instrument code, for the messages.
    pub instrument: &'a str,
    /// Reserved plus granted under the instrument.
    pub committed: Money,
    /// The largest amount one application may ask for.
    pub max_amount: Money,
    /// The ceilings of the programme's other instruments together.
    pub other_ceilings: Money,
    /// The programme's envelope.
    pub envelope: Money,
}

/// Checks a new ceiling against what is committed and against the envelope.
pub fn check_ceiling(ctx: &CeilingContext<'_>, ceiling: Money) -> Result<(), ChangeError> {
    let instrument = || ctx.instrument.to_owned();
    if ceiling.is_negative() || ceiling.is_zero() {
        return Err(ChangeError::CeilingNotPositive {
            instrument: instrument(),
            ceiling,
        });
    }
    if ceiling < ctx.committed {
        return Err(ChangeError::CeilingBelowCommitted {
            instrument: instrument(),
            ceiling,
            committed: ctx.committed,
        });
    }
    if ceiling < ctx.max_amount {
        return Err(ChangeError::CeilingBelowMaximum {
            instrument: instrument(),
            ceiling,
            max: ctx.max_amount,
        });
    }
    let sum = ctx.other_ceilings.checked_add(ceiling).ok();
    if !matches!(sum, Some(total) if total <= ctx.envelope) {
        // An overflowing sum is far above any envelope; the ceiling alone says as much.
        let total = sum.unwrap_or(ceiling);
        let room = ctx
            .envelope
            .checked_sub(ctx.other_ceilings)
            .unwrap_or(Money::ZERO);
        return Err(ChangeError::CeilingsExceedEnvelope {
            instrument: instrument(),
            total,
            envelope: ctx.envelope,
            room,
        });
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn euros(e: i64) -> Money {
        Money::from_euros(e).unwrap()
    }

    fn ctx(today: NaiveDate) -> WindowContext<'static> {
        WindowContext {
            instrument: "uitvoering",
            current: ApplicationWindow {
                opens: date(2024, 4, 1),
                closes: date(2025, 12, 31),
            },
            period: Period {
                starts: date(2024, 1, 1),
                ends: date(2026, 12, 31),
            },
            accounting_deadline: None,
            today,
        }
    }

    #[test]
    fn a_ceiling_below_what_is_committed_is_refused_in_euros() {
        let c = CeilingContext {
            instrument: "uitvoering",
            committed: euros(25_000),
            max_amount: euros(1_000),
            other_ceilings: euros(0),
            envelope: euros(100_000),
        };
        let err = check_ceiling(&c, euros(20_000)).unwrap_err().to_string();
        assert!(err.contains("€ 25.000,00"), "{err}");
        assert!(err.contains("€ 20.000,00"), "{err}");
        assert!(!err.contains("cent"), "{err}");
        assert!(check_ceiling(&c, euros(25_000)).is_ok());
        let err = check_ceiling(&c, euros(100_001)).unwrap_err().to_string();
        assert!(err.contains("hoogstens € 100.000,00"), "{err}");
        assert!(check_ceiling(&c, euros(0)).is_err());
    }

    #[test]
    fn windows_open_extend_and_close() {
        let today = date(2026, 12, 1);
        let opened = changed_window(
            &ctx(today),
            WindowChange::Open {
                opens: None,
                closes: date(2026, 12, 31),
            },
        )
        .unwrap();
        assert!(opened.contains(today));
        let mut c = ctx(today);
        c.current = opened;
        let extended = changed_window(
            &c,
            WindowChange::Extend {
                closes: date(2027, 1, 31),
            },
        )
        .unwrap_err();
        assert!(matches!(extended, ChangeError::WindowOutsidePeriod { .. }));
        assert!(matches!(
            changed_window(
                &c,
                WindowChange::Extend {
                    closes: date(2026, 12, 15)
                }
            ),
            Err(ChangeError::NotAnExtension { .. })
        ));
        let closed = changed_window(&c, WindowChange::Close).unwrap();
        assert!(!closed.contains(today));
        assert_eq!(closed.closes, date(2026, 11, 30));
        assert_eq!(
            closed.opens,
            date(2026, 11, 30),
            "never closes before it opens"
        );
        c.current = closed;
        assert!(matches!(
            changed_window(&c, WindowChange::Close),
            Err(ChangeError::AlreadyClosed { .. })
        ));
        assert!(matches!(
            changed_window(
                &ctx(today),
                WindowChange::Open {
                    opens: None,
                    closes: date(2026, 11, 1)
                }
            ),
            Err(ChangeError::WindowInThePast { .. })
        ));
    }
}
