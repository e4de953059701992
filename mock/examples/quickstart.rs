//! A whole two-factor flow on Verify v2 and then v1: start, get the code, a wrong check, the
//! right check, and the verification's state.
//!
//! ```text
//! cargo run -p vonage-verify-mock --example quickstart
//! ```
//!
//! With no `VONAGE_*` credentials in the environment it runs against the mock server (this
//! crate, started in-process) and reads each code from the mock's inbox. With `VONAGE_API_KEY` and `VONAGE_API_SECRET`
//! (and optionally `VONAGE_APPLICATION_ID` with `VONAGE_PRIVATE_KEY_PATH` for v2 JWTs) it runs
//! against the real API: set `VONAGE_TO` to your phone number (or type it when asked) and type
//! each code you receive.

use std::error::Error;
use std::io::{BufRead, Write};
use std::process::ExitCode;

use vonage_verify::v1::{CheckOutcome, VerifyRequest};
use vonage_verify::v2::{StartRequest, Step};
use vonage_verify::{Client, ProblemKind};
use vonage_verify_mock::MockServer;

/// Where codes come from: the mock's inbox, or the person at the keyboard.
pub(crate) enum Codes {
    Mock(MockServer),
    Typed,
}

impl Codes {
    fn code(&self, request_id: &str) -> Result<String, Box<dyn Error>> {
        match self {
            Codes::Mock(mock) => {
                let code = mock.code(request_id).ok_or("the mock has no code for it")?;
                println!("   the mock's inbox has code {code}");
                Ok(code)
            }
            Codes::Typed => ask("   type the code you received: "),
        }
    }
}

fn ask(prompt: &str) -> Result<String, Box<dyn Error>> {
    print!("{prompt}");
    std::io::stdout().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim().to_owned())
}

/// A code that differs from `code` in its last digit.
fn wrong(code: &str) -> String {
    let mut wrong: Vec<char> = code.chars().collect();
    if let Some(last) = wrong.last_mut() {
        *last = if *last == '0' { '1' } else { '0' };
    }
    wrong.into_iter().collect()
}

#[tokio::main]
async fn main() -> ExitCode {
    match quickstart().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // What happened, then why, one cause a line: an error's Display says what went
            // wrong, its sources say what that came from.
            eprintln!("error: {error}");
            let mut cause = error.source();
            while let Some(error) = cause {
                eprintln!("  because: {error}");
                cause = error.source();
            }
            ExitCode::FAILURE
        }
    }
}

async fn quickstart() -> Result<(), Box<dyn Error>> {
    // Empty counts as unset, as for `Client::from_env`.
    let live = std::env::var_os("VONAGE_API_KEY").is_some_and(|key| !key.is_empty());
    let (client, codes, number) = if live {
        // The configuration first: a mistake there is found before anyone types a number.
        let client = Client::from_env()?;
        println!(
            "Running against the Vonage API at {} with the VONAGE_* credentials.",
            client.base_url()
        );
        let number = match std::env::var("VONAGE_TO") {
            Ok(number) => number,
            Err(_) => ask("your phone number (E.164, digits only): ")?,
        };
        (client, Codes::Typed, number)
    } else {
        let mock = MockServer::start().await?;
        println!(
            "No VONAGE_API_KEY set: running against the mock server at {}.",
            mock.base_url()
        );
        (mock.client()?, Codes::Mock(mock), "447700900001".to_owned())
    };
    run(&client, &codes, &number).await
}

/// Both flows, one after the other (the tests run this against the mock).
pub(crate) async fn run(
    client: &Client,
    codes: &Codes,
    number: &str,
) -> Result<(), Box<dyn Error>> {
    verify_v2(client, codes, number).await?;
    verify_v1(client, codes, number).await?;
    println!("\nBoth flows completed.");
    Ok(())
}

async fn verify_v2(client: &Client, codes: &Codes, number: &str) -> Result<(), Box<dyn Error>> {
    println!("\nVerify v2");
    let request = StartRequest::new("Quickstart").step(Step::sms(number));
    let started = client.v2().start(&request).await?;
    println!("1. started {} (an SMS to {number})", started.request_id);
    let code = codes.code(&started.request_id)?;

    match client
        .v2()
        .check_code(&started.request_id, &wrong(&code))
        .await
    {
        Err(error)
            if error
                .problem()
                .is_some_and(|p| p.kind == ProblemKind::InvalidCode) =>
        {
            println!("2. a wrong code is refused: {error}");
        }
        other => return Err(format!("a wrong code was not refused: {other:?}").into()),
    }
    let checked = client.v2().check_code(&started.request_id, &code).await?;
    println!("3. the right code: {:?}", checked.status);
    Ok(())
}

async fn verify_v1(client: &Client, codes: &Codes, number: &str) -> Result<(), Box<dyn Error>> {
    println!("\nVerify v1");
    let started = client
        .v1()
        .request(&VerifyRequest::new(number, "Quickstart"))
        .await?;
    println!("1. started {}", started.request_id);
    let code = codes.code(&started.request_id)?;

    match client
        .v1()
        .check(&started.request_id, &wrong(&code))
        .await?
    {
        CheckOutcome::WrongCode(rejected) => {
            println!(
                "2. a wrong code is refused: {}",
                rejected.error_text.unwrap_or_default()
            );
        }
        other => return Err(format!("a wrong code was not refused: {other:?}").into()),
    }
    match client.v1().check(&started.request_id, &code).await? {
        CheckOutcome::Verified(verified) => {
            println!(
                "3. the right code: verified (event {})",
                verified.event_id.unwrap_or_default()
            );
        }
        other => return Err(format!("the right code was not accepted: {other:?}").into()),
    }
    let found = client.v1().search(&started.request_id).await?;
    println!(
        "4. search: {:?}, {} check(s) recorded",
        found.status,
        found.checks.len()
    );
    for check in &found.checks {
        println!(
            "   {} {:?}",
            check.code.as_deref().unwrap_or("?"),
            check.status
        );
    }
    Ok(())
}
