//! The reads: plans, a plan's work items, assignments with their status as of a day, a unit's
//! overdue assignments, the indicator catalogue and stored readings.

use super::*;
use app::cache::Shows;
use sanzhi_store::StoreError;

/// A plan.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApiPlan {
    /// The plan's code (`water`, `air`, `soil`, or an imported plan's).
    pub code: String,
    /// `active` or `closed` (a draft is listed only to admins and its coordinators).
    pub status: String,
    /// The short name in English, when the plan has one.
    pub short_name_en: Option<String>,
    /// 文号.
    pub doc_no: String,
    pub title: String,
    pub short_name: String,
    pub owner_office: String,
    pub start_year: i32,
    pub end_year: i32,
    pub action_count: i64,
    pub task_count: i64,
    pub work_item_count: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PlanList {
    pub plans: Vec<ApiPlan>,
}

/// A deadline phrase of a work item with the date it was read as.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApiMilestone {
    /// As the plan writes it, e.g. “2018年6月底前”.
    pub phrase: String,
    /// `by`, `from`, `recurring`, `continuous`, `event_relative` (after an event, possibly
    /// within a time), `contingent` (waits on a higher level) or `unconfirmed` (an imported
    /// phrase not read, 待确认; never overdue until a coordinator dates it).
    pub kind: String,
    /// The day by which it must be done, when the phrase gives one.
    pub due: Option<NaiveDate>,
}

/// A work item of a plan.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApiItem {
    /// The item's number in the plan (1, 2, …).
    pub number: i32,
    pub action_seq: i32,
    pub action_title: String,
    pub task_number: i32,
    pub task_title: String,
    pub text: String,
    /// 牵头单位.
    pub leads: Vec<String>,
    /// 责任单位 as the plan writes them.
    pub responsible_text: String,
    /// The units with an assignment on it.
    pub units: Vec<String>,
    pub milestones: Vec<ApiMilestone>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ItemList {
    pub plan: String,
    pub items: Vec<ApiItem>,
}

/// An assignment's status on the as-of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApiStatus {
    Overdue,
    /// The plan's period is over and the work was not finished (未完成（期满）).
    Lapsed,
    DueSoon,
    InProgress,
    NotStarted,
    DoneLate,
    Done,
}

impl From<Status> for ApiStatus {
    fn from(s: Status) -> Self {
        match s {
            Status::Overdue => ApiStatus::Overdue,
            Status::Lapsed => ApiStatus::Lapsed,
            Status::DueSoon => ApiStatus::DueSoon,
            Status::InProgress => ApiStatus::InProgress,
            Status::NotStarted => ApiStatus::NotStarted,
            Status::DoneLate => ApiStatus::DoneLate,
            Status::Done => ApiStatus::Done,
        }
    }
}

/// One unit's assignment on a work item, with its status as of the day asked.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApiAssignment {
    pub assignment_id: i64,
    pub plan: String,
    pub task_number: i32,
    pub item_number: i32,
    pub item_text: String,
    pub unit: String,
    /// The plan's phrase that assigned it (“各县(市、区)政府”).
    pub via: String,
    pub status: ApiStatus,
    /// The status in Chinese (逾期, 即将到期, …).
    pub status_label: String,
    /// The next unmet dated milestone (the earliest missed one when overdue).
    pub next_due: Option<NaiveDate>,
    /// Days from the as-of day to `next_due`; negative when late.
    pub days_left: Option<i64>,
    /// Finished periods of recurring duties without a report.
    pub missed_periods: u32,
    pub report_count: i32,
    /// The day the newest report speaks for.
    pub last_reported_on: Option<NaiveDate>,
    /// The newest report is a 补报: dated more than the allowed days before the day it was
    /// made (it counts as done from the day it was made unless its reviewer accepted the day
    /// it claims).
    pub last_report_late_filed: bool,
    /// A done report waits for the coordinator's review.
    pub awaiting_review: bool,
}

