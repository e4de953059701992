//! Verify v2 templates and fragments on the mock: stored, paged with HAL links, and refused
//! as the API documents (at most 10 templates, unique names, one fragment per channel and
//! locale, no deleting a template that still has fragments).

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use super::problem::{self, problem};
use super::shared::{AppState, Shared};
use super::state::{Fragment, Template};

/// The documented account limit.
const MAX_TEMPLATES: usize = 10;
/// The mock's page size when none is asked for (the API does not document its own).
const DEFAULT_PAGE_SIZE: usize = 10;

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/v2/verify/templates", get(list).post(create))
        .route(
            "/v2/verify/templates/{template_id}",
            get(read).patch(update).delete(remove),
        )
        .route(
            "/v2/verify/templates/{template_id}/template_fragments",
            get(list_fragments).post(add_fragment),
        )
        .route(
            "/v2/verify/templates/{template_id}/template_fragments/{fragment_id}",
            get(read_fragment)
                .patch(update_fragment)
                .delete(remove_fragment),
        )
}

fn template_json(base: &str, template: &Template) -> Value {
    let href = format!("{base}/v2/verify/templates/{}", template.id);
    json!({
        "template_id": template.id,
        "name": template.name,
        "is_default": template.is_default,
        "_links": {
            "self": {"href": href},
            "fragments": {"href": format!("{href}/template_fragments")},
        },
    })
}

fn fragment_json(base: &str, template: &str, fragment: &Fragment) -> Value {
    let template_href = format!("{base}/v2/verify/templates/{template}");
    json!({
        "template_fragment_id": fragment.id,
        "channel": fragment.channel,
        "locale": fragment.locale,
        "text": fragment.text,
        "date_created": fragment.created,
        "date_updated": fragment.updated,
        "_links": {
            "self": {"href": format!("{template_href}/template_fragments/{}", fragment.id)},
            "template": {"href": template_href},
        },
    })
}

/// One page of `items`, with the HAL links the API sends: `self` and `last` always, `prev` and
/// `next` where they apply.
fn page(href: &str, query: Option<&str>, key: &str, items: Vec<Value>) -> Response {
    let fields: Vec<(String, String)> =
        form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let number = |name: &str, default: usize| -> Result<usize, ()> {
        match fields.iter().find(|(k, _)| k == name) {
            None => Ok(default),
            Some((_, value)) => value.parse::<usize>().ok().filter(|n| *n >= 1).ok_or(()),
        }
    };
    let (Ok(page), Ok(size)) = (number("page", 1), number("page_size", DEFAULT_PAGE_SIZE)) else {
        return problem::invalid(&[("page".into(), "page and page_size must be 1 or more".into())]);
    };
    let total_items = items.len();
    let total_pages = total_items.div_ceil(size).max(1);
    let link = |n: usize| json!({"href": format!("{href}?page={n}&page_size={size}")});
    let mut links = json!({"self": link(page), "last": link(total_pages)});
    if page > 1 {
        links["prev"] = link(page - 1);
    }
    if page < total_pages {
        links["next"] = link(page + 1);
    }
    let shown: Vec<Value> = items
        .into_iter()
        // A hostile page number must not overflow: past the end is simply empty.
        .skip((page - 1).saturating_mul(size))
        .take(size)
        .collect();
    Json(json!({
        "page_size": size,
        "page": page,
        "total_pages": total_pages,
        "total_items": total_items,
        "_embedded": { key: shown },
        "_links": links,
    }))
    .into_response()
}

fn template_not_found() -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "template-not-found",
        "Not Found",
        "Template was not found.",
    )
}

fn fragment_not_found() -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "template-fragment-not-found",
        "Not Found",
        "Template Fragment was not found.",
    )
}

/// `^[A-Za-z0-9_-]{1,64}$`, the spec's template name.
fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn body_object(body: &Bytes) -> Option<serde_json::Map<String, Value>> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(object)) => Some(object),
        _ => None,
    }
}

