//! Row identifiers as newtypes, so a task id can never be passed where a unit id is wanted.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(
    /// A plan (行动方案).
    PlanId
);
id_type!(
    /// An action (行动) within a plan.
    ActionId
);
id_type!(
    /// A task (任务) within an action.
    TaskId
);
id_type!(
    /// A numbered work item (工作要求) of an allocation table.
    WorkItemId
);
id_type!(
    /// A unit: a department, a county government, an office, an enterprise or a zone.
    UnitId
);
