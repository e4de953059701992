//! Faults a test injects into the next requests to one operation: an error status with a
//! problem body (a 429 with `Retry-After`, a 5xx), a v1 failure status in an HTTP 200 (as v1
//! reports throttling), a delay, a connection closed without an answer, or a body that does
//! not parse.
//!
//! Operations are named as the specs name them (`newRequest`, `verifyCheck`) or as the
//! generated clients do (`new_request`, `verify_check`), and found by method and path in the
//! client's operation tables, so a fault follows the spec the client was built from.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use vonage_verify::spec::Operation;

use super::problem;
use super::serve::Hangup;
use super::shared::AppState;
use super::v1::reply::{Format, Reply};

/// A fault for the next requests to one operation: build it with [`Fault::on`], inject it with
/// [`MockServer::inject`](crate::MockServer::inject) (or `POST /_mock/faults`, whose JSON has
/// the same fields).
///
/// ```
/// use std::time::Duration;
/// use vonage_verify_mock::Fault;
///
/// // The next two starts are throttled; then one check waits a second and gets no answer.
/// let throttled = Fault::on("newRequest").times(2).status(429).retry_after(Duration::from_secs(1));
/// let dropped = Fault::on("checkCode").latency(Duration::from_secs(1)).close();
/// # drop((throttled, dropped));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    operation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    api: Option<String>,
    #[serde(default = "once")]
    times: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    latency_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    retry_after: Option<u64>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    problem_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    v1_status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error_text: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    close: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    malformed: bool,
}

fn once() -> u32 {
    1
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Fault {
    /// A fault for the next request to `operation`; add what it does: a
    /// [`status`](Self::status), a [`v1_status`](Self::v1_status), [`close`](Self::close),
    /// [`malformed`](Self::malformed) or [`latency`](Self::latency) alone.
    ///
    /// `operation` is a spec's operation id or the generated method's name, which errors
    /// show (`checkCode` or `check_code`). Verify v2: `newRequest`, `checkCode`,
    /// `cancelRequest`, `nextWorkflow`, `silentAuthCheck`, `networkUnblock`, `listTemplates`,
    /// `createTemplate`, `getTemplate`, `updateTemplate`, `deleteTemplate`,
    /// `listTemplateFragments`, `addTemplateFragmentToTemplate`, `getTemplateFragment`,
    /// `updateTemplateFragment`, `deleteTemplateFragment`. Verify v1: `verifyRequest`,
    /// `verifyCheck`, `verifySearch`, `verifyControl`, `verifyRequestWithPSD2`,
    /// `networkUnblock` (in both APIs: say which with [`api`](Self::api)). The full list is
    /// `vonage_verify::v2::raw::OPERATIONS` and `v1::raw::OPERATIONS`.
    pub fn on(operation: impl Into<String>) -> Self {
        Self {
            operation: operation.into(),
            api: None,
            times: 1,
            latency_ms: 0,
            status: None,
            retry_after: None,
            problem_type: None,
            title: None,
            detail: None,
            v1_status: None,
            error_text: None,
            close: false,
            malformed: false,
        }
    }

    /// Which API's operation, for a name both have (`networkUnblock`): `v1` or `v2`.
    pub fn api(mut self, api: impl Into<String>) -> Self {
        self.api = Some(api.into());
        self
    }

    /// How many requests it applies to (default 1).
    pub fn times(mut self, times: u32) -> Self {
        self.times = times;
        self
    }

    /// Waits this long (real time) before answering.
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency_ms = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX);
        self
    }

    /// Answers this HTTP status with an RFC 7807 problem body, without acting on the request.
    pub fn status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// With [`status`](Self::status): a `Retry-After` header of this many whole seconds.
    pub fn retry_after(mut self, wait: Duration) -> Self {
        self.retry_after = Some(wait.as_secs());
        self
    }

    /// With [`status`](Self::status): the problem's `type`, `title` and `detail` instead of
    /// the mock's.
    pub fn problem(
        mut self,
        problem_type: impl Into<String>,
        title: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        self.problem_type = Some(problem_type.into());
        self.title = Some(title.into());
        self.detail = Some(detail.into());
        self
    }

    /// For a v1 operation: answers HTTP 200 with this v1 `status` (1 for throttled, 5 for an
    /// internal error, ...) and an `error_text`, in the format the request asked for, as v1
    /// reports its failures.
    pub fn v1_status(mut self, status: u16) -> Self {
        self.v1_status = Some(status);
        self
    }

    /// With [`v1_status`](Self::v1_status): the `error_text` instead of the mock's.
    pub fn error_text(mut self, text: impl Into<String>) -> Self {
        self.error_text = Some(text.into());
        self
    }

    /// Closes the connection without an answer.
    pub fn close(mut self) -> Self {
        self.close = true;
        self
    }

    /// Answers 200 with a body cut short, which no JSON (or XML) decoder accepts. (A client
    /// that reads no body on success, as for a cancel, does not notice.)
    pub fn malformed(mut self) -> Self {
        self.malformed = true;
        self
    }

    /// The operation it applies to, as given.
    pub fn operation(&self) -> &str {
        &self.operation
    }

    /// How many more requests it applies to.
    pub fn remaining(&self) -> u32 {
        self.times
    }
}