impl From<sanzhi_domain::Tracked> for ApiAssignment {
    fn from(t: sanzhi_domain::Tracked) -> Self {
        ApiAssignment {
            assignment_id: t.assignment_id,
            plan: t.plan_code,
            task_number: t.task_number,
            item_number: t.item_number,
            item_text: t.item_text.to_string(),
            unit: t.unit,
            via: t.via,
            status: t.assessment.status.into(),
            status_label: t.assessment.status.label_zh().to_owned(),
            next_due: t.assessment.next_due,
            days_left: t.assessment.days_left,
            missed_periods: t.assessment.missed_periods,
            report_count: t.report_count,
            last_reported_on: t.last_reported_on,
            last_report_late_filed: t.last_late_filed,
            awaiting_review: t.awaiting_review,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AssignmentList {
    pub plan: String,
    /// The day the statuses are computed for.
    pub as_of: NaiveDate,
    /// Demo reports are stored (statuses rest partly on generated data).
    pub demo: bool,
    pub count: usize,
    pub assignments: Vec<ApiAssignment>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OverdueList {
    pub unit: String,
    pub as_of: NaiveDate,
    pub demo: bool,
    pub count: usize,
    /// The unit's overdue assignments, the longest late first.
    pub assignments: Vec<ApiAssignment>,
}

/// An indicator readings are taken of.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApiIndicator {
    /// Stable code, e.g. `pm25`, `water.nh3n`.
    pub code: String,
    pub name: String,
    pub unit: String,
    /// `lower` or `higher`.
    pub better: String,
    /// `area`, `section`, `drain` or `city`.
    pub place_kind: String,
    /// The plan whose token may push it: `water`, `air`, `soil`.
    pub plan: String,
    /// A monthly value above this is refused as not believable.
    pub max_plausible: f64,
    /// Where it may be read.
    pub places: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct IndicatorList {
    pub indicators: Vec<ApiIndicator>,
}

/// A stored reading.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApiReading {
    pub indicator: String,
    pub place: String,
    pub year: i32,
    pub month: u32,
    pub value: f64,
    pub valid_days: Option<u32>,
    pub provisional: bool,
    /// `entered`, `imported`, `api` or `demo`.
    pub source: String,
    pub is_demo: bool,
    pub note: String,
    pub recorded_by: String,
    /// RFC 3339.
    pub recorded_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReadingList {
    pub count: usize,
    pub readings: Vec<ApiReading>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOfParams {
    /// The day to compute statuses for, `YYYY-MM-DD`; default today (the demo day when demo
    /// reports are stored).
    #[param(format = Date, example = "2019-12-31")]
    pub as_of: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReadingParams {
    /// One year (2015–2035, `sanzhi_domain::reading::YEARS`); default every year.
    #[param(minimum = 2015, maximum = 2035)]
    pub year: Option<i32>,
    /// An indicator code, or a code prefix ending in `.` (`water.`).
    pub indicator: Option<String>,
    pub place: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/plans",
    tag = "plans",
    responses(
        (status = 200, description = "全部方案", body = PlanList),
        (status = 401, description = "未提供令牌或会话，或令牌无效、已吊销、已过期（code：unauthorized、invalid_token、token_revoked、token_expired）", body = ApiError),
        (status = 500, description = "服务器错误", body = ApiError),
    )
)]
pub(super) async fn list_plans(
    State(state): State<AppState>,
    who: Caller,
) -> Result<Json<PlanList>, Response> {
    let plans = state.store.list_plans().await.map_err(internal)?;
    Ok(Json(PlanList {
        plans: plans
            .into_iter()
            .filter(|p| sees(&who, p))
            .map(|p| ApiPlan {
                code: p.code.as_str().to_owned(),
                status: p.status.as_str().to_owned(),
                short_name_en: p.short_name_en,
                doc_no: p.doc_no,
                title: p.title,
                short_name: p.short_name,
                owner_office: p.owner_office,
                start_year: p.period.start_year(),
                end_year: p.period.end_year(),
                action_count: p.action_count,
                task_count: p.task_count,
                work_item_count: p.work_item_count,
            })
            .collect(),
    }))
}

pub(super) fn deadline_kind(d: &Deadline) -> &'static str {
    d.kind_str()
}

#[utoipa::path(
    get,
    path = "/api/v1/plans/{code}/items",
    tag = "plans",
    params(("code" = String, Path, description = "方案代码（GET /api/v1/plans 列出全部方案）")),
    responses(
        (status = 200, description = "方案的全部工作事项", body = ItemList),
        (status = 400, description = "路径含控制字符等，在路由之前即被拒绝（invalid_path）", body = ApiError),
        (status = 401, description = "未提供令牌或会话，或令牌无效、已吊销、已过期（code：unauthorized、invalid_token、token_revoked、token_expired）", body = ApiError),
        (status = 404, description = "没有该方案", body = ApiError),
        (status = 500, description = "服务器错误", body = ApiError),
    )
)]
pub(super) async fn plan_items(
    State(state): State<AppState>,
    who: Caller,
    Path(code): Path<String>,
) -> Result<Json<ItemList>, Response> {
    seen_plan(&state, &who, &code).await?;
    let parsed = sanzhi_domain::PlanCode::parse(&code).map_err(|_| plan_not_found(&code))?;
    let tree = state
        .store
        .plan_tree(&parsed)
        .await
        .map_err(internal)?
        .ok_or_else(|| plan_not_found(&code))?;
    let mut items = Vec::new();
    for action in tree.actions {
        for task in action.tasks {
            for item in task.items {
                items.push(ApiItem {
                    number: item.number,
                    action_seq: action.seq,
                    action_title: action.title.clone(),
                    task_number: task.number,
                    task_title: task.title.clone(),
                    text: item.text,
                    leads: item.leads,
                    responsible_text: item.responsible_text,
                    units: item.units,
                    milestones: item
                        .milestones
                        .into_iter()
                        .map(|m| ApiMilestone {
                            kind: deadline_kind(&m.deadline).to_owned(),
                            due: m.deadline.due_date(),
                            phrase: m.phrase,
                        })
                        .collect(),
                });
            }
        }
    }
    Ok(Json(ItemList { plan: code, items }))
}

pub(super) async fn as_of_day(
    store: &Store,
    asked: Option<&str>,
) -> Result<(NaiveDate, bool), Response> {
    // Today in China Standard Time (UTC+8), as the pages count it.
    let today = sanzhi_domain::report::china_day(Utc::now());
    app::tracking::inner::resolve_as_of(store, asked, today)
        .await
        .map_err(|e| match e {
            app::error::AppError::BadRequest(m) => {
                error(StatusCode::BAD_REQUEST, "invalid_as_of", m)
            }
            other => app_error(other),
        })
}

#[utoipa::path(
    get,
    path = "/api/v1/plans/{code}/assignments",
    tag = "tracking",
    params(("code" = String, Path, description = "方案代码（GET /api/v1/plans 列出全部方案）"), AsOfParams),
    responses(
        (status = 200, description = "方案的全部分工及其截至某日的状态", body = AssignmentList),
        (status = 400, description = "as_of 不是日期（invalid_as_of、invalid_query），或路径含控制字符等（invalid_path）", body = ApiError),
        (status = 401, description = "未提供令牌或会话，或令牌无效、已吊销、已过期（code：unauthorized、invalid_token、token_revoked、token_expired）", body = ApiError),
        (status = 404, description = "没有该方案", body = ApiError),
        (status = 500, description = "服务器错误", body = ApiError),
    )
)]
pub(super) async fn assignments(
    State(state): State<AppState>,
    who: Caller,
    Path(code): Path<String>,
    params: Result<Query<AsOfParams>, QueryRejection>,
) -> Result<Json<AssignmentList>, Response> {
    let Query(params) = params.map_err(|r| query_rejection(&r))?;
    seen_plan(&state, &who, &code).await?;
    let (as_of, demo) = as_of_day(&state.store, params.as_of.as_deref()).await?;
    let scope = TrackScope {
        plan: Some(code.clone()),
        ..TrackScope::default()
    };
    let rows = state
        .store
        // From the status facts the writes keep (the newest report's day comes with them).
        .statuses(&scope, as_of, sanzhi_domain::status::DUE_SOON_DAYS)
        .await
        .map_err(internal)?;
    let assignments: Vec<ApiAssignment> = rows.into_iter().map(ApiAssignment::from).collect();
    Ok(Json(AssignmentList {
        plan: code,
        as_of,
        demo,
        count: assignments.len(),
        assignments,
    }))
}

