//! Time comes from the app's clock: what is "today", when sessions,
//! tokens and locks end, which quarter the fund opens at, and when changes
//! are stamped.

use safer_app::{AppError, SignInRefusal, Timestamp, digest};
use safer_domain::ActionStatus;

use crate::{PLAN, START, TestApp, apps, cleanup, seed};

const DAY: i64 = 86_400;

fn at(t: &TestApp, rfc3339_date: &str) {
    let d: safer_domain::Date = rfc3339_date.parse().unwrap();
    t.clock.set(Timestamp::from_unix_seconds(
        d.to_unix_seconds() + 12 * 3600,
    ));
}

#[tokio::test]
async fn today_and_overdue_follow_the_clock() {
    let all = apps().await;
    for t in &all {
        let b = t.backend;
        let s = seed(t).await;
        assert_eq!(t.app.today().to_string(), "2023-05-10", "[{b}]");
        let lead = t.web("police-lead").await;
        // An update is dated today by default, and may not be dated later.
        t.app
            .update_action(
                &lead,
                s.police_action,
                ActionStatus::OnTrack,
                "Patrols",
                None,
            )
            .await
            .unwrap();
        let e = t
            .app
            .update_action(
                &lead,
                s.police_action,
                ActionStatus::OnTrack,
                "Tomorrow's",
                Some("2023-05-11".parse().unwrap()),
            )
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Invalid(_)), "[{b}] {e}");
        let police = |actions: Vec<safer_domain::Action>| {
            actions
                .into_iter()
                .find(|a| a.id == s.police_action)
                .unwrap()
        };
        let a = police(t.db().actions(PLAN).await.unwrap());
        assert_eq!(a.updates.last().unwrap().date.to_string(), "2023-05-10");
        // Due 2023-06-30: overdue from the next day, by the app's today.
        at(t, "2023-06-30");
        assert!(!a.is_overdue(t.app.today()), "[{b}]");
        at(t, "2023-07-01");
        assert!(a.is_overdue(t.app.today()), "[{b}]");
        // The update a day later is accepted now.
        t.app
            .update_action(
                &lead,
                s.police_action,
                ActionStatus::Complete,
                "All done",
                Some("2023-05-11".parse().unwrap()),
            )
            .await
            .unwrap();
        assert!(!police(t.db().actions(PLAN).await.unwrap()).is_overdue(t.app.today()));
    }
    cleanup(all).await;
}

#[tokio::test]
async fn sessions_tokens_and_locks_end_by_the_clock() {
    let all = apps().await;
    for t in &all {
        let b = t.backend;
        let _ = seed(t).await;
        let signed = t
            .app
            .sign_in("192.0.2.7", "jag", "a long test password", None, 600)
            .await
            .unwrap()
            .unwrap();
        let d = digest(&signed.session_token);
        t.clock.advance(599);
        assert!(
            t.app.session(&d, 600, 3600).await.unwrap().is_some(),
            "[{b}]"
        );
        // Use renews the idle time …
        t.clock.advance(599);
        assert!(
            t.app.session(&d, 600, 3600).await.unwrap().is_some(),
            "[{b}]"
        );
        // … and 600 seconds without use end it.
        t.clock.advance(600);
        assert!(
            t.app.session(&d, 600, 3600).await.unwrap().is_none(),
            "[{b}]"
        );

        // A token lives its days and no longer.
        let op = safer_app::Actor::operator("tester");
        let (_, secret) = t
            .app
            .create_token(&op, "analyst", "a week", &["read".into()], 7)
            .await
            .unwrap();
        t.clock.advance(7 * DAY - 1);
        assert!(t.app.api_token(&secret).await.unwrap().is_some(), "[{b}]");
        t.clock.advance(1);
        assert!(t.app.api_token(&secret).await.unwrap().is_none(), "[{b}]");

        // Five failures lock an account for fifteen minutes.
        for _ in 0..5 {
            let r = t
                .app
                .sign_in("192.0.2.8", "cso", "wrong", None, 600)
                .await
                .unwrap();
            assert!(matches!(r, Err(SignInRefusal::Refused)), "[{b}]");
        }
        let right = || {
            t.app
                .sign_in("192.0.2.8", "cso", "a long test password", None, 600)
        };
        assert!(
            matches!(right().await.unwrap(), Err(SignInRefusal::Refused)),
            "[{b}]"
        );
        t.clock.advance(15 * 60 - 1);
        assert!(
            matches!(right().await.unwrap(), Err(SignInRefusal::Refused)),
            "[{b}]"
        );
        t.clock.advance(1);
        assert!(right().await.unwrap().is_ok(), "[{b}]");
    }
    cleanup(all).await;
}

