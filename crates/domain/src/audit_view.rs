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

/// What an action code means, in Chinese; `None` for one this table does not know.
pub fn action_label_zh(action: &str) -> Option<&'static str> {
    Some(match action {
        "report.add" => "提交进展报告",
        "report.accept" => "签收",
        "report.return" => "退回",
        "reading.add" => "新增读数",
        "reading.replace" => "替换读数",
        "item.edit" => "调整事项",
        "plan.import" => "导入方案",
        "unit.add" => "新增单位",
        "user.add" => "新增账号",
        "user.setup" => "创建首个管理员",
        "user.reset_password" => "设置新密码",
        "user.activate" => "启用账号",
        "user.deactivate" => "停用账号",
        "user.reset_demo" => "重置演示账号",
        "login.failure" => "登录失败",
        _ => return None,
    })
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
        assert_eq!(action_label_zh("x.y"), None);
    }
}
