//! Who may do what. One function, [`authorize`], decides every write and every read of the
//! application; the server calls it for every server function and route (see
//! `app::auth`), never the components.

use crate::ParseError;
use serde::{Deserialize, Serialize};

/// The kinds of user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Users, units, imports.
    Admin,
    /// The coordinating office of one plan (治水办 / 治气办 / 治土办): that plan's readings and
    /// reviews.
    Coordinator,
    /// Bound to one unit: reports on that unit's assignments only.
    Reporter,
    /// Reads everything, changes nothing.
    Leader,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Coordinator, Role::Reporter, Role::Leader];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator => "coordinator",
            Role::Reporter => "reporter",
            Role::Leader => "leader",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Admin => "系统管理员",
            Role::Coordinator => "方案协调员",
            Role::Reporter => "单位填报员",
            Role::Leader => "领导（只读）",
        }
    }

    pub fn parse(s: &str) -> Result<Self, ParseError> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                ParseError::new(
                    "role",
                    format!("角色“{s}”无效，应为 admin / coordinator / reporter / leader"),
                )
            })
    }
}

/// A signed-in user as the server knows them (never the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The code of the plan a coordinator coordinates (any stored plan).
    pub plan: Option<String>,
    /// The unit a reporter reports for.
    pub unit: Option<String>,
    /// A demo account (created by `serve --demo`), labelled as such.
    pub is_demo: bool,
    /// The coordinated plan's short name, as stored (read with the account).
    #[serde(default)]
    pub plan_name: Option<crate::PlanLabel>,
}

impl User {
    /// “张三（单位填报员 · 开化县政府）”.
    pub fn describe_zh(&self) -> String {
        let scope = match (self.role, &self.plan, &self.unit) {
            (Role::Coordinator, Some(p), _) => match &self.plan_name {
                Some(name) => format!(" · {}", name.zh),
                None => format!(" · {p}"),
            },
            (Role::Reporter, _, Some(u)) => format!(" · {u}"),
            _ => String::new(),
        };
        format!("{}（{}{scope}）", self.display_name, self.role.label_zh())
    }
}

/// A plan as messages name it: its stored short name when the store has listed it
/// ([`crate::plan::name_of`]), else its code.
fn plan_label(code: &str) -> String {
    crate::plan::name_of(code).unwrap_or_else(|| format!("方案“{code}”"))
}

/// The caller's own plan as messages name it: its stored name, else its code.
fn own_plan(user: &User) -> String {
    match (&user.plan_name, &user.plan) {
        (Some(name), _) => name.zh.clone(),
        (None, Some(code)) => plan_label(code),
        (None, None) => "未指定方案的".to_owned(),
    }
}

/// The raw fields of the new-account form (browser) or command line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountForm {
    pub username: String,
    pub display_name: String,
    pub role: String,
    /// For a coordinator: a stored plan's code (its existence is checked by the store).
    pub plan: String,
    /// For a reporter: the unit's name.
    pub unit: String,
    /// Empty: a random password is generated and shown once.
    pub password: String,
}

/// A new account, checked by [`NewAccount::parse`]; the unit's existence is checked by the
/// store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub plan: Option<String>,
    pub unit: Option<String>,
    /// `None`: generate one.
    pub password: Option<String>,
}

impl NewAccount {
    pub const MIN_PASSWORD: usize = 10;

    /// Checks every field; the error names the field and says why, in Chinese.
    pub fn parse(f: &AccountForm) -> Result<NewAccount, ParseError> {
        let username = f.username.trim();
        if username.is_empty()
            || username.chars().count() > 40
            || !username
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        {
            return Err(ParseError::new(
                "username",
                "用户名须为 1–40 个字母、数字或 - _ . 字符",
            ));
        }
        let role = Role::parse(f.role.trim())?;
        let plan = match (role, f.plan.trim()) {
            (Role::Coordinator, "") => {
                return Err(ParseError::new("plan", "方案协调员须选择所协调的方案"))
            }
            (Role::Coordinator, p) => match crate::PlanCode::parse(p) {
                Ok(code) => Some(code.as_str().to_owned()),
                Err(e) => return Err(ParseError::new("plan", e.reason)),
            },
            _ => None,
        };
        let unit = match (role, f.unit.trim()) {
            (Role::Reporter, "") => {
                return Err(ParseError::new("unit", "单位填报员须选择所属单位"))
            }
            (Role::Reporter, u) => Some(u.to_owned()),
            _ => None,
        };
        let display_name = match f.display_name.trim() {
            "" => username.to_owned(),
            d if d.chars().count() > 40 => {
                return Err(ParseError::new("display_name", "姓名不超过 40 个字符"))
            }
            d => d.to_owned(),
        };
        let password = match f.password.as_str() {
            "" => None,
            p if p.chars().count() < Self::MIN_PASSWORD => {
                return Err(ParseError::new(
                    "password",
                    format!("密码至少 {} 个字符", Self::MIN_PASSWORD),
                ))
            }
            p => Some(p.to_owned()),
        };
        Ok(NewAccount {
            username: username.to_owned(),
            display_name,
            role,
            plan,
            unit,
            password,
        })
    }
}

