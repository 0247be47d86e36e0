//! What a run would cost, before it runs: one call per stream for its count, then the
//! pages a full read takes (pages overlap by one record) at the API's 25 requests a second.

use lightfield::{Client, RecordStatus};

use crate::Error;
use crate::run::{Options, types};
use crate::scan::PAGE;

/// The cost of one stream.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StreamPlan {
    /// The stream (`account:active`, `account:trashed`).
    pub stream: String,
    /// How many records the API lists in it now.
    pub records: u64,
    /// The list calls a full read takes.
    pub calls: u64,
}

/// The cost of a run.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Plan {
    /// Each stream.
    pub streams: Vec<StreamPlan>,
    /// Calls in all: the lists, plus one definitions call per type.
    pub calls: u64,
    /// Seconds those calls take at 25 a second (retrieves of records no stream listed
    /// come on top, as many as records went missing).
    pub seconds: f64,
}

/// List calls a stream of `records` takes: pages of 25 starting every 24 records, until a
/// page comes back short (so 25 records take two calls, and none take one).
pub fn calls_for(records: u64) -> u64 {
    if records < PAGE {
        1
    } else {
        (records - PAGE) / (PAGE - 1) + 2
    }
}

/// What a run of `options` would cost, from one call per stream.
pub async fn plan(client: &Client, options: &Options) -> Result<Plan, Error> {
    let mut streams = Vec::new();
    let mut types_read = 0;
    for object in types(client, options).await? {
        types_read += 1;
        let statuses: &[RecordStatus] = if object.lists_trash() {
            &[RecordStatus::Active, RecordStatus::Trashed]
        } else {
            &[RecordStatus::Active]
        };
        for status in statuses {
            let mut list = client.records_of(object.clone()).list().limit(1);
            if object.lists_trash() {
                list = list.status(status.clone());
            }
            let records = list.send().await?.total_count;
            streams.push(StreamPlan {
                stream: format!("{}:{}", object.as_api(), status.as_api()),
                records,
                calls: calls_for(records),
            });
        }
    }
    if options.wants_name("file") {
        let records = client.files().list().limit(1).send().await?.total_count;
        streams.push(StreamPlan {
            stream: "file".into(),
            records,
            // Files are read in plain pages of 25 (no overlap: nothing is judged from them).
            calls: records / PAGE + 1,
        });
    }
    let calls = streams.iter().map(|s| s.calls).sum::<u64>() + types_read;
    Ok(Plan {
        streams,
        calls,
        seconds: calls as f64 / 25.0,
    })
}

#[cfg(test)]
mod tests {
    use super::calls_for;

    #[test]
    fn pages_overlap_by_one_record() {
        assert_eq!(calls_for(0), 1);
        assert_eq!(calls_for(24), 1);
        assert_eq!(calls_for(25), 2); // 0..25, then 24..25 comes back short
        assert_eq!(calls_for(48), 2); // 0..25, 24..48
        assert_eq!(calls_for(49), 3); // 0..25, 24..49, 48..49
        assert_eq!(calls_for(100_000), 4_167);
    }
}
