//! Provenance down to the line (issue 20): an item links to the gazette's own lines — its table
//! row, its task's main-text paragraph, its action's title — and the source page shows them
//! marked; a target whose figure the table and the main text give differently says so where
//! targets show, and keeps saying so through an edit that leaves its figure alone; notes on an
//! action's title show on the action's items.

mod common;

use common::*;
use sanzhi_domain::PlanCode;

/// A work item as the store reads it.
async fn detail(app: &TestApp, plan: &str, number: i32) -> sanzhi_domain::ItemDetail {
    app.db
        .store
        .item_detail(&PlanCode::parse(plan).expect("code"), number)
        .await
        .expect("item")
        .unwrap_or_else(|| panic!("{plan} ({number})"))
}

async fn page(client: &reqwest::Client, url: String) -> (u16, String) {
    let r = client.get(url).send().await.expect("GET");
    (r.status().as_u16(), r.text().await.expect("html"))
}

async fn an_item_links_to_its_lines_and_the_source_page_marks_them(app: &TestApp) {
    let leader = app.client_for("t-leader").await;
    let d = detail(app, "water", 8).await;
    // Its table row, its task's paragraph and its action's title, in that order.
    let kinds: Vec<&str> = d.sources.iter().map(|s| s.kind.as_str()).collect();
    assert_eq!(kinds, ["item", "task", "action"], "{:?}", d.sources);
    let row = &d.sources[0];
    assert_eq!(row.document, "qzbf-2018-43.txt");

    let (status, html) = page(&leader, format!("{}/plans/water/items/8", app.base)).await;
    assert_eq!(status, 200);
    let href = format!(
        "/source?doc=qzbf-2018-43.txt&amp;from={}&amp;to={}#L{}",
        row.from_line, row.to_line, row.from_line
    );
    assert!(html.contains(&href), "the item links to {href}");
    assert!(html.contains("分工表原文，第"), "the link says what it is");
    // Each target links to its quote's lines: the 30 of the main text to the task's paragraph.
    let task = d
        .sources
        .iter()
        .find(|s| s.kind == "task")
        .expect("task lines");
    let task_href = format!("/source?doc=qzbf-2018-43.txt&amp;from={}", task.from_line);
    let target_row = html
        .split("<tr>")
        .find(|r| r.contains("淘汰落后产能涉及企业30家以上"))
        .expect("the 30 target's row");
    assert!(target_row.contains(&task_href), "{target_row}");

    // The source page: the row's own words, its line marked, a few lines either side.
    let (status, source) = page(
        &leader,
        format!(
            "{}/source?doc=qzbf-2018-43.txt&from={}&to={}",
            app.base, row.from_line, row.to_line
        ),
    )
    .await;
    assert_eq!(status, 200);
    let id = format!("id=\"L{}\"", row.from_line);
    let at = source.find(&id).expect("the line is there");
    let tag_start = source[..at].rfind("<li").expect("its <li>");
    let tag = &source[tag_start..at + source[at..].find('>').expect("tag end")];
    assert!(
        tag.contains("marked"),
        "line {} is marked: {tag}",
        row.from_line
    );
    assert!(
        source.contains("淘汰落后产能涉及企业400家以上"),
        "the table's own words"
    );
    assert_eq!(source.matches("marked").count(), 1, "one line marked");
    // Nothing there: no such page.
    for bad in [
        "doc=nope.txt&from=1&to=1".to_owned(),
        "doc=qzbf-2018-43.txt&from=999999&to=999999".to_owned(),
        "doc=..%2Fplans.toml&from=1&to=1".to_owned(),
    ] {
        let (status, html) = page(&leader, format!("{}/source?{bad}", app.base)).await;
        assert_eq!(status, 404, "{bad}");
        assert!(!html.contains("class=\"marked\"") && !html.contains(" marked"));
    }
}

async fn targets_carry_their_notes_and_keep_them_through_an_edit(app: &TestApp) {
    let d = detail(app, "water", 8).await;
    // The figures follow the main text; each says how the table differs.
    let noted: Vec<(f64, &str)> = d
        .targets
        .iter()
        .filter_map(|t| t.note.as_deref().map(|n| (t.value, n)))
        .collect();
    assert!(
        noted.iter().any(|(v, _)| (*v - 30.0).abs() < 1e-9),
        "{noted:?}"
    );
    assert!(
        noted.iter().any(|(v, _)| (*v - 400.0).abs() < 1e-9),
        "{noted:?}"
    );
    let leader = app.client_for("t-leader").await;
    let (_, html) = page(&leader, format!("{}/plans/water/items/8", app.base)).await;
    for (_, note) in &noted {
        let shown = note.replace('"', "&quot;");
        assert!(
            html.contains(note) || html.contains(&shown),
            "the note “{note}” is shown"
        );
    }

    // An edit that changes only a deadline keeps the targets' notes.
    let water = app.client_for("t-water").await;
    let targets: Vec<String> = d.targets.iter().map(sanzhi_domain::target_line).collect();
    let deadlines: Vec<String> = d
        .item
        .milestones
        .iter()
        .map(|m| m.phrase.clone())
        .chain(["2019年6月底前".to_owned()])
        .collect();
    let units: Vec<String> = d.assignments.iter().map(|a| a.unit.clone()).collect();
    let (deadlines, units, targets) = (deadlines.join("\n"), units.join("\n"), targets.join("\n"));
    let answer = post_json(
        &water,
        format!("{}/api/item_edit", app.base),
        &[
            ("form[plan]", "water"),
            ("form[number]", "8"),
            ("form[deadlines]", deadlines.as_str()),
            ("form[units]", units.as_str()),
            ("form[targets]", targets.as_str()),
            ("form[reason]", "补充2019年时限"),
        ],
    )
    .await;
    assert!(answer.is_null(), "{answer}");
    let after = detail(app, "water", 8).await;
    assert_eq!(after.item.milestones.len(), d.item.milestones.len() + 1);
    let notes_after: Vec<Option<String>> = after.targets.iter().map(|t| t.note.clone()).collect();
    let notes_before: Vec<Option<String>> = d.targets.iter().map(|t| t.note.clone()).collect();
    assert_eq!(notes_after, notes_before);
}

async fn a_note_on_an_action_title_shows_on_its_items(app: &TestApp) {
    let code = PlanCode::parse("air").expect("code");
    let plan = app
        .db
        .store
        .plan_tree(&code)
        .await
        .expect("tree")
        .expect("air");
    // Air's action (三) title is garbled in the table (工业废气治理 理攻坚行动).
    let action = plan
        .actions
        .iter()
        .find(|a| a.seq == 3)
        .expect("action (三)");
    let first_item = action
        .tasks
        .iter()
        .flat_map(|t| t.items.iter())
        .map(|i| i.number)
        .next()
        .expect("an item");
    let d = detail(app, "air", first_item).await;
    assert!(
        d.notes
            .iter()
            .any(|n| n.field == "title" && n.table_says.replace(' ', "").contains("治理理攻坚")),
        "{:?}",
        d.notes
    );
}

on_both_backends!(
    an_item_links_to_its_lines_and_the_source_page_marks_them,
    targets_carry_their_notes_and_keep_them_through_an_edit,
    a_note_on_an_action_title_shows_on_its_items,
);