#[utoipa::path(
    get,
    path = "/api/v1/units/{unit}/overdue",
    tag = "tracking",
    params(("unit" = String, Path, description = "单位名称，如“开化县政府”", example = "开化县政府"), AsOfParams),
    responses(
        (status = 200, description = "单位截至某日逾期的分工", body = OverdueList),
        (status = 400, description = "as_of 不是日期（invalid_as_of、invalid_query），或路径含控制字符等（invalid_path）", body = ApiError),
        (status = 401, description = "未提供令牌或会话，或令牌无效、已吊销、已过期（code：unauthorized、invalid_token、token_revoked、token_expired）", body = ApiError),
        (status = 404, description = "没有该单位", body = ApiError),
        (status = 500, description = "服务器错误", body = ApiError),
    )
)]
pub(super) async fn unit_overdue(
    State(state): State<AppState>,
    // Any caller may read this: the extractor has checked there is one.
    _caller: Caller,
    Path(unit): Path<String>,
    params: Result<Query<AsOfParams>, QueryRejection>,
) -> Result<Response, Response> {
    let Query(params) = params.map_err(|r| query_rejection(&r))?;
    let unit = unit.trim().to_owned();
    let (as_of, demo) = as_of_day(&state.store, params.as_of.as_deref()).await?;
    // Kept per (unit, day) until the structure or the tracking changes (any app server's
    // write moves their versions): a poll is answered from memory.
    let store = &state.store;
    let body = state
        .caches
        .api_overdue
        .get(store, Shows::Tracking, (unit.clone(), as_of), || {
            overdue_json(store, &unit, as_of, demo)
        })
        .await;
    match body {
        Ok(json) => Ok((
            [(header::CONTENT_TYPE, "application/json")],
            json.as_ref().clone(),
        )
            .into_response()),
        // Not kept: a made-up name must not push real units' lists out.
        Err(Overdue::NoUnit) => Err(error(
            StatusCode::NOT_FOUND,
            "unit_not_found",
            format!("没有单位“{unit}”"),
        )),
        Err(Overdue::Store(e)) => Err(internal(e)),
    }
}

