//! Assessments and reviews are kept while their data is unchanged: asked
//! again, they are not recomputed; after an import, a new partnership or a
//! change to the database, by this application or another process on the
//! same data (the command line while `safer serve` runs), they are; and a
//! kept result is the one computing afresh gives.

use std::path::PathBuf;
use std::sync::Arc;

use safer_app::{Actor, App, AppConfig, Assessed, AssessmentQuery, PasswordCost};
use safer_domain::Quarter;

use crate::{PLAN, TestApp, apps, cleanup, police_uk_month, repo, seed};

/// Another application on the same database and data directory, as the
/// command line opens while the server runs: its own caches, its own
/// counters.
fn other_process(t: &TestApp, cache: bool) -> App {
    App::with_database(
        t.db().clone(),
        t.app.data_dir(),
        t.clock.clone(),
        AppConfig {
            password_cost: PasswordCost::FastForTests,
            cache,
            ..AppConfig::default()
        },
    )
    .expect("the app")
}

/// The same application computing everything afresh.
fn uncached(t: &TestApp) -> App {
    other_process(t, false)
}

fn month(name: &str) -> PathBuf {
    police_uk_month().with_file_name(format!("{name}-leicestershire-street.csv"))
}

async fn import(app: &App, t: &TestApp, files: &[PathBuf]) {
    let found = safer_app::import::discover(files).expect("street files");
    app.import_police_uk(&t.cli("analyst").await, found, false, Arc::new(|_| {}))
        .await
        .expect("import");
}

fn charnwood() -> AssessmentQuery {
    AssessmentQuery {
        district: Some("Charnwood".into()),
        year: Some("2021/22".parse().unwrap()),
        as_at: None,
    }
}

fn assert_same(kept: &Assessed, fresh: &Assessed, b: &str) {
    assert_eq!(kept.assessment, fresh.assessment, "[{b}]");
    assert_eq!(kept.counts, fresh.counts, "[{b}]");
    assert_eq!(kept.partnership, fresh.partnership, "[{b}]");
    assert_eq!(kept.districts, fresh.districts, "[{b}]");
}

#[tokio::test]
async fn an_assessment_asked_again_is_not_recomputed() {
    let all = apps().await;
    for t in &all {
        let b = t.backend;
        let _ = seed(t).await;
        import(&t.app, t, &[police_uk_month()]).await;
        let reader = t.web("reader").await;
        let before = t.app.computed_for_tests();
        let first = t.app.assess(&reader, &charnwood()).unwrap();
        // The same question in another spelling, and by another user.
        let mut q = charnwood();
        q.district = Some("CHARNWOOD".into());
        let again = t.app.assess(&t.web("cso").await, &q).unwrap();
        let computed = t.app.computed_for_tests();
        assert_eq!(computed.assessments - before.assessments, 1, "[{b}]");
        assert_eq!(computed.counts - before.counts, 1, "[{b}] read once");
        assert!(Arc::ptr_eq(&first, &again), "[{b}] the kept result");
        // What is kept is what computing afresh gives.
        let fresh = uncached(t).assess(&reader, &charnwood()).unwrap();
        assert_same(&first, &fresh, b);
        // The default query is a question of its own, answered from the
        // counts already read.
        let default = t.app.assess(&reader, &AssessmentQuery::default()).unwrap();
        assert_eq!(default.assessment.district, "Charnwood", "[{b}]");
        assert_eq!(
            t.app.computed_for_tests().counts - before.counts,
            1,
            "[{b}]"
        );
    }
    cleanup(all).await;
}

#[tokio::test]
async fn a_kept_assessment_is_still_refused_to_those_who_may_not_read_it() {
    let all = apps().await;
    for t in &all {
        let b = t.backend;
        let _ = seed(t).await;
        import(&t.app, t, &[police_uk_month()]).await;
        t.app
            .assess(&t.web("reader").await, &charnwood())
            .unwrap_or_else(|e| panic!("[{b}] {e}"));
        let err = t
            .app
            .assess(&Actor::anonymous("192.0.2.9"), &charnwood())
            .unwrap_err();
        assert!(
            matches!(err, safer_app::AppError::Refused(_)),
            "[{b}] {err:?}"
        );
    }
    cleanup(all).await;
}

#[tokio::test]
async fn an_import_gives_a_new_assessment() {
    let all = apps().await;
    for t in &all {
        let b = t.backend;
        let _ = seed(t).await;
        import(&t.app, t, &[police_uk_month()]).await;
        let reader = t.web("reader").await;
        let before = t.app.assess(&reader, &charnwood()).unwrap();
        import(&t.app, t, &[month("2022-02")]).await;
        let after = t.app.assess(&reader, &charnwood()).unwrap();
        assert_eq!(before.counts.months_held().len(), 1, "[{b}]");
        assert_eq!(after.counts.months_held().len(), 2, "[{b}] February");
        assert_same(
            &after,
            &uncached(t).assess(&reader, &charnwood()).unwrap(),
            b,
        );
    }
    cleanup(all).await;
}

