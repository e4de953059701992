//! Webhook verification against tokens written out literally, made by
//! `tests/fixtures/webhooks/sign.py` (Python's hmac and hashlib, not this crate's signer).
//!
//! Every token is HS256 over `{"alg":"HS256","typ":"JWT"}` unless its name says otherwise,
//! signed with [`SECRET`], with the claims
//! `iat: 1790000000, jti: 0f4e5b6a-1c2d-4e3f-8a9b-0000000000NN, iss: "Vonage",
//! payload_hash: sha256(<body>), api_key: "abcd1234", application_id: APPLICATION_ID`
//! and the differences noted next to it. The verifiers' clock starts at `iat`.

use std::time::{Duration, SystemTime};

use vonage_verify::SignatureSecret;
use vonage_verify::v2::Channel;
use vonage_verify::webhook::{
    self, ActionKind, Error, EventStatus, SilentAuthStatus, StepStatus, SummaryStatus, Verifier,
    Webhook, WebhookChannel,
};

use crate::support::{APPLICATION_ID, ManualClock, PUBLIC_KEY};

const SECRET: &str = "whsec-test-0123456789abcdef0123456789";
const IAT: u64 = 1_790_000_000;

const EVENT: &str = r#"{"request_id":"c11236f4-00bf-4b89-84ba-88b25df97315","triggered_at":"2026-09-21T14:13:20.000Z","type":"event","channel":"sms","status":"completed","finalized_at":"2026-09-21T14:13:25.000Z","client_ref":"order-42"}"#;
const SUMMARY: &str = r#"{"request_id":"c11236f4-00bf-4b89-84ba-88b25df97315","submitted_at":"2026-09-21T14:13:20.000Z","status":"completed","type":"summary","channel_timeout":300,"workflow":[{"channel":"silent_auth","initiated_at":"2026-09-21T14:13:20.000Z","status":"expired"},{"channel":"sms","initiated_at":"2026-09-21T14:15:20.000Z","status":"completed"},{"channel":"voice","status":"unused"}],"price":"0.05"}"#;
const SILENT_OBJECT: &str = r#"{"request_id":"c11236f4-00bf-4b89-84ba-88b25df97315","triggered_at":"2026-09-21T14:13:20.000Z","type":"event","channel":"silent_auth","status":"action_pending","action":{"type":"check","check_url":"https://api.nexmo.com/v2/verify/c11236f4-00bf-4b89-84ba-88b25df97315/silent-auth/redirect"}}"#;
const SILENT_LIST: &str = r#"{"request_id":"c11236f4-00bf-4b89-84ba-88b25df97315","triggered_at":"2026-09-21T14:13:20.000Z","type":"event","channel":"silent_auth","status":"action_pending","action":[{"type":"check","check_url":"https://api.nexmo.com/v2/verify/c11236f4-00bf-4b89-84ba-88b25df97315/silent-auth/redirect"}]}"#;
const CHECK_URL: &str =
    "https://api.nexmo.com/v2/verify/c11236f4-00bf-4b89-84ba-88b25df97315/silent-auth/redirect";

