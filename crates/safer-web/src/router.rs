//! The router, made from the route table: each row's handler, behind the
//! layers every request passes (outermost first): the request id and log
//! line, the security headers, the rendering of errors, and the gate.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::routing::{MethodRouter, get, post};

use crate::routes::{Method::Get, Method::Post, ROUTES, RouteSpec};
use crate::{AppState, api, guard, pages};

/// The handler of a row. Every row has one (a unit test holds it).
fn endpoint(spec: &RouteSpec) -> Option<MethodRouter<AppState>> {
    let r = match (spec.method, spec.path) {
        (Get, "/sign-in") => get(pages::sign_in::sign_in_form),
        (Post, "/sign-in") => post(pages::sign_in::sign_in),
        (Post, "/sign-out") => post(pages::sign_in::sign_out),
        (Get, "/") => get(pages::dashboard::dashboard),
        (Get, "/assessment") => get(pages::assessment::explorer),
        (Get, "/assessment/report") => get(pages::assessment::report),
        (Get, "/assessment/report.pdf") => get(pages::assessment::report_pdf),
        (Get, "/assessment/narrative") => get(pages::narrative::form),
        (Post, "/assessment/narrative") => post(pages::narrative::save),
        (Get, "/assessment/tables/{file}") => get(pages::assessment::table_csv),
        (Get, "/plans") => get(pages::plans::index),
        (Get, "/plans/upload") => get(pages::plan_upload::form),
        (Post, "/plans/upload") => post(pages::plan_upload::upload)
            .layer(DefaultBodyLimit::max(pages::plan_upload::MAX_PLAN)),
        (Get, "/plans/{id}") => get(pages::plans::plan),
        (Get, "/plans/{id}/actions/new") => get(pages::actions::new_form),
        (Post, "/plans/{id}/actions/new") => post(pages::actions::add),
        (Get, "/actions/{id}/edit") => get(pages::actions::edit_form),
        (Post, "/actions/{id}/edit") => post(pages::actions::edit),
        (Get, "/plans/{id}/measures/{measure}") => get(pages::measures::measure),
        (Post, "/plans/{id}/measures/{measure}") => post(pages::measures::record),
        (Post, "/plans/{id}/measures/{measure}/commentary") => post(pages::measures::comment),
        (Get, "/plans/{id}/report") => get(pages::plans::report),
        (Get, "/actions/{id}/update") => get(pages::plans::update_form),
        (Post, "/actions/{id}/update") => post(pages::plans::update),
        (Get, "/fund") => get(pages::fund::index),
        (Post, "/fund") => post(pages::fund::set_allocation),
        (Post, "/fund/{partnership}/{year}/projects") => post(pages::fund::add_project),
        (Post, "/fund/{partnership}/{year}/spend") => post(pages::fund::record_spend),
        (Get, "/fund/{partnership}/{year}") => get(pages::fund::fund),
        (Get, "/fund/{partnership}/{year}/return.csv") => get(pages::fund::return_csv),
        (Get, "/fund/{partnership}/{year}/return.xlsx") => get(pages::fund::return_xlsx),
        (Get, "/import") => get(pages::import::form),
        (Post, "/import") => {
            post(pages::import::upload).layer(DefaultBodyLimit::max(pages::import::MAX_UPLOAD))
        }
        (Get, "/cases") => get(pages::cases::index),
        (Get, "/cases/new") => get(pages::cases::new_form),
        (Post, "/cases/new") => post(pages::cases::refer),
        (Get, "/cases/{id}") => get(pages::cases::case),
        (Get, "/dhrs") => get(pages::dhr::index),
        (Get, "/dhrs/new") => get(pages::dhr::new_form),
        (Post, "/dhrs/new") => post(pages::dhr::notify),
        (Get, "/dhrs/{id}") => get(pages::dhr::review),
        (Post, "/dhrs/{id}/stage") => post(pages::dhr::stage),
        (Post, "/dhrs/{id}/update") => post(pages::dhr::update),
        (Post, "/dhrs/{id}/panel") => post(pages::dhr::panel),
        (Get, "/overdue") => get(pages::overdue::board),
        (Get, "/overdue/digest") => get(pages::overdue::digest),
        (Get, "/overdue/digest.txt") => get(pages::overdue::digest_txt),
        (Get, "/community-trigger") => get(pages::trigger::public_form),
        (Post, "/community-trigger") => post(pages::trigger::apply),
        (Get, "/community-trigger/statistics") => get(pages::trigger::statistics),
        (Get, "/community-trigger/statistics.csv") => get(pages::trigger::statistics_csv),
        (Get, "/triggers") => get(pages::trigger::index),
        (Get, "/triggers/new") => get(pages::trigger::new_form),
        (Post, "/triggers/new") => post(pages::trigger::record),
        (Get, "/triggers/{id}") => get(pages::trigger::application),
        (Post, "/triggers/{id}/acknowledge") => post(pages::trigger::acknowledge),
        (Post, "/triggers/{id}/lead") => post(pages::trigger::lead),
        (Post, "/triggers/{id}/complaints") => post(pages::trigger::complaint),
        (Post, "/triggers/{id}/cases") => post(pages::trigger::link_case),
        (Post, "/triggers/{id}/decision") => post(pages::trigger::decide),
        (Post, "/triggers/{id}/meeting") => post(pages::trigger::meeting),
        (Post, "/triggers/{id}/review") => post(pages::trigger::review),
        (Post, "/triggers/{id}/recommendations") => post(pages::trigger::recommend),
        (Post, "/triggers/{id}/recommendations/{rec}") => post(pages::trigger::follow_up),
        (Post, "/triggers/{id}/appeal") => post(pages::trigger::appeal),
        (Post, "/triggers/{id}/appeal/decision") => post(pages::trigger::appeal_decision),
        (Post, "/triggers/{id}/close") => post(pages::trigger::close),
        (Get, "/triggers/{id}/letter") => get(pages::trigger::letter),
        (Get, "/triggers/{id}/letter.pdf") => get(pages::trigger::letter_pdf),
        (Get, "/cases/{id}/escalation") => get(pages::escalation::escalation),
        (Post, "/cases/{id}/steps") => post(pages::escalation::take_step),
        (Post, "/cases/{id}/steps/{step}/breach") => post(pages::escalation::breach),
        (Post, "/cases/{id}/steps/{step}/contract") => post(pages::escalation::contract),
        (Post, "/cases/{id}/records") => post(pages::escalation::add_record),
        (Post, "/cases/{id}/records/{record}") => post(pages::escalation::update_record),
        (Post, "/cases/{id}/entries") => post(pages::cases::add_entry),
        (Post, "/cases/{id}/risk") => post(pages::cases::assess_risk),
        (Post, "/cases/{id}/share") => post(pages::cases::share),
        (Post, "/cases/{id}/actions") => post(pages::cases::add_action),
        (Post, "/cases/{id}/decision") => post(pages::cases::decide),
        (Post, "/cases/{id}/close") => post(pages::cases::close),
        (Post, "/cases/{id}/refer-again") => post(pages::cases::refer_again),
        (Get, "/cases/{id}/places") => get(pages::locations::places),
        (Post, "/cases/{id}/locations") => post(pages::locations::add),
        (Get, "/locations/{id}") => get(pages::locations::location),
        (Post, "/cases/{id}/groups") => post(pages::locations::add_group),
        (Get, "/groups/{id}") => get(pages::locations::group),
        (Get, "/case-actions") => get(pages::cases::case_actions),
        (Post, "/case-actions/{id}/update") => post(pages::cases::update_action),
        (Get, "/people/{id}") => get(pages::cases::person),
        (Get, "/search") => get(pages::cases::search),
        (Post, "/people/{id}/rectify") => post(pages::cases::rectify),
        (Post, "/people/{id}/merge") => post(pages::cases::merge),
        (Post, "/merges/{id}/undo") => post(pages::cases::undo_merge),
        (Post, "/people/{id}/delete") => post(pages::cases::delete_person),
        (Get, "/people/{id}/subject-access") => get(pages::cases::subject_access),
        (Get, "/people/{id}/subject-access.pdf") => get(pages::cases::subject_access_pdf),
        (Get, "/people/{id}/subject-access.json") => get(pages::cases::subject_access_json),
        (Post, "/cases/{id}/delete") => post(pages::cases::delete_case),
        (Get, "/retention") => get(pages::cases::retention),
        (Get, "/meetings") => get(pages::meetings::index),
        (Post, "/meetings") => post(pages::meetings::add),
        (Get, "/meetings/{id}") => get(pages::meetings::agenda),
        (Post, "/meetings/{id}/decisions") => post(pages::meetings::record_decision),
        (Get, "/meetings/{id}/minutes") => get(pages::meetings::minutes),
        (Get, "/meetings/{id}/minutes.pdf") => get(pages::meetings::minutes_pdf),
        (Get, "/admin/audit") => get(pages::admin::audit),
        (Get, "/admin/audit.csv") => get(pages::admin::audit_csv),
        (Get, "/admin/access") => get(pages::admin::access_report),
        (Get, "/admin/users") => get(pages::admin::users),
        (Post, "/admin/users") => post(pages::admin::add_user),
        (Post, "/admin/users/{username}/{change}") => post(pages::admin::change_user),
        (Post, "/admin/agencies") => post(pages::admin::add_agency),
        (Post, "/admin/tokens") => post(pages::admin::create_token),
        (Post, "/admin/tokens/{id}/revoke") => post(pages::admin::revoke_token),
        (Get, "/api/v1/openapi.json") => get(api::openapi),
        (Get, "/api/v1/plans") => get(api::plans),
        (Get, "/api/v1/plans/{id}") => get(api::plan),
        (Get, "/api/v1/plans/{id}/review") => get(api::review),
        (Get, "/api/v1/assessment") => get(api::assessment),
        (Get, "/api/v1/assessment/narrative") => get(api::narrative),
        (Get, "/api/v1/plans/{id}/measures/{measure}/commentary") => get(api::commentary),
        (Post, "/api/v1/plans/{id}/measures/{measure}/commentary") => post(api::write_commentary),
        (Post, "/api/v1/assessment/narrative") => post(api::write_narrative),
        (Get, "/api/v1/actions") => get(api::actions),
        (Post, "/api/v1/plans/{id}/actions") => post(api::add_action),
        (Post, "/api/v1/actions/{id}") => post(api::edit_action),
        (Post, "/api/v1/actions/{id}/updates") => post(api::add_update),
        (Get, "/api/v1/plans/{id}/measures/{measure}/values") => get(api::measure_values),
        (Post, "/api/v1/plans/{id}/measures/{measure}/values") => post(api::record_value),
        (Get, "/api/v1/cases") => get(api::cases::cases),
        (Post, "/api/v1/cases") => post(api::cases::refer),
        (Get, "/api/v1/cases/{id}") => get(api::cases::case),
        (Post, "/api/v1/cases/{id}/entries") => post(api::cases::add_entry),
        (Post, "/api/v1/cases/{id}/actions") => post(api::cases::add_action),
        (Get, "/api/v1/people/{id}") => get(api::cases::person),
        (Get, "/api/v1/locations/{id}") => get(api::cases::location),
        (Get, "/api/v1/case-actions") => get(api::cases::case_actions),
        (Post, "/api/v1/case-actions/{id}/updates") => post(api::cases::update_action),
        (Get, "/api/v1/meetings") => get(api::cases::meetings),
        (Get, "/api/v1/meetings/{id}/minutes") => get(api::cases::minutes),
        (Get, "/assets/safer.css") => get(pages::assets::safer_css),
        (Get, "/assets/favicon.svg") => get(pages::assets::favicon),
        (Get, "/healthz") => get(pages::assets::healthz),
        (Get, "/assets/govuk/{*path}") => get(pages::assets::govuk),
        _ => return None,
    };
    Some(r)
}