/// A fault that names an operation the mock serves, waiting for its requests.
#[derive(Debug, Clone)]
pub(crate) struct Armed {
    fault: Fault,
    operation: &'static Operation,
}

/// Why a fault cannot be injected.
pub(crate) fn arm(fault: Fault) -> Result<Armed, String> {
    let operation = operation(&fault.operation, fault.api.as_deref())?;
    let answers = [
        fault.status.is_some(),
        fault.v1_status.is_some(),
        fault.close,
        fault.malformed,
    ];
    match answers.iter().filter(|set| **set).count() {
        0 if fault.latency_ms == 0 => {
            return Err(
                "give an answer (`status`, `v1_status`, `close` or `malformed`) or `latency_ms`"
                    .into(),
            );
        }
        0 | 1 => {}
        _ => {
            return Err(
                "give at most one of `status`, `v1_status`, `close` and `malformed`".into(),
            );
        }
    }
    if fault.v1_status.is_none() && fault.error_text.is_some() {
        return Err("`error_text` goes with a `v1_status`".into());
    }
    if fault.status.is_none()
        && (fault.retry_after.is_some() || fault.title.is_some() || fault.detail.is_some())
    {
        return Err("`retry_after`, `type`, `title` and `detail` go with a `status`".into());
    }
    if let Some(status) = fault.status
        && !(400..=599).contains(&status)
    {
        return Err(format!(
            "status {status} is not an error status (400 to 599)"
        ));
    }
    if fault.times == 0 {
        return Err("`times` is at least 1".into());
    }
    if fault.v1_status.is_some() && v1_shape(operation).is_none() {
        return Err(format!(
            "`v1_status` is for v1's operations; `{}` is not one",
            fault.operation
        ));
    }
    Ok(Armed { fault, operation })
}

