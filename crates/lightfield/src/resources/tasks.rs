//! Tasks: things to do, assigned to a member. `client.tasks()`.

use time::OffsetDateTime;

use crate::entity::{Create, Ids, ObjectType, Update, impl_for, typed_record};
use crate::open_enum::open_enum;
use crate::value::InputValue;

use super::{datetime, facade, parse_datetime};

typed_record!(
    /// A task record: getters for its system fields beside the fields and methods of every
    /// [`Record`](struct@crate::Record).
    Task: Editable, Described, Deletable, Trashable
);

facade!(
    /// The task operations: create, update, retrieve, list, definitions, delete and
    /// restore.
    Tasks(Task, ObjectType::Task),
    tasks
);

open_enum!(
    /// Where a task stands (`$status`).
    TaskStatus {
        /// `TODO`
        Todo = "TODO",
        /// `IN_PROGRESS`
        InProgress = "IN_PROGRESS",
        /// `COMPLETE`
        Complete = "COMPLETE",
        /// `CANCELLED`
        Cancelled = "CANCELLED",
    }
);

impl Tasks {
    /// Starts a create: a title, a status and the member it is assigned to are required.
    pub fn create(
        &self,
        title: impl Into<String>,
        status: TaskStatus,
        assignee_member_id: impl Into<String>,
    ) -> Create<Task> {
        self.0
            .create()
            .field("$title", InputValue::Text(title.into()))
            .field("$status", InputValue::Text(status.as_api().to_string()))
            .relationship("$assignedTo", Ids::One(assignee_member_id.into()))
    }
}

impl_for!([Create<Task>, Update<Task>] {
    /// `$description`.
    pub fn description(self, text: impl Into<String>) -> Self {
        self.field("$description", InputValue::Text(text.into()))
    }

    /// `$dueAt`: when the task is due.
    pub fn due_at(self, at: OffsetDateTime) -> Self {
        self.field("$dueAt", datetime(at))
    }
});

impl Create<Task> {
    /// `$account`: the account the task is about.
    pub fn account(self, account_id: impl Into<String>) -> Self {
        self.relationship("$account", Ids::One(account_id.into()))
    }

    /// `$opportunity`: the opportunity the task is about.
    pub fn opportunity(self, opportunity_id: impl Into<String>) -> Self {
        self.relationship("$opportunity", Ids::One(opportunity_id.into()))
    }
}

impl Update<Task> {
    /// `$title`.
    pub fn title(self, title: impl Into<String>) -> Self {
        self.field("$title", InputValue::Text(title.into()))
    }

    /// `$status`.
    pub fn status(self, status: TaskStatus) -> Self {
        self.field("$status", InputValue::Text(status.as_api().to_string()))
    }

    /// `$assignedTo`: hands the task to another member.
    pub fn assign_to(self, member_id: impl Into<String>) -> Self {
        self.replace("$assignedTo", member_id)
    }
}

impl Task {
    /// `$title`.
    pub fn title(&self) -> Option<&str> {
        self.text("$title")
    }

    /// `$status`.
    pub fn status(&self) -> Option<TaskStatus> {
        self.text("$status").map(TaskStatus::from_api)
    }

    /// `$description`.
    pub fn description(&self) -> Option<&str> {
        self.text("$description")
    }

    /// `$dueAt`, parsed.
    pub fn due_at(&self) -> Option<OffsetDateTime> {
        parse_datetime(self.text("$dueAt"))
    }

    /// `$assignedTo`: the id of the assigned member.
    pub fn assignee(&self) -> Option<&str> {
        self.related_one("$assignedTo")
    }

    /// `$account`: the id of the account, if linked.
    pub fn account(&self) -> Option<&str> {
        self.related_one("$account")
    }

    /// `$opportunity`: the id of the opportunity, if linked.
    pub fn opportunity(&self) -> Option<&str> {
        self.related_one("$opportunity")
    }
}
