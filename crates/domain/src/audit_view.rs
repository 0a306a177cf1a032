//! The audit trail as a person reads it: China time, the action in words, and what changed
//! field by field instead of two blobs of JSON.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// One field that differs between an entry's before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// The field's key as stored (`value`, `narrative`); empty when the entry is not a record
    /// of fields.
    pub field: String,
    /// As shown: `None` when the field was not there.
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The fields that differ between `before` and `after` (JSON texts, either absent), by field
/// name. A new record (no before) lists its non-empty fields; a
/// text that is not a JSON object is shown whole.
pub fn changes(before: Option<&str>, after: Option<&str>) -> Vec<FieldChange> {
    use serde_json::{Map, Value};
    // Absent: no record (an empty one); present: a record only when it is a JSON object.
    let parse = |s: Option<&str>| -> Option<Option<Value>> {
        match s {
            None => Some(None),
            Some(s) => serde_json::from_str(s).ok().map(Some),
        }
    };
    let (Some(b), Some(a)) = (parse(before), parse(after)) else {
        return whole(before, after);
    };
    let as_map = |v: &Option<Value>| -> Option<Map<String, Value>> {
        match v {
            Some(Value::Object(m)) => Some(m.clone()),
            None => Some(Map::new()),
            Some(_) => None,
        }
    };
    let (Some(bm), Some(am)) = (as_map(&b), as_map(&a)) else {
        return whole(before, after);
    };
    let mut keys: Vec<&String> = am.keys().collect();
    keys.extend(bm.keys().filter(|k| !am.contains_key(*k)));
    keys.into_iter()
        .filter(|k| bm.get(*k) != am.get(*k))
        .filter(|k| {
            // A new record: its empty fields say nothing.
            !(b.is_none() && am.get(*k).is_none_or(is_empty))
        })
        .map(|k| FieldChange {
            field: k.clone(),
            before: bm.get(k).map(show),
            after: am.get(k).map(show),
        })
        .collect()
}

/// Texts that are not records: the texts themselves, when they differ.
fn whole(before: Option<&str>, after: Option<&str>) -> Vec<FieldChange> {
    (before != after)
        .then(|| FieldChange {
            field: String::new(),
            before: before.map(str::to_owned),
            after: after.map(str::to_owned),
        })
        .into_iter()
        .collect()
}

fn is_empty(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Null => true,
        serde_json::Value::String(s) => s.is_empty(),
        serde_json::Value::Array(a) => a.is_empty(),
        serde_json::Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// A value as a cell shows it: text as it is, lists joined with 、, yes/no for flags.
fn show(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Null => "—".to_owned(),
        Value::Bool(true) => "是".to_owned(),
        Value::Bool(false) => "否".to_owned(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(show).collect::<Vec<_>>().join("、"),
        Value::Object(_) => v.to_string(),
    }
}

/// The Chinese name of a stored field; `None` for one this table does not know (shown by its
/// key).
pub fn field_label_zh(key: &str) -> Option<&'static str> {
    Some(match key {
        "id" => "编号",
        "value" => "数值",
        "valid_days" => "有效日数",
        "provisional" => "暂定",
        "source" => "来源",
        "is_demo" => "演示数据",
        "note" => "备注",
        "key" => "指标·地点·月份",
        "recorded_by" => "录入人",
        "recorded_at" => "录入时间",
        "assignment_id" => "分工",
        "version" => "版本",
        "state" => "状态",
        "milestone_seq" => "时限序号",
        "reported_on" => "所报日期",
        "achieved" => "完成量",
        "narrative" => "进展说明",
        "evidence" => "佐证",
        "reporter" => "填报人",
        "corrects_id" => "更正的报告",
        "created_at" => "记录时间",
        "late_filed" => "补报",
        "review" => "签收",
        "report_id" => "报告",
        "decision" => "决定",
        "reason" => "理由",
        "reviewer" => "签收人",
        "reviewed_on" => "决定日期",
        "accepts_claimed_day" => "按所报日期计完成",
        "counts_as_done_on" => "计为完成的日期",
        "deadlines" => "时限",
        "units" => "责任单位",
        "targets" => "量化目标",
        "username" => "用户名",
        "display_name" => "姓名",
        "role" => "角色",
        "plan" => "方案",
        "unit" => "单位",
        "active" => "可登录",
        "inserted" => "新增",
        "replaced" => "替换",
        "unchanged" => "未变",
        _ => return None,
    })
}

/// What a write did, as the audit trail records it. The action's code and the kind of object
/// it is about (`entity`) go together: a writer names the action, never the two strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    ReportAdd,
    ReportAccept,
    ReportReturn,
    ReportFile,
    ReadingAdd,
    ReadingReplace,
    ItemEdit,
    PlanImport,
    PlanStatus,
    PlanReminders,
    UnitAdd,
    UnitGroupSave,
    UnitGroupDelete,
    UrgeAdd,
    UrgeAnswer,
    HookAdd,
    HookStop,
    BulletinClose,
    UserAdd,
    UserSetup,
    UserResetPassword,
    UserActivate,
    UserDeactivate,
    UserResetDemo,
    UserEmail,
    LoginFailure,
    ApiTokenIssue,
    ApiTokenRevoke,
}