/// The router, built from [`ROUTES`], behind the gate and the security
/// headers.
pub(crate) fn build(state: AppState) -> Router {
    let mut by_path: Vec<(&'static str, MethodRouter<AppState>)> = Vec::new();
    for spec in ROUTES {
        let Some(e) = endpoint(spec) else {
            eprintln!(
                "safer-web: no handler for {} {}; the route is not served",
                spec.method.as_str(),
                spec.path
            );
            continue;
        };
        match by_path.iter_mut().find(|(p, _)| *p == spec.path) {
            Some((_, mr)) => *mr = std::mem::take(mr).merge(e),
            None => by_path.push((spec.path, e)),
        }
    }
    let mut router = Router::new();
    for (path, mr) in by_path {
        router = router.route(path, mr);
    }
    router
        .fallback(pages::not_found)
        .layer(from_fn_with_state(state.clone(), guard::guard))
        .layer(from_fn_with_state(state.clone(), crate::render::errors))
        .layer(from_fn_with_state(state.clone(), crate::security::headers))
        .layer(axum::middleware::from_fn(crate::observe::observe))
        .with_state(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_has_a_handler() {
        for r in ROUTES {
            assert!(
                endpoint(r).is_some(),
                "{} {} has no handler",
                r.method.as_str(),
                r.path
            );
        }
    }
}