#[tokio::test]
async fn the_fund_opens_at_the_current_quarter_of_its_year() {
    let all = apps().await;
    for t in &all {
        let y2324 = "2023/24".parse().unwrap();
        let y2223 = "2022/23".parse().unwrap();
        assert_eq!(t.app.fund_quarter(y2324), 1, "10 May 2023");
        assert_eq!(
            t.app.fund_quarter(y2223),
            4,
            "a year ended shows its last quarter"
        );
        for (date, q) in [
            ("2023-06-30", 1),
            ("2023-07-01", 2),
            ("2023-12-31", 3),
            ("2024-01-01", 4),
            ("2024-03-31", 4),
        ] {
            at(t, date);
            assert_eq!(t.app.fund_quarter(y2324), q, "{date}");
        }
        at(t, "2024-04-01");
        assert_eq!(t.app.fund_quarter(y2324), 4, "the year has ended");
    }
    cleanup(all).await;
}

#[tokio::test]
async fn changes_are_stamped_with_the_clocks_time() {
    let all = apps().await;
    for t in &all {
        let _ = seed(t).await;
        let log = t.db().audit_log(1).await.unwrap();
        assert_eq!(log[0].at, Timestamp::from_unix_seconds(START).to_rfc3339());
        t.clock.advance(3600);
        t.app
            .record_value(
                &t.cli("cso").await,
                PLAN,
                "p5-m1",
                "2022-Q4".parse().unwrap(),
                90.0,
                "",
            )
            .await
            .unwrap();
        let v = t.db().values(PLAN, "p5-m1").await.unwrap();
        assert_eq!(v[0].entered_at, "2023-05-10T10:00:00Z");
        assert_eq!(
            t.db().audit_log(1).await.unwrap()[0].at,
            "2023-05-10T10:00:00Z"
        );
    }
    cleanup(all).await;
}

/// However much it is used, a session ends at its absolute lifetime.
#[tokio::test]
async fn a_session_in_use_still_ends_at_its_lifetime() {
    let all = apps().await;
    for t in &all {
        let b = t.backend;
        let _ = seed(t).await;
        let signed = t
            .app
            .sign_in("192.0.2.7", "jag", "a long test password", None, 600)
            .await
            .unwrap()
            .unwrap();
        let d = digest(&signed.session_token);
        // Used every five minutes for twelve hours …
        for _ in 0..143 {
            t.clock.advance(300);
            assert!(
                t.app.session(&d, 600, 12 * 3600).await.unwrap().is_some(),
                "[{b}]"
            );
        }
        // … and then it ends, and stays ended.
        t.clock.advance(300);
        assert!(
            t.app.session(&d, 600, 12 * 3600).await.unwrap().is_none(),
            "[{b}]"
        );
        assert!(t.db().session(&d).await.unwrap().is_none(), "[{b}]");
    }
    cleanup(all).await;
}