impl AuditAction {
    /// Every action, in the order above.
    pub const ALL: [AuditAction; 28] = [
        AuditAction::ReportAdd,
        AuditAction::ReportAccept,
        AuditAction::ReportReturn,
        AuditAction::ReportFile,
        AuditAction::ReadingAdd,
        AuditAction::ReadingReplace,
        AuditAction::ItemEdit,
        AuditAction::PlanImport,
        AuditAction::PlanStatus,
        AuditAction::PlanReminders,
        AuditAction::UnitAdd,
        AuditAction::UnitGroupSave,
        AuditAction::UnitGroupDelete,
        AuditAction::UrgeAdd,
        AuditAction::UrgeAnswer,
        AuditAction::HookAdd,
        AuditAction::HookStop,
        AuditAction::BulletinClose,
        AuditAction::UserAdd,
        AuditAction::UserSetup,
        AuditAction::UserResetPassword,
        AuditAction::UserActivate,
        AuditAction::UserDeactivate,
        AuditAction::UserResetDemo,
        AuditAction::UserEmail,
        AuditAction::LoginFailure,
        AuditAction::ApiTokenIssue,
        AuditAction::ApiTokenRevoke,
    ];

    /// The code stored in `audit_log.action` (what filters and the API use).
    pub fn code(self) -> &'static str {
        match self {
            AuditAction::ReportAdd => "report.add",
            AuditAction::ReportAccept => "report.accept",
            AuditAction::ReportReturn => "report.return",
            AuditAction::ReportFile => "report.file",
            AuditAction::ReadingAdd => "reading.add",
            AuditAction::ReadingReplace => "reading.replace",
            AuditAction::ItemEdit => "item.edit",
            AuditAction::PlanImport => "plan.import",
            AuditAction::PlanStatus => "plan.status",
            AuditAction::PlanReminders => "plan.reminders",
            AuditAction::UnitAdd => "unit.add",
            AuditAction::UnitGroupSave => "unit_group.save",
            AuditAction::UnitGroupDelete => "unit_group.delete",
            AuditAction::UrgeAdd => "urge.add",
            AuditAction::UrgeAnswer => "urge.answer",
            AuditAction::HookAdd => "hook.add",
            AuditAction::HookStop => "hook.stop",
            AuditAction::BulletinClose => "bulletin.close",
            AuditAction::UserAdd => "user.add",
            AuditAction::UserSetup => "user.setup",
            AuditAction::UserResetPassword => "user.reset_password",
            AuditAction::UserActivate => "user.activate",
            AuditAction::UserDeactivate => "user.deactivate",
            AuditAction::UserResetDemo => "user.reset_demo",
            AuditAction::UserEmail => "user.email",
            AuditAction::LoginFailure => "login.failure",
            AuditAction::ApiTokenIssue => "api_token.issue",
            AuditAction::ApiTokenRevoke => "api_token.revoke",
        }
    }

    /// The kind of object the entry is about (`audit_log.entity`); its key is that object's.
    pub fn entity(self) -> &'static str {
        match self {
            AuditAction::ReportAdd => "assignment",
            AuditAction::ReportAccept => "assignment",
            AuditAction::ReportReturn => "assignment",
            AuditAction::ReportFile => "assignment",
            AuditAction::ReadingAdd => "readings",
            AuditAction::ReadingReplace => "reading",
            AuditAction::ItemEdit => "work_item",
            AuditAction::PlanImport => "plan",
            AuditAction::PlanStatus => "plan",
            AuditAction::PlanReminders => "plan",
            AuditAction::UnitAdd => "unit",
            AuditAction::UnitGroupSave => "unit_group",
            AuditAction::UnitGroupDelete => "unit_group",
            AuditAction::UrgeAdd => "assignment",
            AuditAction::UrgeAnswer => "assignment",
            AuditAction::HookAdd => "unit",
            AuditAction::HookStop => "unit",
            AuditAction::BulletinClose => "bulletin",
            AuditAction::UserAdd => "user",
            AuditAction::UserSetup => "user",
            AuditAction::UserResetPassword => "user",
            AuditAction::UserActivate => "user",
            AuditAction::UserDeactivate => "user",
            AuditAction::UserResetDemo => "user",
            AuditAction::UserEmail => "user",
            AuditAction::LoginFailure => "user",
            AuditAction::ApiTokenIssue => "api_token",
            AuditAction::ApiTokenRevoke => "api_token",
        }
    }

    /// What the action means, in Chinese.
    pub fn label_zh(self) -> &'static str {
        match self {
            AuditAction::ReportAdd => "提交进展报告",
            AuditAction::ReportAccept => "签收",
            AuditAction::ReportReturn => "退回",
            AuditAction::ReportFile => "上传佐证材料",
            AuditAction::ReadingAdd => "新增读数",
            AuditAction::ReadingReplace => "替换读数",
            AuditAction::ItemEdit => "调整事项",
            AuditAction::PlanImport => "导入方案",
            AuditAction::PlanStatus => "变更方案状态",
            AuditAction::PlanReminders => "设置提醒",
            AuditAction::UnitAdd => "新增单位",
            AuditAction::UnitGroupSave => "保存单位组",
            AuditAction::UnitGroupDelete => "删除单位组",
            AuditAction::UrgeAdd => "催办",
            AuditAction::UrgeAnswer => "答复催办",
            AuditAction::HookAdd => "添加推送地址",
            AuditAction::HookStop => "停用推送地址",
            AuditAction::BulletinClose => "印发月度通报",
            AuditAction::UserAdd => "新增账号",
            AuditAction::UserSetup => "创建首个管理员",
            AuditAction::UserResetPassword => "设置新密码",
            AuditAction::UserActivate => "启用账号",
            AuditAction::UserDeactivate => "停用账号",
            AuditAction::UserResetDemo => "重置演示账号",
            AuditAction::UserEmail => "设置邮箱",
            AuditAction::LoginFailure => "登录失败",
            AuditAction::ApiTokenIssue => "签发接口令牌",
            AuditAction::ApiTokenRevoke => "吊销接口令牌",
        }
    }

    /// The action of a stored code; `None` for a code no writer uses.
    pub fn parse(code: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.code() == code)
    }
}

