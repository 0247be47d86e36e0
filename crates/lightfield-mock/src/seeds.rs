//! The organisation the mock pretends to be: select options and custom fields for each
//! built-in type, one custom object type (`vendor`), and the read-only records (members,
//! emails, channels, messages) that the API offers no way to create.

use lightfield_gen::tables;
use serde_json::{Value, json};

use crate::entity::{Collection, FieldDef, RelDef, Schema};

fn currency(key: &'static str, label: &'static str) -> FieldDef {
    FieldDef {
        currency: Some("USD"),
        ..FieldDef::new(key, label, "CURRENCY")
    }
}

fn account() -> Schema {
    Schema::builtin(
        &tables::ACCOUNT,
        &[
            (
                "$industry",
                &[
                    ("opt_ind_software", "Software"),
                    ("opt_ind_fintech", "Financial Services"),
                    ("opt_ind_health", "Healthcare"),
                    ("opt_ind_retail", "Retail"),
                ],
            ),
            (
                "$headcount",
                &[
                    ("opt_hc_1", "1-10"),
                    ("opt_hc_2", "11-50"),
                    ("opt_hc_3", "51-200"),
                    ("opt_hc_4", "201-1000"),
                    ("opt_hc_5", "1000+"),
                ],
            ),
            (
                "$lastFundingType",
                &[
                    ("opt_fund_seed", "Seed"),
                    ("opt_fund_a", "Series A"),
                    ("opt_fund_b", "Series B"),
                    ("opt_fund_ipo", "IPO"),
                ],
            ),
            (
                "$accountStatus",
                &[("opt_st_active", "Active"), ("opt_st_churned", "Churned")],
            ),
        ],
        vec![
            FieldDef::new("tier", "Tier", "SINGLE_SELECT").options(&[
                ("opt_tier_gold", "Gold"),
                ("opt_tier_silver", "Silver"),
                ("opt_tier_bronze", "Bronze"),
            ]),
            currency("arr", "Annual recurring revenue"),
            FieldDef::new("renewalDate", "Renewal date", "DATETIME"),
            FieldDef::new("isStrategic", "Strategic", "CHECKBOX"),
            FieldDef::new("seats", "Seats", "NUMBER"),
            FieldDef::new("billingEmail", "Billing email", "EMAIL"),
            FieldDef::new("phone", "Phone", "TELEPHONE"),
            FieldDef::new("champion", "Champion", "FULL_NAME"),
            FieldDef::new("notes", "Notes", "MARKDOWN"),
            // A dependent select: its options sit under options of `$industry`.
            FieldDef::new("segment", "Segment", "SINGLE_SELECT")
                .options(&[
                    ("opt_seg_saas", "SaaS"),
                    ("opt_seg_devtools", "Developer tools"),
                    ("opt_seg_payments", "Payments"),
                ])
                .depends_on(
                    "$industry",
                    &[
                        ("opt_seg_saas", "opt_ind_software"),
                        ("opt_seg_devtools", "opt_ind_software"),
                        ("opt_seg_payments", "opt_ind_fintech"),
                    ],
                ),
        ],
        vec![RelDef::new("partners", "Partners", "HAS_MANY", "account")],
    )
}

fn contact() -> Schema {
    Schema::builtin(
        &tables::CONTACT,
        &[],
        vec![
            FieldDef::new("jobTitle", "Job title", "TEXT"),
            FieldDef::new("seniority", "Seniority", "SINGLE_SELECT").options(&[
                ("opt_sen_ic", "Individual contributor"),
                ("opt_sen_mgr", "Manager"),
                ("opt_sen_exec", "Executive"),
            ]),
        ],
        vec![],
    )
}

fn opportunity() -> Schema {
    Schema::builtin(
        &tables::OPPORTUNITY,
        &[
            (
                "$stage",
                &[
                    ("opt_stage_discovery", "Discovery"),
                    ("opt_stage_proposal", "Proposal"),
                    ("opt_stage_negotiation", "Negotiation"),
                    ("opt_stage_won", "Closed Won"),
                    ("opt_stage_lost", "Closed Lost"),
                ],
            ),
            (
                "$opportunityStatus",
                &[
                    ("opt_os_open", "Open"),
                    ("opt_os_won", "Won"),
                    ("opt_os_lost", "Lost"),
                ],
            ),
        ],
        vec![
            currency("amount", "Amount"),
            FieldDef::new("closeDate", "Expected close", "DATETIME"),
        ],
        vec![],
    )
}

fn vendor() -> Schema {
    let mut name = FieldDef::new("$name", "Name", "TEXT");
    name.required = true;
    Schema::custom(
        "vendor",
        vec![
            name,
            FieldDef::new("category", "Category", "SINGLE_SELECT").options(&[
                ("opt_cat_hw", "Hardware"),
                ("opt_cat_sw", "Software"),
                ("opt_cat_svc", "Services"),
            ]),
            currency("contractValue", "Contract value"),
            FieldDef::new("website", "Website", "URL"),
            FieldDef::new("preferred", "Preferred", "CHECKBOX"),
        ],
        vec![RelDef::new("account", "Account", "HAS_ONE", "account")],
    )
}

fn member() -> Schema {
    plain(&tables::MEMBER)
}

fn plain(table: &tables::ObjectSchema) -> Schema {
    Schema::builtin(table, &[], vec![], vec![])
}

/// The custom object types and their labels, as `GET /v1/objects` lists them.
pub const CUSTOM_OBJECTS: &[(&str, &str)] = &[("vendor", "Vendor")];

/// Every collection of a fresh organisation, by object type.
pub fn collections() -> Vec<Collection> {
    let mut members = Collection::new(member());
    // `$name` is a FULL_NAME and `$role` plain text, as the API sends them.
    for (first, last, email, role) in [
        ("Ada", "Lovelace", "ada@example.com", "Admin"),
        ("Grace", "Hopper", "grace@example.com", "Member"),
        ("Alan", "Turing", "alan@example.com", "Member"),
    ] {
        members.seed(json!({
            "$name": {"firstName": first, "lastName": last},
            "$email": email,
            "$role": role,
            "$profileImage": null,
        }));
    }
    let mut emails = Collection::new(plain(&tables::EMAIL));
    for (subject, to) in [
        ("Welcome aboard", "ada@example.com"),
        ("Quarterly review", "grace@example.com"),
    ] {
        emails.seed(json!({
            "$from": "sales@example.com",
            "$to": [to],
            "$subject": subject,
            "$sentAt": "2026-01-15T10:00:00Z",
            "$threadId": "thr_1",
        }));
    }
    let mut channels = Collection::new(plain(&tables::CHANNEL));
    channels.seed(Value::Object(Default::default()));
    let mut messages = Collection::new(plain(&tables::MESSAGE));
    messages.seed(Value::Object(Default::default()));
    vec![
        Collection::new(account()),
        Collection::new(contact()),
        Collection::new(opportunity()),
        Collection::new(plain(&tables::TASK)),
        Collection::new(plain(&tables::NOTE)),
        Collection::new(plain(&tables::MEETING)),
        Collection::new(vendor()),
        Collection::new(plain(&tables::LIST)),
        members,
        emails,
        channels,
        messages,
    ]
}