/// jti ..01, over EVENT.
const EVENT_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3OTAwMDAwMDAsImp0aSI6IjBmNGU1YjZhLTFjMmQtNGUzZi04YTliLTAwMDAwMDAwMDAwMSIsImlzcyI6IlZvbmFnZSIsInBheWxvYWRfaGFzaCI6ImVhZWNlMTZhMmY5MmY0YmJmYzMyNGFmNWYxNDBjNmQzNzg1YmYyZWNiZTUyYjVlYTljNDkyMTE5MjU4NmI2MzciLCJhcGlfa2V5IjoiYWJjZDEyMzQiLCJhcHBsaWNhdGlvbl9pZCI6ImFhYWFhYWFhLWJiYmItNGNjYy04ZGRkLTAxMjM0NTY3ODlhYiJ9.cXAkKXlJ7UsgB8PNNCFpdDjRg8OiXt8X0aU5EUw77eo";
/// jti ..02, over SUMMARY.
const SUMMARY_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3OTAwMDAwMDAsImp0aSI6IjBmNGU1YjZhLTFjMmQtNGUzZi04YTliLTAwMDAwMDAwMDAwMiIsImlzcyI6IlZvbmFnZSIsInBheWxvYWRfaGFzaCI6ImEwMWExNzljYmQ3MzY2ZThiOGM2NzVkMWQ0OTliOThmOGZjMGIwNDZjOTRkYTdkYTUzM2MyYjYzYjQ0MjAxZTUiLCJhcGlfa2V5IjoiYWJjZDEyMzQiLCJhcHBsaWNhdGlvbl9pZCI6ImFhYWFhYWFhLWJiYmItNGNjYy04ZGRkLTAxMjM0NTY3ODlhYiJ9.8fNJU3ZD5vJIf8uhrfq1jBHnxG8uC5L1YZL8BsLEmsk";
/// jti ..03, over SILENT_OBJECT.
const SILENT_OBJECT_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3OTAwMDAwMDAsImp0aSI6IjBmNGU1YjZhLTFjMmQtNGUzZi04YTliLTAwMDAwMDAwMDAwMyIsImlzcyI6IlZvbmFnZSIsInBheWxvYWRfaGFzaCI6Ijc1Y2ZmY2ZkNDRjMjcxZTkyYTRlOTkyOWYyNGJjM2I1ZjVmNjRiYzU1NzI0NDQ2N2Y3OTRlZGFlNWIwZjdhZDciLCJhcGlfa2V5IjoiYWJjZDEyMzQiLCJhcHBsaWNhdGlvbl9pZCI6ImFhYWFhYWFhLWJiYmItNGNjYy04ZGRkLTAxMjM0NTY3ODlhYiJ9.KySKnthpD53shf_WdHUXjj4H_WhoqGZqdqPQ3PE0xQQ";
/// jti ..04, over SILENT_LIST.
const SILENT_LIST_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3OTAwMDAwMDAsImp0aSI6IjBmNGU1YjZhLTFjMmQtNGUzZi04YTliLTAwMDAwMDAwMDAwNCIsImlzcyI6IlZvbmFnZSIsInBheWxvYWRfaGFzaCI6ImE5MDc5ZTAxYjFmYjU4MDgwOWNkMWY5ZjMxM2YyZWIzYmIyYzRkYzU3Nzc2OTI5ZjIwZTU2OTk3ZTRhM2RlZmUiLCJhcGlfa2V5IjoiYWJjZDEyMzQiLCJhcHBsaWNhdGlvbl9pZCI6ImFhYWFhYWFhLWJiYmItNGNjYy04ZGRkLTAxMjM0NTY3ODlhYiJ9.DSnYnuHpRvL9Ux5xhkoKJ1k4zZ_gL3cR04B_8dJ_d7A";
/// jti ..05, over EVENT, signed with another secret (`whsec-another-account-0123456789abcd`).
const WRONG_SECRET_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3OTAwMDAwMDAsImp0aSI6IjBmNGU1YjZhLTFjMmQtNGUzZi04YTliLTAwMDAwMDAwMDAwNSIsImlzcyI6IlZvbmFnZSIsInBheWxvYWRfaGFzaCI6ImVhZWNlMTZhMmY5MmY0YmJmYzMyNGFmNWYxNDBjNmQzNzg1YmYyZWNiZTUyYjVlYTljNDkyMTE5MjU4NmI2MzciLCJhcGlfa2V5IjoiYWJjZDEyMzQiLCJhcHBsaWNhdGlvbl9pZCI6ImFhYWFhYWFhLWJiYmItNGNjYy04ZGRkLTAxMjM0NTY3ODlhYiJ9.s0aq8x28EoGA2J-ZgLAhK8obvSe7VAKe1_HRORRf0EY";
/// jti ..06, over EVENT, header `{"alg":"none","typ":"JWT"}` and an empty signature.
const ALG_NONE_TOKEN: &str = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJpYXQiOjE3OTAwMDAwMDAsImp0aSI6IjBmNGU1YjZhLTFjMmQtNGUzZi04YTliLTAwMDAwMDAwMDAwNiIsImlzcyI6IlZvbmFnZSIsInBheWxvYWRfaGFzaCI6ImVhZWNlMTZhMmY5MmY0YmJmYzMyNGFmNWYxNDBjNmQzNzg1YmYyZWNiZTUyYjVlYTljNDkyMTE5MjU4NmI2MzciLCJhcGlfa2V5IjoiYWJjZDEyMzQiLCJhcHBsaWNhdGlvbl9pZCI6ImFhYWFhYWFhLWJiYmItNGNjYy04ZGRkLTAxMjM0NTY3ODlhYiJ9.";
/// jti ..07, over EVENT, header `alg: RS256`, HMAC-SHA256 keyed with the bytes of
/// `tests/fixtures/keys/rsa-public.pem`: the key-confusion attack on verifiers that let the
/// token choose the algorithm.
const RS256_AS_HMAC_TOKEN: &str = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3OTAwMDAwMDAsImp0aSI6IjBmNGU1YjZhLTFjMmQtNGUzZi04YTliLTAwMDAwMDAwMDAwNyIsImlzcyI6IlZvbmFnZSIsInBheWxvYWRfaGFzaCI6ImVhZWNlMTZhMmY5MmY0YmJmYzMyNGFmNWYxNDBjNmQzNzg1YmYyZWNiZTUyYjVlYTljNDkyMTE5MjU4NmI2MzciLCJhcGlfa2V5IjoiYWJjZDEyMzQiLCJhcHBsaWNhdGlvbl9pZCI6ImFhYWFhYWFhLWJiYmItNGNjYy04ZGRkLTAxMjM0NTY3ODlhYiJ9.w_uzajTgr9_lMsbG4p9KytCCmUXZjku1PtCBQhyVDjc";
/// jti ..08, over EVENT, header `alg: HS512`, HMAC-SHA512 with [`SECRET`].
const HS512_TOKEN: &str = "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3OTAwMDAwMDAsImp0aSI6IjBmNGU1YjZhLTFjMmQtNGUzZi04YTliLTAwMDAwMDAwMDAwOCIsImlzcyI6IlZvbmFnZSIsInBheWxvYWRfaGFzaCI6ImVhZWNlMTZhMmY5MmY0YmJmYzMyNGFmNWYxNDBjNmQzNzg1YmYyZWNiZTUyYjVlYTljNDkyMTE5MjU4NmI2MzciLCJhcGlfa2V5IjoiYWJjZDEyMzQiLCJhcHBsaWNhdGlvbl9pZCI6ImFhYWFhYWFhLWJiYmItNGNjYy04ZGRkLTAxMjM0NTY3ODlhYiJ9.YKX3InQTlepW4PABWXWRxUl8msBD52Q5KiwNqXRbS9A_G6tKC_7PbjjNo98k4h9GySzfYTkG7zLbJHVPLw9yOg";
/// jti ..09, no `payload_hash`.
const NO_HASH_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3OTAwMDAwMDAsImp0aSI6IjBmNGU1YjZhLTFjMmQtNGUzZi04YTliLTAwMDAwMDAwMDAwOSIsImlzcyI6IlZvbmFnZSIsImFwaV9rZXkiOiJhYmNkMTIzNCIsImFwcGxpY2F0aW9uX2lkIjoiYWFhYWFhYWEtYmJiYi00Y2NjLThkZGQtMDEyMzQ1Njc4OWFiIn0.de9ebpTsox-FrBakAbEc6-3JYi8iwzIYW_yIazeUqns";
/// jti ..0a, `payload_hash: "sha256:<hex of EVENT>"` (not bare hex).
const BAD_HASH_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3OTAwMDAwMDAsImp0aSI6IjBmNGU1YjZhLTFjMmQtNGUzZi04YTliLTAwMDAwMDAwMDAwYSIsImlzcyI6IlZvbmFnZSIsInBheWxvYWRfaGFzaCI6InNoYTI1NjplYWVjZTE2YTJmOTJmNGJiZmMzMjRhZjVmMTQwYzZkMzc4NWJmMmVjYmU1MmI1ZWE5YzQ5MjExOTI1ODZiNjM3IiwiYXBpX2tleSI6ImFiY2QxMjM0IiwiYXBwbGljYXRpb25faWQiOiJhYWFhYWFhYS1iYmJiLTRjY2MtOGRkZC0wMTIzNDU2Nzg5YWIifQ.En4-nz3-GT0-Z-UKCVc4_t6MZJd3ev-NYY3aq5XM-Y4";
/// jti ..0b, over EVENT, no `iat`.
const NO_IAT_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJqdGkiOiIwZjRlNWI2YS0xYzJkLTRlM2YtOGE5Yi0wMDAwMDAwMDAwMGIiLCJpc3MiOiJWb25hZ2UiLCJwYXlsb2FkX2hhc2giOiJlYWVjZTE2YTJmOTJmNGJiZmMzMjRhZjVmMTQwYzZkMzc4NWJmMmVjYmU1MmI1ZWE5YzQ5MjExOTI1ODZiNjM3IiwiYXBpX2tleSI6ImFiY2QxMjM0IiwiYXBwbGljYXRpb25faWQiOiJhYWFhYWFhYS1iYmJiLTRjY2MtOGRkZC0wMTIzNDU2Nzg5YWIifQ.jTKBKu-_dRMht-PkgyNcV4imzTCeMu2yB_DhbhpocMU";
/// jti ..0c, over EVENT, plus `exp: 1790000060`.
const EXP_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3OTAwMDAwMDAsImp0aSI6IjBmNGU1YjZhLTFjMmQtNGUzZi04YTliLTAwMDAwMDAwMDAwYyIsImlzcyI6IlZvbmFnZSIsInBheWxvYWRfaGFzaCI6ImVhZWNlMTZhMmY5MmY0YmJmYzMyNGFmNWYxNDBjNmQzNzg1YmYyZWNiZTUyYjVlYTljNDkyMTE5MjU4NmI2MzciLCJhcGlfa2V5IjoiYWJjZDEyMzQiLCJhcHBsaWNhdGlvbl9pZCI6ImFhYWFhYWFhLWJiYmItNGNjYy04ZGRkLTAxMjM0NTY3ODlhYiIsImV4cCI6MTc5MDAwMDA2MH0.0SiYfCDaPk4jc43RXa9mIKGUngGnRRsFHQTxRXhvLI4";
/// jti ..0d, over EVENT, no `api_key`.
const NO_API_KEY_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3OTAwMDAwMDAsImp0aSI6IjBmNGU1YjZhLTFjMmQtNGUzZi04YTliLTAwMDAwMDAwMDAwZCIsImlzcyI6IlZvbmFnZSIsInBheWxvYWRfaGFzaCI6ImVhZWNlMTZhMmY5MmY0YmJmYzMyNGFmNWYxNDBjNmQzNzg1YmYyZWNiZTUyYjVlYTljNDkyMTE5MjU4NmI2MzciLCJhcHBsaWNhdGlvbl9pZCI6ImFhYWFhYWFhLWJiYmItNGNjYy04ZGRkLTAxMjM0NTY3ODlhYiJ9.0HwbSHRJ5Iwn13tiD1n61V7-ugE45N4073zgOT34Blc";