/// What an action code means, in Chinese; `None` for one no writer uses.
pub fn action_label_zh(action: &str) -> Option<&'static str> {
    AuditAction::parse(action).map(AuditAction::label_zh)
}

/// An RFC 3339 instant as China time, `2026-12-06 13:05:22`; the text itself when it does
/// not parse.
pub fn china_time(rfc3339: &str) -> String {
    let Some(china) = FixedOffset::east_opt(8 * 3600) else {
        return rfc3339.to_owned();
    };
    DateTime::parse_from_rfc3339(rfc3339).map_or_else(
        |_| rfc3339.to_owned(),
        |t| {
            t.with_timezone(&china)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replaced_reading_shows_only_what_changed() {
        let before = r#"{"id":3,"value":48.5,"provisional":false,"recorded_by":"测试","note":""}"#;
        let after = r#"{"id":3,"value":47.9,"provisional":true,"recorded_by":"录入员","note":""}"#;
        let c = changes(Some(before), Some(after));
        let got: Vec<_> = c
            .iter()
            .map(|c| (c.field.as_str(), c.before.as_deref(), c.after.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("provisional", Some("否"), Some("是")),
                ("recorded_by", Some("测试"), Some("录入员")),
                ("value", Some("48.5"), Some("47.9")),
            ]
        );
        assert_eq!(field_label_zh("recorded_by"), Some("录入人"));
    }

    #[test]
    fn a_new_record_lists_its_fields_and_plain_text_stays_whole() {
        let after = r#"{"narrative":"已完成","evidence":[],"units":["柯城区政府","衢江区政府"]}"#;
        let c = changes(None, Some(after));
        assert_eq!(c.len(), 2, "the empty evidence is left out: {c:?}");
        assert_eq!(c[1].field, "units");
        assert_eq!(c[1].after.as_deref(), Some("柯城区政府、衢江区政府"));
        assert_eq!(c[1].before, None);
        let plain = changes(Some("{\"active\":true}"), Some("停用"));
        assert_eq!(plain.len(), 1);
        assert_eq!(plain[0].field, "");
        assert!(changes(Some("x"), Some("x")).is_empty());
    }

    #[test]
    fn times_read_in_china_time() {
        assert_eq!(
            china_time("2019-01-02T03:04:05+00:00"),
            "2019-01-02 11:04:05"
        );
        assert_eq!(china_time("2019-01-02T20:00:00Z"), "2019-01-03 04:00:00");
        assert_eq!(china_time("not a time"), "not a time");
        assert_eq!(action_label_zh("report.return"), Some("退回"));
        assert_eq!(action_label_zh("no.such"), None);
        assert_eq!(action_label_zh("x.y"), None);
    }

    #[test]
    fn every_action_has_its_own_code_an_entity_and_a_label() {
        let mut codes = std::collections::HashSet::new();
        for a in AuditAction::ALL {
            assert!(codes.insert(a.code()), "{a:?} repeats a code");
            assert_eq!(AuditAction::parse(a.code()), Some(a));
            assert!(!a.entity().is_empty() && !a.label_zh().is_empty());
            // The code says which family it is in: the audit page filters by that prefix.
            assert!(a.code().contains('.'), "{a:?}");
        }
    }
}