async fn list(State(shared): AppState, RawQuery(query): RawQuery) -> Response {
    let inner = shared.lock();
    let items = inner
        .templates
        .iter()
        .map(|t| template_json(&shared.base_url, t))
        .collect();
    let href = format!("{}/v2/verify/templates", shared.base_url);
    page(&href, query.as_deref(), "templates", items)
}

async fn create(State(shared): AppState, body: Bytes) -> Response {
    let name = body_object(&body).and_then(|b| b.get("name")?.as_str().map(str::to_owned));
    let Some(name) = name.filter(|n| valid_name(n)) else {
        return problem::invalid(&[("name".into(), "must be 1 to 64 of A-Z a-z 0-9 _ -".into())]);
    };
    let mut inner = shared.lock();
    if inner.templates.iter().any(|t| t.name == name) {
        return problem(
            StatusCode::CONFLICT,
            "template-exists",
            "Conflict",
            &format!("A template named {name} already exists."),
        );
    }
    if inner.templates.len() >= MAX_TEMPLATES {
        return problem(
            StatusCode::CONFLICT,
            "max-templates",
            "Conflict",
            "The account already has the maximum number of templates.",
        );
    }
    let template = Template {
        id: uuid::Uuid::new_v4().to_string(),
        name,
        is_default: inner.templates.is_empty(),
        fragments: Vec::new(),
    };
    let reply = template_json(&shared.base_url, &template);
    inner.templates.push(template);
    (StatusCode::CREATED, Json(reply)).into_response()
}

async fn read(State(shared): AppState, Path(id): Path<String>) -> Response {
    let inner = shared.lock();
    match inner.templates.iter().find(|t| t.id == id) {
        Some(template) => Json(template_json(&shared.base_url, template)).into_response(),
        None => template_not_found(),
    }
}

async fn update(State(shared): AppState, Path(id): Path<String>, body: Bytes) -> Response {
    let Some(body) = body_object(&body) else {
        return problem::invalid(&[("body".into(), "must be a JSON object".into())]);
    };
    let name = body.get("name").map(|n| n.as_str().map(str::to_owned));
    if name
        .as_ref()
        .is_some_and(|n| !n.as_deref().is_some_and(valid_name))
    {
        return problem::invalid(&[("name".into(), "must be 1 to 64 of A-Z a-z 0-9 _ -".into())]);
    }
    let is_default = body.get("is_default").map(Value::as_bool);
    if is_default.is_some_and(|d| d.is_none()) {
        return problem::invalid(&[("is_default".into(), "must be a boolean".into())]);
    }
    let mut inner = shared.lock();
    let Some(index) = inner.templates.iter().position(|t| t.id == id) else {
        return template_not_found();
    };
    if let Some(Some(name)) = &name
        && inner
            .templates
            .iter()
            .any(|t| t.id != id && &t.name == name)
    {
        return problem(
            StatusCode::CONFLICT,
            "template-exists",
            "Conflict",
            &format!("A template named {name} already exists."),
        );
    }
    if let Some(Some(name)) = name {
        inner.templates[index].name = name;
    }
    if let Some(Some(true)) = is_default {
        // One default at a time.
        for template in &mut inner.templates {
            template.is_default = false;
        }
        inner.templates[index].is_default = true;
    } else if let Some(Some(false)) = is_default {
        inner.templates[index].is_default = false;
    }
    Json(template_json(&shared.base_url, &inner.templates[index])).into_response()
}

async fn remove(State(shared): AppState, Path(id): Path<String>) -> Response {
    let mut inner = shared.lock();
    let Some(index) = inner.templates.iter().position(|t| t.id == id) else {
        return template_not_found();
    };
    if !inner.templates[index].fragments.is_empty() {
        return problem(
            StatusCode::CONFLICT,
            "not-empty-template",
            "Conflict",
            "A template with fragments cannot be deleted.",
        );
    }
    inner.templates.remove(index);
    StatusCode::NO_CONTENT.into_response()
}

