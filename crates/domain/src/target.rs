//! Quantified targets and the notes that record where the source disagrees with itself.

use crate::ParseError;
use serde::{Deserialize, Serialize};

/// Which way a target counts: “165公里以上” is at least, “40微克以下” at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    AtLeast,
    AtMost,
    Exactly,
    About,
}

impl Direction {
    pub const ALL: [Direction; 4] = [
        Direction::AtLeast,
        Direction::AtMost,
        Direction::Exactly,
        Direction::About,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::AtLeast => "at_least",
            Direction::AtMost => "at_most",
            Direction::Exactly => "exactly",
            Direction::About => "about",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Direction::AtLeast => "不少于",
            Direction::AtMost => "不超过",
            Direction::Exactly => "为",
            Direction::About => "约",
        }
    }

    pub fn parse(s: &str) -> Result<Self, ParseError> {
        Self::ALL
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| {
                ParseError::new(
                    "direction",
                    format!("“{s}”无效，应为 at_least / at_most / exactly / about"),
                )
            })
    }
}

/// A note on the source: a correction of a PDF misplacement, or a disagreement between the
/// allocation table and the main text that is kept as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// The PDF put something in the wrong row or column; the main text decided.
    Correction,
    /// The table and the main text disagree in substance; the source wording is kept.
    Discrepancy,
}

impl NoteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NoteKind::Correction => "correction",
            NoteKind::Discrepancy => "discrepancy",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            NoteKind::Correction => "校正",
            NoteKind::Discrepancy => "原文不一致",
        }
    }

    pub fn parse(s: &str) -> Result<Self, ParseError> {
        match s {
            "correction" => Ok(NoteKind::Correction),
            "discrepancy" => Ok(NoteKind::Discrepancy),
            _ => Err(ParseError::new("kind", format!("未知的注记类型“{s}”"))),
        }
    }
}