/// A disabled, locked or reset account's API tokens and sessions stop with
/// it.
#[tokio::test]
async fn tokens_and_sessions_stop_with_their_account() {
    let all = apps().await;
    for t in &all {
        let b = t.backend;
        let _ = seed(t).await;
        let op = safer_app::Actor::operator("tester");
        let token = |days| {
            let app = &t.app;
            let op = op.clone();
            async move {
                app.create_token(&op, "analyst", "t", &["read".into()], days)
                    .await
                    .unwrap()
                    .1
            }
        };
        let live =
            |secret: String| async move { t.app.api_token(&secret).await.unwrap().is_some() };
        let session = || async {
            let s = t
                .app
                .sign_in("192.0.2.7", "analyst", "a long test password", None, 600)
                .await
                .unwrap()
                .unwrap();
            digest(&s.session_token)
        };

        // Disabled: the session ends and the token stops; enabled, the
        // token works again (it was not revoked) but the session is gone.
        let (secret, d) = (token(30).await, session().await);
        t.app.disable_user(&op, "analyst").await.unwrap();
        assert!(!live(secret.clone()).await, "[{b}] disabled");
        assert!(
            t.app.session(&d, 600, 3600).await.unwrap().is_none(),
            "[{b}]"
        );
        let r = t
            .app
            .sign_in("192.0.2.7", "analyst", "a long test password", None, 600)
            .await
            .unwrap();
        assert!(r.is_err(), "[{b}] a disabled user cannot sign in");
        t.app.enable_user(&op, "analyst").await.unwrap();
        assert!(live(secret.clone()).await, "[{b}] enabled");
        assert!(t.db().session(&d).await.unwrap().is_none(), "[{b}]");

        // Locked by failed sign-ins: tokens stop until it is unlocked.
        for _ in 0..5 {
            let _ = t
                .app
                .sign_in("192.0.2.9", "analyst", "wrong", None, 600)
                .await
                .unwrap();
        }
        assert!(!live(secret.clone()).await, "[{b}] locked");
        t.app.unlock_user(&op, "analyst").await.unwrap();
        assert!(live(secret.clone()).await, "[{b}] unlocked");

        // A new password revokes every token.
        t.app
            .reset_password(&op, "analyst", "a brand new password")
            .await
            .unwrap();
        assert!(!live(secret.clone()).await, "[{b}] reset");
        let tokens = t.db().api_tokens().await.unwrap();
        assert!(
            tokens
                .iter()
                .filter(|x| x.user_id == tokens[0].user_id)
                .all(|x| x.revoked)
        );

        let log = t.db().audit_log(50).await.unwrap();
        for action in [
            "disable_user",
            "enable_user",
            "unlock_user",
            "reset_password",
        ] {
            assert!(
                log.iter()
                    .any(|e| e.action == action && e.target == "user analyst"),
                "[{b}] {action}"
            );
        }
    }
    cleanup(all).await;
}

/// A flood of sign-ins from one address is refused, and written to the
/// audit log once for the fifteen minutes, not once per attempt; when the
/// throttle lifts, the count of the rest is written.
#[tokio::test]
async fn throttled_sign_ins_do_not_flood_the_audit_log() {
    let all = apps().await;
    for t in &all {
        let b = t.backend;
        let _ = seed(t).await;
        let from = "198.51.100.7";
        for _ in 0..20 {
            let r = t.app.sign_in(from, "nobody", "x", None, 600).await.unwrap();
            assert!(matches!(r, Err(SignInRefusal::Refused)), "[{b}]");
        }
        let before = t.db().audit_log(100_000).await.unwrap().len();
        // 800 attempts, one a second, all within the fifteen minutes.
        for _ in 0..800 {
            let r = t
                .app
                .sign_in(from, "jag", "a long test password", None, 600)
                .await
                .unwrap();
            assert!(matches!(r, Err(SignInRefusal::Throttled)), "[{b}]");
            t.clock.advance(1);
        }
        let log = t.db().audit_log(100_000).await.unwrap();
        let throttled: Vec<&str> = log[..log.len() - before]
            .iter()
            .rev()
            .map(|e| {
                assert_eq!(
                    (e.action.as_str(), e.source.as_str()),
                    ("sign_in_throttled", "web 198.51.100.7")
                );
                e.detail.as_str()
            })
            .collect();
        assert_eq!(throttled.len(), 1, "[{b}] {throttled:#?}");
        assert!(
            throttled[0].starts_with("too many failed sign-ins"),
            "[{b}]"
        );
        // Another address is not held up.
        let r = t
            .app
            .sign_in("198.51.100.8", "jag", "a long test password", None, 600)
            .await
            .unwrap();
        assert!(r.is_ok(), "[{b}]");
        // The failures age out; the next attempt says how many went unlogged.
        t.clock.advance(100);
        let r = t
            .app
            .sign_in(from, "jag", "a long test password", None, 600)
            .await
            .unwrap();
        assert!(r.is_ok(), "[{b}]");
        let log = t.db().audit_log(3).await.unwrap();
        assert!(
            log.iter().any(|e| e.action == "sign_in_throttled"
                && e.detail == "799 further attempts from this address were refused before the throttle lifted"),
            "[{b}] {log:#?}"
        );
    }
    cleanup(all).await;
}