#[tokio::test]
async fn an_import_by_another_process_gives_a_new_assessment() {
    let all = apps().await;
    for t in &all {
        let b = t.backend;
        let _ = seed(t).await;
        import(&t.app, t, &[police_uk_month()]).await;
        let reader = t.web("reader").await;
        let before = t.app.assess(&reader, &charnwood()).unwrap();
        let cli = other_process(t, true);
        import(&cli, t, &[month("2022-02")]).await;
        let after = t.app.assess(&reader, &charnwood()).unwrap();
        assert_eq!(before.counts.months_held().len(), 1, "[{b}]");
        assert_eq!(after.counts.months_held().len(), 2, "[{b}] February");
        // A partnership imported elsewhere brings its beats.
        assert!(after.partnership.is_none(), "[{b}]");
        cli.import_partnership(
            &t.cli("cso").await,
            &repo("examples/charnwood/partnership.toml"),
        )
        .await
        .unwrap();
        let with_beats = t.app.assess(&reader, &charnwood()).unwrap();
        assert!(with_beats.partnership.is_some(), "[{b}]");
        assert_same(
            &with_beats,
            &uncached(t).assess(&reader, &charnwood()).unwrap(),
            b,
        );
    }
    cleanup(all).await;
}

/// The 2020–23 plan's measure entered by hand, in a review.
fn trend(r: &safer_app::Reviewed) -> Vec<(Quarter, f64)> {
    r.review
        .measures()
        .find(|m| m.id == "p5-m1")
        .expect("the measure")
        .trend
        .clone()
}

#[tokio::test]
async fn a_review_is_kept_until_the_database_changes() {
    let all = apps().await;
    for t in &all {
        let b = t.backend;
        let _ = seed(t).await;
        import(&t.app, t, &[police_uk_month()]).await;
        let reader = t.web("reader").await;
        let q: Quarter = "2022-Q1".parse().unwrap();
        let before = t.app.computed_for_tests();
        let first = t.app.review(&reader, PLAN, Some(q)).await.unwrap();
        let again = t.app.review(&reader, PLAN, Some(q)).await.unwrap();
        assert!(Arc::ptr_eq(&first, &again), "[{b}]");
        assert_eq!(
            t.app.computed_for_tests().reviews - before.reviews,
            1,
            "[{b}]"
        );
        assert!(trend(&first).is_empty(), "[{b}]");
        // A value recorded from the command line: the server's next review
        // shows it.
        other_process(t, true)
            .record_value(&t.cli("cso").await, PLAN, "p5-m1", q, 88.0, "survey")
            .await
            .unwrap();
        let after = t.app.review(&reader, PLAN, Some(q)).await.unwrap();
        assert_eq!(trend(&after), vec![(q, 88.0)], "[{b}]");
        let fresh = uncached(t).review(&reader, PLAN, Some(q)).await.unwrap();
        assert_eq!(after.review, fresh.review, "[{b}]");
        assert_eq!(after.fund, fresh.fund, "[{b}]");
        assert_eq!(after.plan, fresh.plan, "[{b}]");
        assert_eq!(after.note, fresh.note, "[{b}]");
        // Another quarter is a review of its own.
        let q2: Quarter = "2022-Q2".parse().unwrap();
        let other = t.app.review(&reader, PLAN, Some(q2)).await.unwrap();
        assert_eq!(other.review.quarter, q2, "[{b}]");
    }
    cleanup(all).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_asking_at_once_compute_once() {
    let all = apps().await;
    for t in &all {
        let b = t.backend;
        let _ = seed(t).await;
        import(&t.app, t, &[police_uk_month()]).await;
        let reader = t.web("reader").await;
        let before = t.app.computed_for_tests();
        let start = Arc::new(std::sync::Barrier::new(8));
        let assessed: Vec<_> = (0..8)
            .map(|_| {
                let (app, reader, start) = (t.app.clone(), reader.clone(), start.clone());
                std::thread::spawn(move || {
                    start.wait();
                    app.assess(&reader, &charnwood()).unwrap()
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| h.join().unwrap())
            .collect();
        let q: Quarter = "2022-Q1".parse().unwrap();
        let reviews = (0..8).map(|_| {
            let (app, reader) = (t.app.clone(), reader.clone());
            tokio::spawn(async move { app.review(&reader, PLAN, Some(q)).await.unwrap() })
        });
        let mut reviewed = Vec::new();
        for r in reviews.collect::<Vec<_>>() {
            reviewed.push(r.await.unwrap());
        }
        let computed = t.app.computed_for_tests();
        assert_eq!(computed.assessments - before.assessments, 1, "[{b}]");
        assert_eq!(computed.reviews - before.reviews, 1, "[{b}]");
        assert_eq!(computed.counts - before.counts, 1, "[{b}]");
        assert!(
            assessed.iter().all(|a| Arc::ptr_eq(a, &assessed[0])),
            "[{b}]"
        );
        assert!(
            reviewed.iter().all(|r| Arc::ptr_eq(r, &reviewed[0])),
            "[{b}]"
        );
    }
    cleanup(all).await;
}
