//! Query parameters of lists: paging, status and filters, checked as the API checks them.

use crate::entity::Status;
use crate::error::ApiError;

pub(crate) fn bad_param(name: &str, message: &str) -> ApiError {
    ApiError::bad_request("invalid_parameter", name, message)
}

/// Paging, status and filters of a list, from its query pairs.
pub(crate) struct ListParams {
    pub(crate) offset: usize,
    pub(crate) limit: usize,
    pub(crate) after: Option<String>,
    pub(crate) status: Status,
    pub(crate) filters: Vec<(String, String)>,
}

pub(crate) fn list_params(
    params: &[(String, String)],
    max_limit: usize,
    default_limit: usize,
) -> Result<ListParams, ApiError> {
    let mut out = ListParams {
        offset: 0,
        limit: default_limit,
        after: None,
        status: Status::Active,
        filters: Vec::new(),
    };
    for (k, v) in params {
        match k.as_str() {
            "offset" => {
                out.offset = v.parse().map_err(|_| {
                    bad_param("offset", "`offset` must be a whole number of 0 or more")
                })?;
            }
            "limit" => {
                out.limit = v
                    .parse()
                    .ok()
                    .filter(|n| (1..=max_limit).contains(n))
                    .ok_or_else(|| {
                        bad_param(
                            "limit",
                            &format!("`limit` must be between 1 and {max_limit}"),
                        )
                    })?;
            }
            "after" => out.after = Some(v.clone()),
            "status" => {
                out.status = match v.as_str() {
                    "active" => Status::Active,
                    "trashed" => Status::Trashed,
                    _ => return Err(bad_param("status", "`status` is `active` or `trashed`")),
                };
            }
            _ => out.filters.push((k.clone(), v.clone())),
        }
    }
    Ok(out)
}

/// `offset` and `limit` (1..=25) of an offset-paged list.
pub fn page_params(query: &[(String, String)]) -> Result<(usize, usize), ApiError> {
    let p = list_params(query, 25, 25)?;
    Ok((p.offset, p.limit))
}