/// An account as the admin's list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub user: User,
    /// A deactivated account cannot sign in.
    pub active: bool,
}

/// One row of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    /// RFC 3339.
    pub at: String,
    pub actor: String,
    /// `report.add`, `reading.replace`, `user.add`, …
    pub action: String,
    pub entity: String,
    pub entity_key: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// What was changed, named as a person reads it (“治水 (5) 开化县政府”), when the key
    /// alone does not say.
    #[serde(default)]
    pub object: Option<String>,
}

/// What is being attempted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action<'a> {
    /// Any page or read of plan, tracking and indicator data.
    Read,
    /// A progress report on an assignment of `unit` in `plan`.
    Report { plan: &'a str, unit: &'a str },
    /// Accepting or returning a unit's completion report.
    Review { plan: &'a str },
    /// Editing a work item of `plan`: its deadlines, responsible units and targets.
    EditPlan { plan: &'a str },
    /// Writing readings of an indicator of `plan` (entry form, import, API).
    WriteReadings { plan: &'a str },
    /// Users and their roles.
    ManageUsers,
    /// Adding units.
    ManageUnits,
    /// The audit trail of everything.
    ReadAudit,
    /// 催办: pressing a unit on an assignment of `plan`.
    Urge { plan: &'a str },
    /// Answering a 催办 made to `unit`.
    AnswerUrge { unit: &'a str },
    /// Reading the 消息 inbox of `unit`.
    ReadInbox { unit: &'a str },
    /// A plan's reminder lead times and 督办 limit.
    ManageReminders { plan: &'a str },
    /// Units' robot webhooks and the outbox of e-mails and robot messages.
    ManageDelivery,
    /// Closing a month's 通报 (freezing its 总览).
    CloseMonth,
    /// A plan's lifecycle (draft → active → closed).
    ManagePlans,
}

/// Why not, in Chinese, to show as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Denied {
    #[error("请先登录")]
    NotSignedIn,
    #[error("无权操作：{0}")]
    Forbidden(String),
}

/// Decides whether `user` (None: not signed in) may do `action`.
pub fn authorize(user: Option<&User>, action: &Action<'_>) -> Result<(), Denied> {
    let Some(user) = user else {
        return Err(Denied::NotSignedIn);
    };
    let no = |why: String| Err(Denied::Forbidden(why));
    match (action, user.role) {
        (Action::Read, _) => Ok(()),
        (Action::Report { unit, .. }, Role::Reporter) => {
            if user.unit.as_deref() == Some(*unit) {
                Ok(())
            } else {
                no(format!(
                    "{}只能填报本单位（{}）的分工，不能填报{unit}的分工",
                    user.display_name,
                    user.unit.as_deref().unwrap_or("未绑定单位")
                ))
            }
        }
        (Action::Report { .. }, role) => no(format!(
            "{}不能填报进展，进展由责任单位的填报员填报",
            role.label_zh()
        )),
        (
            Action::Review { plan } | Action::WriteReadings { plan } | Action::EditPlan { plan },
            Role::Coordinator,
        ) => {
            if user.plan.as_deref() == Some(*plan) {
                Ok(())
            } else {
                // The caller's own plan, and the plan of what was refused.
                no(format!(
                    "{}协调员只能处理本方案的事项，不能处理{}的事项",
                    own_plan(user),
                    plan_label(plan)
                ))
            }
        }
        (Action::WriteReadings { .. }, Role::Admin) => Ok(()),
        (Action::Review { .. }, role) => no(format!("{}不能签收或退回报告", role.label_zh())),
        (Action::EditPlan { .. }, role) => no(format!(
            "{}不能修改方案的时限、责任单位或目标，由该方案的协调员修改",
            role.label_zh()
        )),
        (Action::WriteReadings { .. }, role) => {
            no(format!("{}不能录入或导入读数", role.label_zh()))
        }
        (Action::Urge { .. } | Action::ManageReminders { .. }, Role::Admin) => Ok(()),
        (Action::Urge { plan } | Action::ManageReminders { plan }, Role::Coordinator) => {
            if user.plan.as_deref() == Some(*plan) {
                Ok(())
            } else {
                no(format!(
                    "{}协调员只能催办或设置本方案的事项，不能处理{}的事项",
                    own_plan(user),
                    plan_label(plan)
                ))
            }
        }
        (Action::Urge { .. }, role) => no(format!(
            "{}不能催办，催办由该方案的协调员发出",
            role.label_zh()
        )),
        (Action::ManageReminders { .. }, role) => no(format!(
            "{}不能设置提醒，由该方案的协调员设置",
            role.label_zh()
        )),
        (Action::AnswerUrge { unit } | Action::ReadInbox { unit }, Role::Reporter) => {
            if user.unit.as_deref() == Some(*unit) {
                Ok(())
            } else {
                no(format!(
                    "{}只能查看和答复本单位（{}）的消息，不能处理{unit}的消息",
                    user.display_name,
                    user.unit.as_deref().unwrap_or("未绑定单位")
                ))
            }
        }
        // Coordinators and admins may look into a unit's inbox (to see what it was told).
        (Action::ReadInbox { .. }, Role::Admin | Role::Coordinator) => Ok(()),
        (Action::ReadInbox { .. }, role) => no(format!("{}不能查看单位的消息", role.label_zh())),
        (Action::AnswerUrge { .. }, role) => no(format!(
            "{}不能答复催办，由被催办单位的填报员答复",
            role.label_zh()
        )),
        (Action::CloseMonth, Role::Admin | Role::Coordinator) => Ok(()),
        (Action::CloseMonth, role) => no(format!(
            "{}不能关闭月度通报，由协调员或管理员关闭",
            role.label_zh()
        )),
        (Action::ManageDelivery, Role::Admin) => Ok(()),
        (Action::ManageDelivery, role) => {
            no(format!("{}不能管理机器人地址和消息发送", role.label_zh()))
        }
        (Action::ManagePlans, Role::Admin) => Ok(()),
        (Action::ManagePlans, role) => no(format!(
            "{}不能启用或结束方案，由系统管理员操作",
            role.label_zh()
        )),
        (Action::ManageUsers | Action::ManageUnits | Action::ReadAudit, Role::Admin) => Ok(()),
        (Action::ManageUsers | Action::ManageUnits | Action::ReadAudit, role) => no(format!(
            "{}不能管理账号、单位或查看全部审计记录",
            role.label_zh()
        )),
    }
}

/// Whether a reader already allowed to read plans (signed in, or an anonymous visitor of a
/// public 总览) sees this plan: an active or closed plan every such reader does; a draft
/// (imported, not yet in effect) only admins and its own coordinators, who prepare it.
pub fn may_see_plan(user: Option<&User>, code: &str, status: crate::PlanStatus) -> bool {
    match (user, status) {
        (_, crate::PlanStatus::Active | crate::PlanStatus::Closed) => true,
        (None, crate::PlanStatus::Draft) => false,
        (Some(u), crate::PlanStatus::Draft) => {
            u.role == Role::Admin
                || (u.role == Role::Coordinator && u.plan.as_deref() == Some(code))
        }
    }
}

/// Whether `user` may write the readings of at least one plan (a coordinator or an admin):
/// asked before a file is read, when its plans are not known yet.
pub fn may_write_some_readings(user: Option<&User>) -> bool {
    user.is_some_and(|u| {
        let own = u.plan.as_deref().unwrap_or("");
        authorize(Some(u), &Action::WriteReadings { plan: own }).is_ok()
    })
}

/// Who writes readings: a signed-in user, or an API token issued for some plans. The entry
/// form, the CSV import and the API push all ask it the same two questions.
#[derive(Debug, Clone, Copy)]
pub enum ReadingsWriter<'a> {
    User(&'a User),
    Token { plans: &'a [String] },
}

impl ReadingsWriter<'_> {
    /// Whether it may write readings of some plan: asked before a file or a body is read.
    pub fn may_write_some(&self) -> bool {
        match self {
            ReadingsWriter::User(u) => may_write_some_readings(Some(u)),
            ReadingsWriter::Token { plans } => !plans.is_empty(),
        }
    }

    /// Whether it may write readings of the indicators of `plan`.
    pub fn may_write(&self, plan: &str) -> Result<(), Denied> {
        match self {
            ReadingsWriter::User(u) => authorize(Some(u), &Action::WriteReadings { plan }),
            ReadingsWriter::Token { plans } if plans.iter().any(|p| p == plan) => Ok(()),
            ReadingsWriter::Token { .. } => Err(Denied::Forbidden(format!(
                "此 API 令牌不能写入方案“{plan}”的读数"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_writes_readings_of_its_own_plans_only() {
        let plans = vec!["water".to_owned()];
        let token = ReadingsWriter::Token { plans: &plans };
        assert!(token.may_write_some());
        assert!(token.may_write("water").is_ok());
        assert!(matches!(token.may_write("air"), Err(Denied::Forbidden(_))));
        let read_only = ReadingsWriter::Token { plans: &[] };
        assert!(!read_only.may_write_some());
        let coordinator = user(Role::Coordinator, Some("air"), None);
        let by_user = ReadingsWriter::User(&coordinator);
        assert!(by_user.may_write_some());
        assert!(by_user.may_write("air").is_ok());
        assert!(by_user.may_write("water").is_err());
        let reporter = user(Role::Reporter, None, Some("开化县政府"));
        assert!(!ReadingsWriter::User(&reporter).may_write_some());
    }

    fn user(role: Role, plan: Option<&str>, unit: Option<&str>) -> User {
        User {
            id: 1,
            username: "u".into(),
            display_name: "测试".into(),
            role,
            plan: plan.map(Into::into),
            unit: unit.map(Into::into),
            is_demo: false,
            plan_name: None,
        }
    }

    #[test]
    fn urges_inboxes_and_delivery() {
        let admin = user(Role::Admin, None, None);
        let water = user(Role::Coordinator, Some("water"), None);
        let air = user(Role::Coordinator, Some("air"), None);
        let kaihua = user(Role::Reporter, None, Some("开化县政府"));
        let leader = user(Role::Leader, None, None);
        let urge = Action::Urge { plan: "water" };
        assert!(authorize(Some(&admin), &urge).is_ok());
        assert!(authorize(Some(&water), &urge).is_ok());
        let refused = authorize(Some(&air), &urge).expect_err("air");
        // (The plans' names come from the store; here only the rule's wording is checked.)
        assert!(
            refused
                .to_string()
                .contains("协调员只能催办或设置本方案的事项"),
            "{refused}"
        );
        assert!(authorize(Some(&kaihua), &urge).is_err());
        assert!(authorize(Some(&leader), &urge).is_err());
        assert!(authorize(None, &urge).is_err());
        let answer = Action::AnswerUrge {
            unit: "开化县政府"
        };
        assert!(authorize(Some(&kaihua), &answer).is_ok());
        assert!(authorize(
            Some(&kaihua),
            &Action::AnswerUrge {
                unit: "柯城区政府"
            }
        )
        .is_err());
        assert!(authorize(Some(&water), &answer).is_err());
        assert!(authorize(Some(&admin), &answer).is_err());
        let inbox = Action::ReadInbox {
            unit: "开化县政府"
        };
        assert!(authorize(Some(&kaihua), &inbox).is_ok());
        assert!(authorize(
            Some(&kaihua),
            &Action::ReadInbox {
                unit: "柯城区政府"
            }
        )
        .is_err());
        assert!(authorize(Some(&water), &inbox).is_ok());
        assert!(authorize(Some(&admin), &inbox).is_ok());
        assert!(authorize(Some(&leader), &inbox).is_err());
        let settings = Action::ManageReminders { plan: "water" };
        assert!(authorize(Some(&water), &settings).is_ok());
        assert!(authorize(Some(&air), &settings).is_err());
        assert!(authorize(Some(&kaihua), &settings).is_err());
        assert!(authorize(Some(&admin), &Action::ManageDelivery).is_ok());
        assert!(authorize(Some(&admin), &Action::CloseMonth).is_ok());
        assert!(authorize(Some(&air), &Action::CloseMonth).is_ok());
        assert!(authorize(Some(&kaihua), &Action::CloseMonth).is_err());
        assert!(authorize(Some(&leader), &Action::CloseMonth).is_err());
        for u in [&water, &kaihua, &leader] {
            assert!(authorize(Some(u), &Action::ManageDelivery).is_err());
        }
    }

    #[test]
    fn every_action_for_every_role() {
        let admin = user(Role::Admin, None, None);
        let water = user(Role::Coordinator, Some("water"), None);
        let kaihua = user(Role::Reporter, None, Some("开化县政府"));
        let leader = user(Role::Leader, None, None);
        let report_kaihua = Action::Report {
            plan: "water",
            unit: "开化县政府",
        };
        let report_kecheng = Action::Report {
            plan: "water",
            unit: "柯城区政府",
        };
        let review_water = Action::Review { plan: "water" };
        let review_air = Action::Review { plan: "air" };
        let read_water = Action::WriteReadings { plan: "water" };
        let read_air = Action::WriteReadings { plan: "air" };
        let edit_water = Action::EditPlan { plan: "water" };
        let edit_air = Action::EditPlan { plan: "air" };
        // (action, [admin, water coordinator, 开化 reporter, leader, anonymous])
        let table: [(&Action, [bool; 5]); 12] = [
            (&Action::ManageUnits, [true, false, false, false, false]),
            (&edit_water, [false, true, false, false, false]),
            (&edit_air, [false, false, false, false, false]),
            (&Action::Read, [true, true, true, true, false]),
            (&report_kaihua, [false, false, true, false, false]),
            (&report_kecheng, [false, false, false, false, false]),
            (&review_water, [false, true, false, false, false]),
            (&review_air, [false, false, false, false, false]),
            (&read_water, [true, true, false, false, false]),
            (&read_air, [true, false, false, false, false]),
            (&Action::ManageUsers, [true, false, false, false, false]),
            (&Action::ReadAudit, [true, false, false, false, false]),
        ];
        let users = [
            Some(&admin),
            Some(&water),
            Some(&kaihua),
            Some(&leader),
            None,
        ];
        for (action, want) in table {
            for (u, ok) in users.iter().zip(want) {
                assert_eq!(
                    authorize(*u, action).is_ok(),
                    ok,
                    "{action:?} by {:?}",
                    u.map(|u| u.role)
                );
            }
        }
        assert_eq!(authorize(None, &Action::Read), Err(Denied::NotSignedIn));
        assert!(may_write_some_readings(Some(&water)) && may_write_some_readings(Some(&admin)));
        assert!(!may_write_some_readings(Some(&leader)) && !may_write_some_readings(None));
        let e = authorize(Some(&kaihua), &report_kecheng).expect_err("other unit");
        assert!(e.to_string().contains("不能填报柯城区政府的分工"), "{e}");
    }

    #[test]
    fn a_coordinator_refused_another_plan_is_told_both_plans() {
        let mut water = user(Role::Coordinator, Some("water"), None);
        water.plan_name = Some(crate::PlanLabel {
            zh: "治水长效战".into(),
            en: None,
        });
        // The refused data's plan by the name the store listed it with.
        crate::plan::remember_name("air", "治气攻坚战");
        for action in [
            Action::WriteReadings { plan: "air" },
            Action::Review { plan: "air" },
            Action::EditPlan { plan: "air" },
        ] {
            let Err(Denied::Forbidden(why)) = authorize(Some(&water), &action) else {
                panic!("{action:?} allowed");
            };
            assert_eq!(
                why, "治水长效战协调员只能处理本方案的事项，不能处理治气攻坚战的事项",
                "{action:?}"
            );
        }
    }

    #[test]
    fn account_forms_name_the_bad_field() {
        let good = AccountForm {
            username: " li.si ".into(),
            display_name: String::new(),
            role: "coordinator".into(),
            plan: "water".into(),
            unit: "ignored".into(),
            password: String::new(),
        };
        let a = NewAccount::parse(&good).expect("good");
        assert_eq!(a.username, "li.si");
        assert_eq!(a.display_name, "li.si");
        assert_eq!(
            (a.plan.as_deref(), a.unit.as_deref(), a.password),
            (Some("water"), None, None)
        );
        type Breaker = fn(&mut AccountForm);
        // Any plan code is taken (the store checks that the plan exists); a malformed one or
        // none is not.
        let mut imported = good.clone();
        imported.plan = "renovation-2021".into();
        assert_eq!(
            NewAccount::parse(&imported)
                .expect("any plan")
                .plan
                .as_deref(),
            Some("renovation-2021")
        );
        let cases: [(Breaker, &str); 7] = [
            (|f| f.username = "李 四".into(), "username"),
            (|f| f.username = String::new(), "username"),
            (|f| f.role = "root".into(), "role"),
            (|f| f.plan = "Fire!".into(), "plan"),
            (|f| f.plan = " ".into(), "plan"),
            (|f| f.password = "short".into(), "password"),
            (
                |f| {
                    f.role = "reporter".into();
                    f.unit = " ".into();
                },
                "unit",
            ),
        ];
        for (break_it, field) in cases {
            let mut f = good.clone();
            break_it(&mut f);
            assert_eq!(NewAccount::parse(&f).unwrap_err().field, field, "{f:?}");
        }
    }

    #[test]
    fn roles_parse_and_describe() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Ok(r));
        }
        assert!(Role::parse("root").is_err());
        let u = user(Role::Reporter, None, Some("开化县政府"));
        assert_eq!(u.describe_zh(), "测试（单位填报员 · 开化县政府）");
    }
}
