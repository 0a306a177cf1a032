#[tokio::test]
async fn sqlite() {
    let app = super::TestApp::spawn_with(sanzhi_store::testing::TestDb::sqlite().await, true).await;
    super::public_overview_reads_the_overview_only(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn postgres() {
    let Some(db) = sanzhi_store::testing::TestDb::postgres().await else {
        return;
    };
    let app = super::TestApp::spawn_with(db, true).await;
    super::public_overview_reads_the_overview_only(&app).await;
    app.finish().await;
}