/// jti ..0e, over EVENT, `iat: "1790000000"` (a string).
const STRING_IAT_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOiIxNzkwMDAwMDAwIiwianRpIjoiMGY0ZTViNmEtMWMyZC00ZTNmLThhOWItMDAwMDAwMDAwMDBlIiwiaXNzIjoiVm9uYWdlIiwicGF5bG9hZF9oYXNoIjoiZWFlY2UxNmEyZjkyZjRiYmZjMzI0YWY1ZjE0MGM2ZDM3ODViZjJlY2JlNTJiNWVhOWM0OTIxMTkyNTg2YjYzNyIsImFwaV9rZXkiOiJhYmNkMTIzNCIsImFwcGxpY2F0aW9uX2lkIjoiYWFhYWFhYWEtYmJiYi00Y2NjLThkZGQtMDEyMzQ1Njc4OWFiIn0.NaVl6Pdpmo0gn8DB1j5nS6uvpfdBy1axIt19dCOz2iU";
/// jti ..0f, over EVENT, `iat: -1`.
const NEGATIVE_IAT_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOi0xLCJqdGkiOiIwZjRlNWI2YS0xYzJkLTRlM2YtOGE5Yi0wMDAwMDAwMDAwMGYiLCJpc3MiOiJWb25hZ2UiLCJwYXlsb2FkX2hhc2giOiJlYWVjZTE2YTJmOTJmNGJiZmMzMjRhZjVmMTQwYzZkMzc4NWJmMmVjYmU1MmI1ZWE5YzQ5MjExOTI1ODZiNjM3IiwiYXBpX2tleSI6ImFiY2QxMjM0IiwiYXBwbGljYXRpb25faWQiOiJhYWFhYWFhYS1iYmJiLTRjY2MtOGRkZC0wMTIzNDU2Nzg5YWIifQ.iH4VcOUg9EDJoxh-ca4zpWNudL72SjHD3NPCtCxAXpU";
/// jti ..10, over EVENT, `iat: 18446744073709551615` (u64::MAX).
const HUGE_IAT_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE4NDQ2NzQ0MDczNzA5NTUxNjE1LCJqdGkiOiIwZjRlNWI2YS0xYzJkLTRlM2YtOGE5Yi0wMDAwMDAwMDAwMTAiLCJpc3MiOiJWb25hZ2UiLCJwYXlsb2FkX2hhc2giOiJlYWVjZTE2YTJmOTJmNGJiZmMzMjRhZjVmMTQwYzZkMzc4NWJmMmVjYmU1MmI1ZWE5YzQ5MjExOTI1ODZiNjM3IiwiYXBpX2tleSI6ImFiY2QxMjM0IiwiYXBwbGljYXRpb25faWQiOiJhYWFhYWFhYS1iYmJiLTRjY2MtOGRkZC0wMTIzNDU2Nzg5YWIifQ.wYbMwRl2rEngCLNnokFKEjvsDLIMEG-xDhFLGQbKhYk";
/// jti ..11, over EVENT, `iat: 1790000000.5`.
const FRACTIONAL_IAT_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3OTAwMDAwMDAuNSwianRpIjoiMGY0ZTViNmEtMWMyZC00ZTNmLThhOWItMDAwMDAwMDAwMDExIiwiaXNzIjoiVm9uYWdlIiwicGF5bG9hZF9oYXNoIjoiZWFlY2UxNmEyZjkyZjRiYmZjMzI0YWY1ZjE0MGM2ZDM3ODViZjJlY2JlNTJiNWVhOWM0OTIxMTkyNTg2YjYzNyIsImFwaV9rZXkiOiJhYmNkMTIzNCIsImFwcGxpY2F0aW9uX2lkIjoiYWFhYWFhYWEtYmJiYi00Y2NjLThkZGQtMDEyMzQ1Njc4OWFiIn0.Ko-vc9lkUXkR1aEtNA0PYR4OL31rTd_Fx0J63ZmyYi8";
/// jti ..12, over EVENT, header `{"alg":"HS256","typ":"JWT","crit":["exp"]}`.
const CRIT_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImNyaXQiOlsiZXhwIl19.eyJpYXQiOjE3OTAwMDAwMDAsImp0aSI6IjBmNGU1YjZhLTFjMmQtNGUzZi04YTliLTAwMDAwMDAwMDAxMiIsImlzcyI6IlZvbmFnZSIsInBheWxvYWRfaGFzaCI6ImVhZWNlMTZhMmY5MmY0YmJmYzMyNGFmNWYxNDBjNmQzNzg1YmYyZWNiZTUyYjVlYTljNDkyMTE5MjU4NmI2MzciLCJhcGlfa2V5IjoiYWJjZDEyMzQiLCJhcHBsaWNhdGlvbl9pZCI6ImFhYWFhYWFhLWJiYmItNGNjYy04ZGRkLTAxMjM0NTY3ODlhYiJ9.E6lQv3n12SK6jRmXLop09zasFOHkJx6JGTNN_cBS018";
/// jti ..13, over EVENT, `api_key: null`.
const NULL_API_KEY_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3OTAwMDAwMDAsImp0aSI6IjBmNGU1YjZhLTFjMmQtNGUzZi04YTliLTAwMDAwMDAwMDAxMyIsImlzcyI6IlZvbmFnZSIsInBheWxvYWRfaGFzaCI6ImVhZWNlMTZhMmY5MmY0YmJmYzMyNGFmNWYxNDBjNmQzNzg1YmYyZWNiZTUyYjVlYTljNDkyMTE5MjU4NmI2MzciLCJhcHBsaWNhdGlvbl9pZCI6ImFhYWFhYWFhLWJiYmItNGNjYy04ZGRkLTAxMjM0NTY3ODlhYiIsImFwaV9rZXkiOm51bGx9.6imdAECE73ZaUIpCa7p7QWFI73ZHRbF3IL07wESJlag";
/// jti ..14, over EVENT, HMAC keyed with the empty string.
const EMPTY_KEY_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3OTAwMDAwMDAsImp0aSI6IjBmNGU1YjZhLTFjMmQtNGUzZi04YTliLTAwMDAwMDAwMDAxNCIsImlzcyI6IlZvbmFnZSIsInBheWxvYWRfaGFzaCI6ImVhZWNlMTZhMmY5MmY0YmJmYzMyNGFmNWYxNDBjNmQzNzg1YmYyZWNiZTUyYjVlYTljNDkyMTE5MjU4NmI2MzciLCJhcGlfa2V5IjoiYWJjZDEyMzQiLCJhcHBsaWNhdGlvbl9pZCI6ImFhYWFhYWFhLWJiYmItNGNjYy04ZGRkLTAxMjM0NTY3ODlhYiJ9.six_X6-rkQKS26wEmKlwEpnZBOZnpKoGZdqK6vVQFqg";
/// jti ..15, over EVENT, plus `nbf: 1790000600` (ten minutes after `iat`).
const NBF_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3OTAwMDAwMDAsImp0aSI6IjBmNGU1YjZhLTFjMmQtNGUzZi04YTliLTAwMDAwMDAwMDAxNSIsImlzcyI6IlZvbmFnZSIsInBheWxvYWRfaGFzaCI6ImVhZWNlMTZhMmY5MmY0YmJmYzMyNGFmNWYxNDBjNmQzNzg1YmYyZWNiZTUyYjVlYTljNDkyMTE5MjU4NmI2MzciLCJhcGlfa2V5IjoiYWJjZDEyMzQiLCJhcHBsaWNhdGlvbl9pZCI6ImFhYWFhYWFhLWJiYmItNGNjYy04ZGRkLTAxMjM0NTY3ODlhYiIsIm5iZiI6MTc5MDAwMDYwMH0.I7korX_oZCXaXTkLblVHC9qmB0h0XwSz5RXr2Xhjsp8";