/// Why there is no overdue list.
enum Overdue {
    NoUnit,
    Store(StoreError),
}

impl From<StoreError> for Overdue {
    fn from(e: StoreError) -> Self {
        Overdue::Store(e)
    }
}

/// The overdue list of `unit` on `as_of`, as JSON.
async fn overdue_json(
    store: &Store,
    unit: &str,
    as_of: NaiveDate,
    demo: bool,
) -> Result<Vec<u8>, Overdue> {
    let units = store.units().await?;
    if !units.iter().any(|u| u.name == unit) {
        return Err(Overdue::NoUnit);
    }
    let scope = TrackScope {
        unit: Some(unit.to_owned()),
        ..TrackScope::default()
    };
    let mut rows: Vec<ApiAssignment> = store
        // From the status facts the writes keep (the newest report's day comes with them).
        .statuses(&scope, as_of, sanzhi_domain::status::DUE_SOON_DAYS)
        .await?
        .into_iter()
        // The daily list: only plans in effect (a closed plan's late work is history).
        .filter(|t| t.assessment.status == Status::Overdue && t.in_daily_views(as_of))
        .map(ApiAssignment::from)
        .collect();
    rows.sort_by_key(|r| (r.days_left.unwrap_or(0), r.assignment_id));
    let list = OverdueList {
        unit: unit.to_owned(),
        as_of,
        demo,
        count: rows.len(),
        assignments: rows,
    };
    serde_json::to_vec(&list)
        .map_err(|e| Overdue::Store(StoreError::Corrupt(format!("overdue list: {e}"))))
}