async fn list_fragments(
    State(shared): AppState,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let inner = shared.lock();
    let Some(template) = inner.templates.iter().find(|t| t.id == id) else {
        return template_not_found();
    };
    let items = template
        .fragments
        .iter()
        .map(|f| fragment_json(&shared.base_url, &id, f))
        .collect();
    let href = format!(
        "{}/v2/verify/templates/{id}/template_fragments",
        shared.base_url
    );
    page(&href, query.as_deref(), "template_fragments", items)
}

async fn add_fragment(State(shared): AppState, Path(id): Path<String>, body: Bytes) -> Response {
    let body = body_object(&body).unwrap_or_default();
    let text_of = |name: &str| body.get(name).and_then(Value::as_str).map(str::to_owned);
    let (channel, locale, text) = (text_of("channel"), text_of("locale"), text_of("text"));
    let mut invalid = Vec::new();
    if !channel
        .as_deref()
        .is_some_and(|c| c == "sms" || c == "voice")
    {
        invalid.push(("channel".to_owned(), "must be sms or voice".to_owned()));
    }
    for (name, value) in [("locale", &locale), ("text", &text)] {
        if value.as_deref().is_none_or(str::is_empty) {
            invalid.push((name.to_owned(), "is required".to_owned()));
        }
    }
    if !invalid.is_empty() {
        return problem::invalid(&invalid);
    }
    let (channel, locale, text) = (
        channel.unwrap_or_default(),
        locale.unwrap_or_default(),
        text.unwrap_or_default(),
    );
    let now = now_text(&shared);
    let mut inner = shared.lock();
    let Some(template) = inner.templates.iter_mut().find(|t| t.id == id) else {
        return template_not_found();
    };
    if template
        .fragments
        .iter()
        .any(|f| f.channel == channel && f.locale == locale)
    {
        return problem(
            StatusCode::CONFLICT,
            "fragment-exists",
            "Conflict",
            &format!("The template already has a {channel} fragment for {locale}."),
        );
    }
    let fragment = Fragment {
        id: uuid::Uuid::new_v4().to_string(),
        channel,
        locale,
        text,
        created: now.clone(),
        updated: now,
    };
    let reply = fragment_json(&shared.base_url, &id, &fragment);
    template.fragments.push(fragment);
    (StatusCode::CREATED, Json(reply)).into_response()
}

fn now_text(shared: &Shared) -> String {
    chrono::DateTime::<chrono::Utc>::from(shared.clock.now())
        .to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
}

async fn read_fragment(
    State(shared): AppState,
    Path((id, fragment_id)): Path<(String, String)>,
) -> Response {
    let inner = shared.lock();
    let Some(template) = inner.templates.iter().find(|t| t.id == id) else {
        return template_not_found();
    };
    match template.fragments.iter().find(|f| f.id == fragment_id) {
        Some(fragment) => Json(fragment_json(&shared.base_url, &id, fragment)).into_response(),
        None => fragment_not_found(),
    }
}

async fn update_fragment(
    State(shared): AppState,
    Path((id, fragment_id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let text = body_object(&body).and_then(|b| b.get("text")?.as_str().map(str::to_owned));
    let Some(text) = text.filter(|t| !t.is_empty()) else {
        return problem::invalid(&[("text".into(), "is required".into())]);
    };
    let now = now_text(&shared);
    let mut inner = shared.lock();
    let Some(template) = inner.templates.iter_mut().find(|t| t.id == id) else {
        return template_not_found();
    };
    let Some(fragment) = template.fragments.iter_mut().find(|f| f.id == fragment_id) else {
        return fragment_not_found();
    };
    fragment.text = text;
    fragment.updated = now;
    let reply = fragment_json(&shared.base_url, &id, fragment);
    Json(reply).into_response()
}

async fn remove_fragment(
    State(shared): AppState,
    Path((id, fragment_id)): Path<(String, String)>,
) -> Response {
    let mut inner = shared.lock();
    let Some(template) = inner.templates.iter_mut().find(|t| t.id == id) else {
        return template_not_found();
    };
    let before = template.fragments.len();
    template.fragments.retain(|f| f.id != fragment_id);
    if template.fragments.len() == before {
        return fragment_not_found();
    }
    StatusCode::NO_CONTENT.into_response()
}