/// A verifier for [`SECRET`] whose clock reads `iat + offset` seconds.
fn verifier_at(offset: i64) -> Verifier {
    let clock = ManualClock::new();
    if offset >= 0 {
        clock.advance(Duration::from_secs(offset.unsigned_abs()));
    } else {
        clock.rewind(Duration::from_secs(offset.unsigned_abs()));
    }
    Verifier::new(SignatureSecret::new(SECRET)).clock(clock)
}

fn verifier() -> Verifier {
    verifier_at(30)
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

#[test]
fn the_clock_of_the_fixtures_is_their_iat() {
    use vonage_verify::Clock;
    assert_eq!(
        ManualClock::new().now(),
        SystemTime::UNIX_EPOCH + Duration::from_secs(IAT)
    );
}

#[test]
fn an_event_is_accepted_and_parsed_with_its_claims() {
    let verified = verifier()
        .issuer(webhook::VONAGE_ISSUER)
        .api_key("abcd1234")
        .application_id(APPLICATION_ID)
        .verify_and_parse(&bearer(EVENT_TOKEN), EVENT.as_bytes())
        .expect("a genuine event");
    let claims = &verified.claims;
    assert_eq!(
        claims.issued_at,
        SystemTime::UNIX_EPOCH + Duration::from_secs(IAT)
    );
    assert_eq!(
        claims.jti.as_deref(),
        Some("0f4e5b6a-1c2d-4e3f-8a9b-000000000001")
    );
    assert_eq!(claims.iss.as_deref(), Some("Vonage"));
    assert_eq!(claims.api_key.as_deref(), Some("abcd1234"));
    assert_eq!(claims.application_id.as_deref(), Some(APPLICATION_ID));
    assert_eq!(claims.expires_at, None);

    let Webhook::Event(event) = verified.webhook else {
        panic!("not an event: {:?}", verified.webhook)
    };
    assert_eq!(event.request_id, "c11236f4-00bf-4b89-84ba-88b25df97315");
    assert_eq!(event.channel, WebhookChannel::Known(Channel::Sms));
    assert_eq!(event.status, EventStatus::Completed);
    assert_eq!(event.triggered_at.to_rfc3339(), "2026-09-21T14:13:20+00:00");
    assert_eq!(event.finalized_at.to_rfc3339(), "2026-09-21T14:13:25+00:00");
    assert_eq!(event.client_ref.as_deref(), Some("order-42"));
}

#[test]
fn a_summary_is_accepted_and_parsed_ignoring_unknown_fields() {
    let verified = verifier()
        .verify_and_parse(&bearer(SUMMARY_TOKEN), SUMMARY.as_bytes())
        .expect("a genuine summary");
    let Webhook::Summary(summary) = verified.webhook else {
        panic!("not a summary: {:?}", verified.webhook)
    };
    assert_eq!(summary.status, SummaryStatus::Completed);
    assert_eq!(summary.channel_timeout, 300);
    assert_eq!(summary.finalized_at, None);
    let steps: Vec<_> = summary
        .workflow
        .iter()
        .map(|step| {
            (
                step.channel.as_ref().map(WebhookChannel::as_str),
                step.status.clone(),
                step.initiated_at.is_some(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            (Some("silent_auth"), Some(StepStatus::Expired), true),
            (Some("sms"), Some(StepStatus::Completed), true),
            (Some("voice"), Some(StepStatus::Unused), false),
        ]
    );
}

#[test]
fn silent_auth_updates_are_accepted_with_the_action_as_an_object_or_a_list() {
    for (token, body) in [
        (SILENT_OBJECT_TOKEN, SILENT_OBJECT),
        (SILENT_LIST_TOKEN, SILENT_LIST),
    ] {
        let verified = verifier()
            .verify_and_parse(&bearer(token), body.as_bytes())
            .expect("a genuine silent-auth update");
        let Webhook::SilentAuth(update) = verified.webhook else {
            panic!("not a silent-auth update: {:?}", verified.webhook)
        };
        assert_eq!(update.status, SilentAuthStatus::ActionPending);
        assert_eq!(update.actions.len(), 1);
        assert_eq!(update.actions[0].kind, Some(ActionKind::Check));
        assert_eq!(update.check_url(), Some(CHECK_URL));
    }
}

#[test]
fn a_body_reformatted_in_transit_still_matches_its_compact_hash() {
    // EVENT with whitespace between its tokens: the compact form is what the token hashes.
    let pretty = EVENT
        .replace("\",\"", "\",\n  \"")
        .replace("\":\"", "\": \"");
    assert_ne!(pretty, EVENT);
    verifier()
        .verify(&bearer(EVENT_TOKEN), pretty.as_bytes())
        .expect("the same JSON, spaced out");
    // Whitespace inside a string is content, not formatting.
    let inside = EVENT.replace("order-42", "order 42");
    assert!(matches!(
        verifier().verify(&bearer(EVENT_TOKEN), inside.as_bytes()),
        Err(Error::PayloadHash)
    ));
}

#[test]
fn a_tampered_body_is_refused() {
    let tampered = EVENT.replace("\"completed\"", "\"failed\"");
    let refused = verifier().verify_and_parse(&bearer(EVENT_TOKEN), tampered.as_bytes());
    assert!(matches!(refused, Err(Error::PayloadHash)), "{refused:?}");
    // The body of another genuine callback is no better.
    let swapped = verifier().verify(&bearer(EVENT_TOKEN), SUMMARY.as_bytes());
    assert!(matches!(swapped, Err(Error::PayloadHash)), "{swapped:?}");
}

#[test]
fn tampered_claims_break_the_signature() {
    // Swap the claims of one genuine token into another's header and signature.
    let mut event = EVENT_TOKEN.split('.');
    let mut summary = SUMMARY_TOKEN.split('.');
    let forged = format!(
        "{}.{}.{}",
        event.next().unwrap(),
        summary.nth(1).unwrap(),
        event.nth(1).unwrap()
    );
    let refused = verifier().verify(&bearer(&forged), SUMMARY.as_bytes());
    assert!(matches!(refused, Err(Error::Signature)), "{refused:?}");
}

#[test]
fn the_wrong_secret_is_refused() {
    let refused = verifier().verify(&bearer(WRONG_SECRET_TOKEN), EVENT.as_bytes());
    assert!(matches!(refused, Err(Error::Signature)), "{refused:?}");
    let other = Verifier::new(SignatureSecret::new("whsec-another-account-0123456789abcd"))
        .clock(ManualClock::new());
    let refused = other.verify(&bearer(EVENT_TOKEN), EVENT.as_bytes());
    assert!(matches!(refused, Err(Error::Signature)), "{refused:?}");
}

#[test]
fn alg_none_is_refused() {
    let refused = verifier().verify(&bearer(ALG_NONE_TOKEN), EVENT.as_bytes());
    assert!(
        matches!(&refused, Err(Error::Algorithm { alg }) if alg == "none"),
        "{refused:?}"
    );
}

#[test]
fn rs256_signed_with_the_public_key_as_an_hmac_secret_is_refused() {
    // A verifier that lets the token pick the algorithm and is handed the public key would
    // accept this token: the signature is a valid HMAC under that key.
    let confused = Verifier::new(SignatureSecret::new(PUBLIC_KEY)).clock(ManualClock::new());
    let refused = confused.verify(&bearer(RS256_AS_HMAC_TOKEN), EVENT.as_bytes());
    assert!(
        matches!(&refused, Err(Error::Algorithm { alg }) if alg == "RS256"),
        "{refused:?}"
    );
}

#[test]
fn other_hmac_algorithms_are_refused_even_with_the_right_secret() {
    let refused = verifier().verify(&bearer(HS512_TOKEN), EVENT.as_bytes());
    assert!(
        matches!(&refused, Err(Error::Algorithm { alg }) if alg == "HS512"),
        "{refused:?}"
    );
}

#[test]
fn iat_must_be_within_the_window_either_way() {
    let token = bearer(EVENT_TOKEN);
    let body = EVENT.as_bytes();
    // Five minutes by default, inclusive.
    verifier_at(300)
        .verify(&token, body)
        .expect("five minutes old");
    verifier_at(-300)
        .verify(&token, body)
        .expect("five minutes ahead");
    let stale = verifier_at(301).verify(&token, body);
    assert!(
        matches!(stale, Err(Error::Stale { age, window }) if age.as_secs() == 301 && window.as_secs() == 300),
        "{stale:?}"
    );
    let future = verifier_at(-301).verify(&token, body);
    assert!(
        matches!(future, Err(Error::IssuedInFuture { ahead, .. }) if ahead.as_secs() == 301),
        "{future:?}"
    );
    // A configured window.
    let narrow = verifier_at(61).window(Duration::from_secs(60));
    assert!(matches!(
        narrow.verify(&token, body),
        Err(Error::Stale { .. })
    ));
    verifier_at(3600)
        .window(Duration::from_secs(3600))
        .verify(&token, body)
        .expect("an hour old, an hour allowed");
}

#[test]
fn exp_is_not_required_but_is_honoured() {
    // EVENT_TOKEN has no exp and is accepted (above); EXP_TOKEN expires at iat + 60.
    let token = bearer(EXP_TOKEN);
    let claims = verifier_at(59).verify(&token, EVENT.as_bytes()).unwrap();
    assert_eq!(
        claims.expires_at,
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(IAT + 60))
    );
    // A minute of leeway for clock skew, inclusive.
    verifier_at(120).verify(&token, EVENT.as_bytes()).unwrap();
    let expired = verifier_at(121).verify(&token, EVENT.as_bytes());
    assert!(
        matches!(expired, Err(Error::Expired { ago }) if ago.as_secs() == 61),
        "{expired:?}"
    );
}

#[test]
fn a_token_is_not_taken_before_its_nbf() {
    // RFC 7519: not before `nbf`, with the minute of leeway `exp` has for clock skew. (The
    // window is widened so that `iat`, ten minutes before `nbf`, is not what refuses it.)
    let token = bearer(NBF_TOKEN);
    let at = |offset| verifier_at(offset).window(Duration::from_secs(3600));
    let early = at(539).verify(&token, EVENT.as_bytes());
    assert!(
        matches!(early, Err(Error::NotYetValid { ahead }) if ahead.as_secs() == 61),
        "{early:?}"
    );
    assert!(!early.unwrap_err().to_string().contains(NBF_TOKEN));
    let claims = at(540).verify(&token, EVENT.as_bytes()).unwrap();
    assert_eq!(
        claims.not_before,
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(IAT + 600))
    );
    at(600).verify(&token, EVENT.as_bytes()).unwrap();
}

#[test]
fn numeric_dates_are_checked_without_panicking() {
    let body = EVENT.as_bytes();
    for (token, reason) in [
        (STRING_IAT_TOKEN, "not a number of seconds"),
        (NEGATIVE_IAT_TOKEN, "out of range"),
        (HUGE_IAT_TOKEN, "out of range"),
    ] {
        let refused = verifier().verify_token(token, body);
        assert!(
            matches!(refused, Err(Error::InvalidClaim { claim: "iat", reason: r }) if r == reason),
            "{refused:?}"
        );
    }
    // RFC 7519 allows fractional seconds.
    let claims = verifier().verify_token(FRACTIONAL_IAT_TOKEN, body).unwrap();
    assert_eq!(
        claims.issued_at,
        SystemTime::UNIX_EPOCH + Duration::from_millis(IAT * 1000 + 500)
    );
}

#[test]
fn null_claims_count_as_absent() {
    let claims = verifier()
        .verify_token(NULL_API_KEY_TOKEN, EVENT.as_bytes())
        .unwrap();
    assert_eq!(claims.api_key, None);
    let expected = verifier()
        .api_key("abcd1234")
        .verify_token(NULL_API_KEY_TOKEN, EVENT.as_bytes());
    assert!(
        matches!(expected, Err(Error::MissingClaim { claim: "api_key" })),
        "{expected:?}"
    );
}

#[test]
fn critical_header_extensions_are_refused() {
    let refused = verifier().verify_token(CRIT_TOKEN, EVENT.as_bytes());
    assert!(
        matches!(refused, Err(Error::Malformed { reason }) if reason.contains("critical")),
        "{refused:?}"
    );
}

#[test]
fn an_empty_secret_refuses_everything_even_tokens_signed_with_it() {
    let empty = Verifier::new(SignatureSecret::new("")).clock(ManualClock::new());
    let refused = empty.verify_token(EMPTY_KEY_TOKEN, EVENT.as_bytes());
    assert!(matches!(refused, Err(Error::EmptySecret)), "{refused:?}");
    // The token itself is a valid HMAC under the empty key, so only the emptiness check stops it.
    let config = vonage_verify::Client::builder()
        .signature_secret(SignatureSecret::new(""))
        .build();
    assert!(
        matches!(&config, Err(vonage_verify::Error::Config(_))),
        "{config:?}"
    );
}

#[test]
fn payload_hash_must_be_present_and_hex() {
    let missing = verifier().verify(&bearer(NO_HASH_TOKEN), EVENT.as_bytes());
    assert!(
        matches!(
            missing,
            Err(Error::MissingClaim {
                claim: "payload_hash"
            })
        ),
        "{missing:?}"
    );
    let malformed = verifier().verify(&bearer(BAD_HASH_TOKEN), EVENT.as_bytes());
    assert!(
        matches!(
            malformed,
            Err(Error::InvalidClaim {
                claim: "payload_hash",
                ..
            })
        ),
        "{malformed:?}"
    );
    let no_iat = verifier().verify(&bearer(NO_IAT_TOKEN), EVENT.as_bytes());
    assert!(
        matches!(no_iat, Err(Error::MissingClaim { claim: "iat" })),
        "{no_iat:?}"
    );
}

#[test]
fn the_api_key_issuer_and_application_are_checked_when_expected() {
    let token = bearer(EVENT_TOKEN);
    let body = EVENT.as_bytes();
    let wrong_key = verifier().api_key("efgh5678").verify(&token, body);
    assert!(matches!(wrong_key, Err(Error::ApiKey)), "{wrong_key:?}");
    // A prefix of the right key is not the right key.
    let prefix = verifier().api_key("abcd").verify(&token, body);
    assert!(matches!(prefix, Err(Error::ApiKey)), "{prefix:?}");
    let absent = verifier()
        .api_key("abcd1234")
        .verify(&bearer(NO_API_KEY_TOKEN), body);
    assert!(
        matches!(absent, Err(Error::MissingClaim { claim: "api_key" })),
        "{absent:?}"
    );
    // Not expected, not checked.
    verifier().verify(&bearer(NO_API_KEY_TOKEN), body).unwrap();

    let issuer = verifier().issuer("Nexmo").verify(&token, body);
    assert!(matches!(issuer, Err(Error::Issuer)), "{issuer:?}");
    let application = verifier()
        .application_id("ffffffff-bbbb-4ccc-8ddd-0123456789ab")
        .verify(&token, body);
    assert!(
        matches!(application, Err(Error::ApplicationId)),
        "{application:?}"
    );
}

#[test]
fn malformed_headers_and_tokens_are_refused_by_kind() {
    let body = EVENT.as_bytes();
    let v = verifier();
    assert!(matches!(v.verify("", body), Err(Error::MissingToken)));
    assert!(matches!(
        v.verify("Bearer ", body),
        Err(Error::MissingToken)
    ));
    assert!(matches!(v.verify(EVENT_TOKEN, body), Err(Error::NotBearer)));
    assert!(matches!(
        v.verify(&format!("Basic {EVENT_TOKEN}"), body),
        Err(Error::NotBearer)
    ));
    // Lower-case scheme and extra spaces are fine.
    v.verify(&format!("bearer   {EVENT_TOKEN}"), body).unwrap();
    v.verify_token(EVENT_TOKEN, body).unwrap();
    for token in [
        "abc",
        "a.b",
        "a.b.c.d",
        "!!!.???.***",
        &format!("{EVENT_TOKEN}x!"),
        &"a".repeat(9000),
    ] {
        let refused = v.verify_token(token, body);
        assert!(
            matches!(refused, Err(Error::Malformed { .. })),
            "{token}: {refused:?}"
        );
    }
}

#[test]
fn headers_give_the_same_answers() {
    use http::header::{AUTHORIZATION, HeaderMap, HeaderValue};
    let body = EVENT.as_bytes();
    let mut headers = HeaderMap::new();
    assert!(matches!(
        verifier().verify_headers(&headers, body),
        Err(Error::MissingToken)
    ));
    headers.insert(
        AUTHORIZATION,
        HeaderValue::from_str(&bearer(EVENT_TOKEN)).unwrap(),
    );
    verifier().verify_headers(&headers, body).unwrap();
    // A value that is not visible ASCII cannot be a bearer token.
    let mut odd = HeaderMap::new();
    odd.insert(
        AUTHORIZATION,
        HeaderValue::from_bytes(b"Bearer \xff").unwrap(),
    );
    assert!(matches!(
        verifier().verify_headers(&odd, body),
        Err(Error::NotBearer)
    ));
    // Two Authorization headers are ambiguous.
    headers.append(
        AUTHORIZATION,
        HeaderValue::from_str(&bearer(EVENT_TOKEN)).unwrap(),
    );
    assert!(matches!(
        verifier().verify_headers(&headers, body),
        Err(Error::NotBearer)
    ));
}

#[test]
fn refusals_never_show_the_secret_or_the_token() {
    let cases = [
        verifier().verify(&bearer(WRONG_SECRET_TOKEN), EVENT.as_bytes()),
        verifier().verify(&bearer(EVENT_TOKEN), b"{}"),
        verifier()
            .api_key("efgh5678")
            .verify(&bearer(EVENT_TOKEN), EVENT.as_bytes()),
        verifier_at(1000).verify(&bearer(EVENT_TOKEN), EVENT.as_bytes()),
        verifier().verify(&bearer(ALG_NONE_TOKEN), EVENT.as_bytes()),
    ];
    let signature = EVENT_TOKEN.rsplit('.').next().unwrap();
    for case in cases {
        let error = case.expect_err("refused");
        for shown in [error.to_string(), format!("{error:?}")] {
            for secret in [SECRET, EVENT_TOKEN, signature, "efgh5678"] {
                assert!(!shown.contains(secret), "{shown}");
            }
        }
    }
    assert!(!format!("{:?}", verifier()).contains(SECRET));
}

#[test]
fn parse_tells_the_kinds_apart_and_keeps_unknown_values() {
    let unknown_status = EVENT
        .replace("\"completed\"", "\"escalated\"")
        .replace("\"sms\"", "\"carrier_pigeon\"");
    let Webhook::Event(event) = webhook::parse(unknown_status.as_bytes()).unwrap() else {
        panic!("an event")
    };
    assert_eq!(event.status, EventStatus::Unknown("escalated".into()));
    assert_eq!(
        event.channel,
        WebhookChannel::Unknown("carrier_pigeon".into())
    );
    assert_eq!(event.channel.as_str(), "carrier_pigeon");

    let kind = webhook::parse(br#"{"type":"audit","request_id":"r-1"}"#).unwrap();
    assert!(matches!(&kind, Webhook::Other { kind, .. } if kind == "audit"));
    assert_eq!(kind.request_id(), Some("r-1"));

    let blocked = SUMMARY.replace(
        r#"{"channel":"voice","status":"unused"}"#,
        r#"{"channel":"voice","status":"blocked","reason":"Fraudulent traffic"}"#,
    );
    let Webhook::Summary(summary) = webhook::parse(blocked.as_bytes()).unwrap() else {
        panic!("a summary")
    };
    assert_eq!(summary.workflow[2].status, Some(StepStatus::Blocked));
    assert_eq!(
        summary.workflow[2].reason.as_deref(),
        Some("Fraudulent traffic")
    );
}

#[test]
fn parse_refuses_bodies_that_lack_what_the_spec_requires() {
    for (body, kind) in [
        (&b"not json"[..], "callback"),
        (br#"{"type":"event","channel":"sms"}"#, "event"),
        (br#"{"type":"summary","request_id":"r"}"#, "summary"),
        (
            br#"{"type":"event","channel":"silent_auth","status":"completed"}"#,
            "silent-auth update",
        ),
        (br#"[1,2]"#, "callback"),
    ] {
        let refused = webhook::parse(body);
        assert!(
            matches!(&refused, Err(Error::Payload { webhook, .. }) if *webhook == kind),
            "{refused:?}"
        );
        assert!(!refused.unwrap_err().is_unauthenticated());
    }
}

#[test]
fn a_client_builds_a_verifier_with_its_secret_and_clock() {
    let client = vonage_verify::Client::builder()
        .api_key(vonage_verify::ApiKey::new("efgh5678", "secret"))
        .signature_secret(SignatureSecret::new(SECRET))
        .clock(ManualClock::new())
        .build()
        .unwrap();
    let verifier = client.webhook_verifier().unwrap();
    // The client's clock: the fixtures' iat is long past on the system clock.
    verifier
        .verify(&bearer(EVENT_TOKEN), EVENT.as_bytes())
        .expect("the client's secret, at iat");
    // The api_key claim is checked only when asked for.
    let refused = verifier
        .api_key("efgh5678")
        .verify(&bearer(EVENT_TOKEN), EVENT.as_bytes());
    assert!(matches!(refused, Err(Error::ApiKey)), "{refused:?}");

    let without = vonage_verify::Client::builder().build().unwrap();
    assert!(matches!(
        without.webhook_verifier(),
        Err(vonage_verify::Error::MissingCredentials { .. })
    ));
}

#[cfg(feature = "testing")]
mod signer {
    use super::*;
    use vonage_verify::webhook::testing::Signer;

    #[test]
    fn signed_callbacks_verify_and_carry_the_claims() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(IAT);
        let signer = Signer::new(SignatureSecret::new(SECRET), "abcd1234")
            .application_id(APPLICATION_ID)
            .issued_at(at);
        let verifier = verifier()
            .issuer(webhook::VONAGE_ISSUER)
            .api_key("abcd1234")
            .application_id(APPLICATION_ID);
        let first = verifier
            .verify_and_parse(
                &signer.authorization(SUMMARY.as_bytes()),
                SUMMARY.as_bytes(),
            )
            .unwrap();
        assert!(matches!(first.webhook, Webhook::Summary(_)));
        assert_eq!(first.claims.issued_at, at);
        let second = verifier
            .verify(
                &signer.authorization(SUMMARY.as_bytes()),
                SUMMARY.as_bytes(),
            )
            .unwrap();
        assert_ne!(first.claims.jti, second.jti, "a fresh jti per token");

        // What it signs, the literal fixtures' verifier refuses when altered.
        let token = signer.sign(EVENT.as_bytes());
        assert!(matches!(
            verifier.verify_token(&token, SUMMARY.as_bytes()),
            Err(Error::PayloadHash)
        ));
        let other = Signer::new(SignatureSecret::new("another"), "abcd1234").issued_at(at);
        assert!(matches!(
            verifier.verify_token(&other.sign(EVENT.as_bytes()), EVENT.as_bytes()),
            Err(Error::Signature)
        ));
    }

    #[test]
    fn the_signer_writes_the_same_header_and_claims_as_the_fixtures() {
        let token = Signer::new(SignatureSecret::new(SECRET), "abcd1234")
            .application_id(APPLICATION_ID)
            .issued_at(SystemTime::UNIX_EPOCH + Duration::from_secs(IAT))
            .sign(EVENT.as_bytes());
        let fixture: Vec<_> = EVENT_TOKEN.split('.').collect();
        let ours: Vec<_> = token.split('.').collect();
        assert_eq!(ours[0], fixture[0], "the same JOSE header");
        let decode = |part: &str| -> serde_json::Value {
            use base64::Engine;
            let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(part)
                .unwrap();
            serde_json::from_slice(&bytes).unwrap()
        };
        let (mut ours, mut fixture) = (decode(ours[1]), decode(fixture[1]));
        ours["jti"] = serde_json::Value::Null;
        fixture["jti"] = serde_json::Value::Null;
        assert_eq!(ours, fixture);
    }
}

#[cfg(feature = "axum")]
mod extractor {
    use axum::Router;
    use axum::extract::DefaultBodyLimit;
    use axum::http::StatusCode;
    use axum::routing::post;
    use tokio::sync::mpsc;
    use vonage_verify::webhook::{Rejection, Verified};

    use super::*;

    #[derive(Clone)]
    struct State {
        verifier: Verifier,
        seen: mpsc::UnboundedSender<Verified>,
    }

    impl axum::extract::FromRef<State> for Verifier {
        fn from_ref(state: &State) -> Verifier {
            state.verifier.clone()
        }
    }

    async fn handler(
        axum::extract::State(state): axum::extract::State<State>,
        verified: Verified,
    ) -> StatusCode {
        state.seen.send(verified).unwrap();
        StatusCode::NO_CONTENT
    }

    /// Takes every callback, and says what the extractor made of it.
    async fn lenient(verified: Result<Verified, Rejection>) -> (StatusCode, String) {
        match verified {
            Ok(verified) => (StatusCode::NO_CONTENT, format!("{:?}", verified.claims.jti)),
            Err(Rejection::Undecodable {
                claims,
                body,
                error,
            }) => (
                StatusCode::OK,
                format!(
                    "kept {} bytes from {:?}: {error}",
                    body.len(),
                    claims.api_key
                ),
            ),
            Err(rejection) => (StatusCode::FORBIDDEN, rejection.to_string()),
        }
    }

    /// A receiver on 127.0.0.1 with a 4 KiB body limit; its URL and what its handler saw.
    async fn receiver() -> (String, mpsc::UnboundedReceiver<Verified>) {
        let (seen, received) = mpsc::unbounded_channel();
        let app = Router::new()
            .route("/webhooks", post(handler))
            .route("/lenient", post(lenient))
            .layer(DefaultBodyLimit::max(4096))
            .with_state(State {
                verifier: verifier(),
                seen,
            });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/webhooks", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (url, received)
    }

    async fn post_to(url: &str, authorization: Option<&str>, body: &str) -> (StatusCode, String) {
        let mut request = reqwest::Client::new()
            .post(url)
            .header("content-type", "application/json")
            .body(body.to_owned());
        if let Some(authorization) = authorization {
            request = request.header("authorization", authorization);
        }
        let response = request.send().await.unwrap();
        let status = StatusCode::from_u16(response.status().as_u16()).unwrap();
        (status, response.text().await.unwrap())
    }

    #[tokio::test]
    async fn the_extractor_verifies_and_parses_in_one_step() {
        let (url, mut received) = receiver().await;
        let (status, _) = post_to(&url, Some(&bearer(SUMMARY_TOKEN)), SUMMARY).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let verified = received.recv().await.unwrap();
        assert!(matches!(verified.webhook, Webhook::Summary(_)));
        assert_eq!(verified.claims.api_key.as_deref(), Some("abcd1234"));
    }

    #[tokio::test]
    async fn the_extractor_refuses_without_reaching_the_handler() {
        let (url, mut received) = receiver().await;
        for (authorization, body, expected) in [
            (None, EVENT, StatusCode::UNAUTHORIZED),
            (
                Some(bearer(WRONG_SECRET_TOKEN)),
                EVENT,
                StatusCode::UNAUTHORIZED,
            ),
            (
                Some(bearer(ALG_NONE_TOKEN)),
                EVENT,
                StatusCode::UNAUTHORIZED,
            ),
            (Some(bearer(EVENT_TOKEN)), SUMMARY, StatusCode::UNAUTHORIZED),
        ] {
            let (status, text) = post_to(&url, authorization.as_deref(), body).await;
            assert_eq!(status, expected, "{authorization:?}");
            assert_eq!(text, "unauthorized", "the reason stays in the log");
        }
        let oversized = format!("{{\"padding\":\"{}\"}}", "x".repeat(5000));
        let (status, _) = post_to(&url, Some(&bearer(EVENT_TOKEN)), &oversized).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(
            received.try_recv().is_err(),
            "no refused callback reached the handler"
        );
    }

    #[cfg(feature = "testing")]
    #[tokio::test]
    async fn a_genuine_but_undecodable_body_is_a_bad_request() {
        let (url, mut received) = receiver().await;
        let body = r#"{"type":"event","channel":"sms"}"#;
        let authorization = webhook::testing::Signer::new(SignatureSecret::new(SECRET), "abcd1234")
            .issued_at(SystemTime::UNIX_EPOCH + Duration::from_secs(IAT))
            .authorization(body.as_bytes());
        let (status, text) = post_to(&url, Some(&authorization), body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(text.contains("event body cannot be decoded"), "{text}");
        assert!(received.try_recv().is_err());

        // A handler that takes the Result keeps the genuine body and its claims.
        let lenient = url.replace("/webhooks", "/lenient");
        let (status, text) = post_to(&lenient, Some(&authorization), body).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            text.starts_with("kept 32 bytes from Some(\"abcd1234\")"),
            "{text}"
        );
        let (status, text) = post_to(&lenient, Some(&bearer(WRONG_SECRET_TOKEN)), EVENT).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(
            text,
            "callback refused: the token's signature does not match the signature secret"
        );
    }
}