pub(super) fn place_kind(k: PlaceKind) -> &'static str {
    match k {
        PlaceKind::Area => "area",
        PlaceKind::Section => "section",
        PlaceKind::Drain => "drain",
        PlaceKind::City => "city",
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/indicators",
    tag = "readings",
    responses(
        (status = 200, description = "指标目录及各指标的监测地点", body = IndicatorList),
        (status = 401, description = "未提供令牌或会话，或令牌无效、已吊销、已过期（code：unauthorized、invalid_token、token_revoked、token_expired）", body = ApiError),
        (status = 500, description = "服务器错误", body = ApiError),
    )
)]
pub(super) async fn indicators(
    State(state): State<AppState>,
    // Any caller may read this: the extractor has checked there is one.
    _caller: Caller,
) -> Result<Json<IndicatorList>, Response> {
    let places = state.store.reading_places().await.map_err(internal)?;
    Ok(Json(IndicatorList {
        indicators: sanzhi_domain::CATALOGUE
            .iter()
            .map(|d| ApiIndicator {
                code: d.code.to_owned(),
                name: d.name_zh.to_owned(),
                unit: d.unit.to_owned(),
                better: d.better.as_str().to_owned(),
                place_kind: place_kind(d.place_kind).to_owned(),
                plan: d.plan.to_owned(),
                max_plausible: d.max_plausible,
                places: places.of(d.place_kind),
            })
            .chain(places.indicators.iter().map(|d| ApiIndicator {
                code: d.code.clone(),
                name: d.name_zh.clone(),
                unit: d.unit.clone(),
                better: d.better.as_str().to_owned(),
                place_kind: place_kind(d.place_kind).to_owned(),
                plan: d.plan.clone(),
                max_plausible: d.max_plausible,
                places: places.of(d.place_kind),
            }))
            .collect(),
    }))
}

#[utoipa::path(
    get,
    path = "/api/v1/readings",
    tag = "readings",
    params(ReadingParams),
    responses(
        (status = 200, description = "符合条件的读数", body = ReadingList),
        (status = 400, description = "查询参数无效", body = ApiError),
        (status = 401, description = "未提供令牌或会话，或令牌无效、已吊销、已过期（code：unauthorized、invalid_token、token_revoked、token_expired）", body = ApiError),
        (status = 500, description = "服务器错误", body = ApiError),
    )
)]
pub(super) async fn list_readings(
    State(state): State<AppState>,
    // Any caller may read this: the extractor has checked there is one.
    _caller: Caller,
    params: Result<Query<ReadingParams>, QueryRejection>,
) -> Result<Json<ReadingList>, Response> {
    let Query(params) = params.map_err(|r| query_rejection(&r))?;
    let years = sanzhi_domain::reading::YEARS;
    let (from_year, to_year) = match params.year {
        None => (*years.start(), *years.end()),
        Some(y) if years.contains(&y) => (y, y),
        Some(y) => {
            return Err(error(
                StatusCode::BAD_REQUEST,
                "invalid_year",
                format!("年份 {y} 超出范围 {}–{}", years.start(), years.end()),
            ))
        }
    };
    let indicator = match params.indicator.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(prefix) if prefix.ends_with('.') => Some(prefix.to_owned()),
        Some(code) => match state
            .store
            .reading_places()
            .await
            .map_err(internal)?
            .indicator(code)
        {
            Some(d) => Some(d.code.to_owned()),
            None => {
                return Err(error(
                    StatusCode::BAD_REQUEST,
                    "unknown_indicator",
                    format!("没有指标“{code}”"),
                ))
            }
        },
    };
    let place = params
        .place
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty());
    let rows = state
        .store
        .readings(&ReadingFilter {
            from_year,
            to_year,
            indicator,
            place,
        })
        .await
        .map_err(internal)?;
    let readings: Vec<ApiReading> = rows
        .into_iter()
        .map(|r| ApiReading {
            indicator: r.key.indicator,
            place: r.key.place,
            year: r.key.year,
            month: r.key.month,
            value: r.value,
            valid_days: r.valid_days,
            provisional: r.provisional,
            source: r.source.as_str().to_owned(),
            is_demo: r.is_demo,
            note: r.note,
            recorded_by: r.recorded_by,
            recorded_at: r.recorded_at,
        })
        .collect();
    Ok(Json(ReadingList {
        count: readings.len(),
        readings,
    }))
}
