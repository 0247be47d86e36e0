//! What the API refuses of a sender: pacing outside its ceilings, and health reasons that
//! only their cause can clear (from the official SDK's documentation of `sender.update`
//! and `sender.markHealthy`).

use serde_json::{Map, Value};

use crate::error::ApiError;

/// Daily limit and gap bounds (seconds) of one step type on one kind of sender.
struct Ceiling {
    daily: (u64, u64),
    gap: (u64, u64),
}

fn ceiling(step_type: &str, transport: Option<&str>) -> Option<Ceiling> {
    Some(match (step_type, transport) {
        ("EMAIL", Some("SMTP")) => Ceiling {
            daily: (1, 100),
            gap: (60, 3600),
        },
        ("EMAIL", _) => Ceiling {
            daily: (1, u64::MAX),
            gap: (60, 3600),
        },
        ("LINKEDIN_INVITE", _) => Ceiling {
            daily: (1, 30),
            gap: (120, 3600),
        },
        ("LINKEDIN_MESSAGE", _) => Ceiling {
            daily: (1, 60),
            gap: (120, 3600),
        },
        _ => return None,
    })
}

fn refused(param: String, message: String) -> ApiError {
    ApiError::bad_request("invalid_configuration", param, message)
}

/// A pacing update names exactly the step types the sender sends (those its pacing has a
/// value for), each whole and within its ceilings.
pub fn check_pacing(sender: &Value, pacing: &Value) -> Result<(), ApiError> {
    let empty = Map::new();
    let current = sender["pacing"].as_object().unwrap_or(&empty);
    let sends: Vec<&String> = current
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, _)| k)
        .collect();
    let Some(given) = pacing.as_object() else {
        return Err(refused(
            "pacing".into(),
            "`pacing` must be an object by step type".into(),
        ));
    };
    let transport = sender["transport"].as_str();
    for (step_type, limits) in given {
        let param = format!("pacing.{step_type}");
        if !sends.contains(&step_type) {
            return Err(refused(
                param,
                format!("this sender does not send `{step_type}` steps"),
            ));
        }
        let Some(ceiling) = ceiling(step_type, transport) else {
            return Err(refused(param, format!("unknown step type `{step_type}`")));
        };
        let number = |key: &str| limits.get(key).and_then(Value::as_u64);
        let (Some(daily), Some(min_gap)) = (number("dailyLimit"), number("minGapSeconds")) else {
            return Err(refused(
                param,
                "`dailyLimit` and `minGapSeconds` are required".into(),
            ));
        };
        let max_gap = match limits.get("maxGapSeconds") {
            None | Some(Value::Null) => None,
            Some(v) => Some(v.as_u64().ok_or_else(|| {
                refused(
                    format!("{param}.maxGapSeconds"),
                    "`maxGapSeconds` must be a whole number of seconds or null".into(),
                )
            })?),
        };
        let within = |v: u64, (lo, hi): (u64, u64)| v >= lo && v <= hi;
        if !within(daily, ceiling.daily) {
            return Err(refused(
                format!("{param}.dailyLimit"),
                format!(
                    "`dailyLimit` {daily} is outside {}..{}",
                    ceiling.daily.0, ceiling.daily.1
                ),
            ));
        }
        for (key, gap) in [("minGapSeconds", Some(min_gap)), ("maxGapSeconds", max_gap)] {
            if let Some(gap) = gap.filter(|g| !within(*g, ceiling.gap)) {
                return Err(refused(
                    format!("{param}.{key}"),
                    format!(
                        "`{key}` {gap} is outside {}..{} seconds",
                        ceiling.gap.0, ceiling.gap.1
                    ),
                ));
            }
        }
        if max_gap.is_some_and(|max| max < min_gap) {
            return Err(refused(
                format!("{param}.maxGapSeconds"),
                "`maxGapSeconds` cannot be below `minGapSeconds`".into(),
            ));
        }
    }
    if let Some(missing) = sends.iter().find(|s| !given.contains_key(s.as_str())) {
        return Err(refused(
            format!("pacing.{missing}"),
            format!("send every step type of the sender: `{missing}` is missing"),
        ));
    }
    Ok(())
}

/// The health reasons a mark-healthy clears on a sender of `channel`; any other reason
/// clears only once its cause is fixed.
pub fn clearable(channel: &str, reason: &str) -> bool {
    match channel {
        "EMAIL" => matches!(reason, "BOUNCE_THRESHOLD" | "RATE_LIMIT" | "INVITE_LIMIT"),
        "LINKEDIN" => matches!(reason, "RATE_LIMIT" | "INVITE_LIMIT" | "UNKNOWN"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_documented_reasons_clear() {
        assert!(clearable("EMAIL", "BOUNCE_THRESHOLD"));
        assert!(!clearable("EMAIL", "UNKNOWN"));
        assert!(clearable("LINKEDIN", "UNKNOWN"));
        assert!(!clearable("LINKEDIN", "BOUNCE_THRESHOLD"));
        assert!(!clearable("EMAIL", "DISCONNECTED"));
    }
}