/// The operation called `name` (spec id or method name), in `api` if given.
fn operation(name: &str, api: Option<&str>) -> Result<&'static Operation, String> {
    let tables: &[(&str, &'static [Operation])] = &[
        ("v1", vonage_verify::v1::raw::OPERATIONS),
        ("v2", vonage_verify::v2::raw::OPERATIONS),
    ];
    if let Some(api) = api
        && !tables.iter().any(|(a, _)| *a == api)
    {
        return Err(format!("no API `{api}`: `v1` or `v2`"));
    }
    let found: Vec<(&str, &'static Operation)> = tables
        .iter()
        .filter(|(a, _)| api.is_none_or(|api| api == *a))
        .flat_map(|(a, ops)| ops.iter().map(move |op| (*a, op)))
        .filter(|(_, op)| op.id == name || op.method_name == name)
        .collect();
    match found.as_slice() {
        [(_, op)] => Ok(op),
        [] => Err(format!(
            "no operation `{name}`{}; the operations are {}",
            api.map(|api| format!(" in {api}")).unwrap_or_default(),
            names(tables)
        )),
        several => Err(format!(
            "`{name}` is an operation of {}: say which with `api`",
            several
                .iter()
                .map(|(a, _)| *a)
                .collect::<Vec<_>>()
                .join(" and ")
        )),
    }
}

fn names(tables: &[(&str, &'static [Operation])]) -> String {
    tables
        .iter()
        .flat_map(|(api, ops)| ops.iter().map(move |op| format!("{api} {}", op.id)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether a request of `method` to `path` is one of `operation`'s. v1's operations are
/// tabled with their JSON path; the XML one (`/verify/xml`) is the same operation.
fn matches(operation: &Operation, method: &str, path: &str) -> bool {
    if operation.http_method != method {
        return false;
    }
    let path = match path.strip_suffix("/xml") {
        Some(stem) if path.starts_with("/verify/") || path == "/verify/xml" => {
            format!("{stem}/json")
        }
        _ => path.to_owned(),
    };
    let mut template = operation.path.split('/');
    let mut actual = path.split('/');
    loop {
        match (template.next(), actual.next()) {
            (None, None) => return true,
            (Some(t), Some(a)) if t == a || (t.starts_with('{') && !a.is_empty()) => {}
            _ => return false,
        }
    }
}

/// The faults waiting, in the order they were injected.
#[derive(Debug, Default)]
pub(crate) struct Faults(Vec<Armed>);

impl Faults {
    pub(crate) fn push(&mut self, armed: Armed) {
        self.0.push(armed);
    }

    /// The faults left, with how many requests each still applies to.
    pub(crate) fn pending(&self) -> Vec<Fault> {
        self.0.iter().map(|armed| armed.fault.clone()).collect()
    }

    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }

    /// The first fault for this request, used once.
    fn take(&mut self, method: &str, path: &str) -> Option<Armed> {
        let index = self
            .0
            .iter()
            .position(|armed| matches(armed.operation, method, path))?;
        let armed = &mut self.0[index];
        armed.fault.times -= 1;
        let taken = armed.clone();
        if armed.fault.times == 0 {
            self.0.remove(index);
        }
        Some(taken)
    }
}

/// Applies the first fault waiting for the request, if any; otherwise hands it on.
pub(crate) async fn inject(State(shared): AppState, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let fault = shared.lock().faults.take(request.method().as_str(), &path);
    let Some(Armed { fault, operation }) = fault else {
        return next.run(request).await;
    };
    tracing::info!(
        "fault on {} {path}: {}",
        request.method(),
        serde_json::to_string(&fault).unwrap_or_default()
    );
    if fault.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(fault.latency_ms)).await;
    }
    if fault.close {
        let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
        response.extensions_mut().insert(Hangup);
        return response;
    }
    let xml = path.ends_with("/xml");
    if fault.malformed {
        return malformed(xml);
    }
    if let (Some(status), Some((operation, root))) = (fault.v1_status, v1_shape(operation)) {
        let text = fault.error_text.clone().unwrap_or_else(|| {
            match status {
                1 => "Throttled",
                5 => "Internal Error",
                _ => "Injected by the mock (a fault a test asked for)",
            }
            .to_owned()
        });
        let format = if xml { Format::Xml } else { Format::Json };
        return Reply::status(operation, root, status, &text, None).into_response(format);
    }
    match fault.status.and_then(|s| StatusCode::from_u16(s).ok()) {
        Some(status) => failure(status, &fault),
        None => next.run(request).await,
    }
}

/// The v1 operation's method name and the root its failures are written under in XML, if it
/// is one of v1's.
fn v1_shape(operation: &Operation) -> Option<(&'static str, &'static str)> {
    if !vonage_verify::v1::raw::OPERATIONS
        .iter()
        .any(|op| op.method_name == operation.method_name && op.path == operation.path)
    {
        return None;
    }
    let root = vonage_verify::spec::xml::shape(vonage_verify::v1::raw::XML, operation.method_name)
        .and_then(|shape| shape.roots.first().copied())
        // Network unblock answers JSON only.
        .unwrap_or("response");
    Some((operation.method_name, root))
}

/// A 200 whose body stops halfway, in the format the request asked for (live XML comes as
/// text/plain).
fn malformed(xml: bool) -> Response {
    let (content_type, body) = if xml {
        (
            "text/plain;charset=UTF-8",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<verify_response><status>0",
        )
    } else {
        (
            "application/json",
            "{\"request_id\": \"c11236f4-00bf-4b89-84ba",
        )
    };
    let mut response = (StatusCode::OK, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// `status` with a problem body: the fault's, or one in the style Vonage documents.
fn failure(status: StatusCode, fault: &Fault) -> Response {
    let anchor = match status.as_u16() {
        429 => "throttled".to_owned(),
        500 => "internal-error".to_owned(),
        _ => status
            .canonical_reason()
            .unwrap_or("error")
            .to_lowercase()
            .replace(' ', "-"),
    };
    let type_url = fault
        .problem_type
        .clone()
        .unwrap_or_else(|| format!("https://developer.vonage.com/api-errors#{anchor}"));
    let title = fault
        .title
        .clone()
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("Error").to_owned());
    let detail = fault
        .detail
        .clone()
        .unwrap_or_else(|| "Injected by the mock (a fault a test asked for).".to_owned());
    let mut response = problem::typed(status, &type_url, &title, &detail, json!({}));
    if let Some(seconds) = fault.retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_are_found_by_id_or_method_name_and_api() {
        assert_eq!(
            operation("newRequest", None).unwrap().method_name,
            "new_request"
        );
        assert_eq!(operation("verify_check", None).unwrap().id, "verifyCheck");
        let error = operation("networkUnblock", None).unwrap_err();
        assert!(error.contains("v1 and v2"), "{error}");
        assert_eq!(
            operation("networkUnblock", Some("v2")).unwrap().path,
            "/v2/verify/network-unblock"
        );
        assert!(
            operation("nothing", None)
                .unwrap_err()
                .contains("v2 checkCode")
        );
        assert!(operation("newRequest", Some("v3")).is_err());
    }

    #[test]
    fn requests_match_their_operation_by_method_and_path() {
        let check = operation("checkCode", None).unwrap();
        assert!(matches(
            check,
            "POST",
            "/v2/verify/c11236f4-00bf-4b89-84ba-88b25df97315"
        ));
        assert!(!matches(check, "DELETE", "/v2/verify/c11236f4"));
        assert!(!matches(check, "POST", "/v2/verify/c11236f4/next_workflow"));
        let v1 = operation("verifyRequest", None).unwrap();
        assert!(matches(v1, "POST", "/verify/json"));
        assert!(matches(v1, "POST", "/verify/xml"));
        assert!(!matches(v1, "POST", "/verify/check/json"));
    }

    #[test]
    fn a_fault_is_one_answer_and_at_least_one_request() {
        assert!(arm(Fault::on("newRequest").status(429).close()).is_err());
        assert!(arm(Fault::on("newRequest").status(200)).is_err());
        assert!(arm(Fault::on("newRequest").times(0)).is_err());
        assert!(arm(Fault::on("newRequest").retry_after(Duration::from_secs(1))).is_err());
        assert!(arm(Fault::on("newRequest").latency(Duration::from_millis(5))).is_ok());
        let nothing = arm(Fault::on("newRequest")).unwrap_err();
        assert!(nothing.contains("give an answer"), "{nothing}");
        assert!(arm(Fault::on("verifyRequest").v1_status(1)).is_ok());
        let v2 = arm(Fault::on("newRequest").v1_status(1)).unwrap_err();
        assert!(v2.contains("for v1's operations"), "{v2}");
        assert!(arm(Fault::on("checkCode").status(500).error_text("x")).is_err());
        let wrong_api = arm(Fault::on("check_code").api("v1").status(500)).unwrap_err();
        assert!(
            wrong_api.starts_with("no operation `check_code` in v1"),
            "{wrong_api}"
        );
    }

    #[test]
    fn faults_are_used_in_order_and_counted_down() {
        let mut faults = Faults::default();
        faults.push(arm(Fault::on("newRequest").times(2).status(503)).unwrap());
        faults.push(arm(Fault::on("newRequest").close()).unwrap());
        let taken: Vec<Fault> = (0..4)
            .filter_map(|_| faults.take("POST", "/v2/verify"))
            .map(|armed| armed.fault)
            .collect();
        assert_eq!(taken.len(), 3);
        assert_eq!(taken[0].status, Some(503));
        assert_eq!(taken[1].status, Some(503));
        assert!(taken[2].close);
        assert!(faults.pending().is_empty());
    }
}
