//! One HTTP GET with retries, Retry-After, a body cap and text decoding. Redirects are not
//! followed here: the crawler follows them itself so it can record every hop.

use std::time::Duration;

use futures::StreamExt;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, LOCATION, RETRY_AFTER};
use url::Url;

use super::gate::HostGate;
use crate::failure::{Failure, FailureKind};

/// The longest `Retry-After` that the crawler waits for; a longer one is recorded as an error.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

#[derive(Debug)]
pub struct Response {
    pub status: StatusCode,
    pub content_type: Option<String>,
    /// Absolute target of a redirect.
    pub location: Option<Url>,
    pub body: Option<Body>,
}

#[derive(Debug)]
pub struct Body {
    pub bytes: Vec<u8>,
    /// The body was longer than the cap; `bytes` holds its start.
    pub truncated: bool,
}

#[derive(Debug, Clone, Copy)]
pub struct FetchSettings {
    pub retries: u32,
    pub max_body: usize,
    pub timeout: Duration,
}

/// GET `url`, retrying connection errors, timeouts and 5xx with backoff, and waiting for
/// `Retry-After` on 429/503. `want_body` decides from the content type whether to read the body.
pub async fn fetch(
    client: &reqwest::Client,
    gate: &HostGate,
    url: &Url,
    settings: FetchSettings,
    want_body: impl Fn(Option<&str>) -> bool,
) -> Result<Response, Failure> {
    let mut attempt = 0;
    let started = tokio::time::Instant::now();
    loop {
        let permit = gate.enter().await;
        if let Some(first) = gate.unreachable() {
            return Err(Failure {
                not_tried_again: true,
                ..first
            });
        }
        let result = client.get(url.clone()).send().await;
        let retry_left = attempt < settings.retries;
        attempt += 1;
        let response = match result {
            Ok(response) => response,
            // A host that never answered is not asked again: a dead host would otherwise cost
            // every URL of the site its retries.
            Err(e) if (e.is_connect() || e.is_timeout()) && !gate.answered() => {
                let failure = spent(describe(&e, settings.timeout), attempt, started);
                gate.mark_unreachable(&failure);
                return Err(failure);
            }
            // A response that came but could not be read as HTTP (a head over hyper's limit,
            // a malformed status line) would come the same way again.
            Err(e) if is_malformed_response(&e) => {
                gate.mark_answered();
                return Err(spent(describe(&e, settings.timeout), attempt, started));
            }
            Err(e) if retry_left && (e.is_connect() || e.is_timeout() || e.is_request()) => {
                drop(permit);
                tokio::time::sleep(backoff(attempt)).await;
                continue;
            }
            Err(e) => return Err(spent(describe(&e, settings.timeout), attempt, started)),
        };
        gate.mark_answered();
        let status = response.status();
        if matches!(status.as_u16(), 429 | 503) {
            if let Some(wait) = retry_after(&response) {
                if wait > MAX_RETRY_AFTER {
                    return Err(Failure::new(FailureKind::RetryAfterTooLong {
                        status: status.as_u16(),
                        wait_s: wait.as_secs(),
                        max_s: MAX_RETRY_AFTER.as_secs(),
                    }));
                }
                if retry_left {
                    gate.defer(wait);
                    drop(permit);
                    continue;
                }
            }
        }
        if status.is_server_error() && retry_left {
            drop(permit);
            tokio::time::sleep(backoff(attempt)).await;
            continue;
        }
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let location = status
            .is_redirection()
            .then(|| response.headers().get(LOCATION))
            .flatten()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| url.join(v).ok());
        let body = if status.is_success() && want_body(content_type.as_deref()) {
            Some(
                read_capped(response, settings.max_body)
                    .await
                    .map_err(|e| describe(&e, settings.timeout))?,
            )
        } else {
            None
        };
        return Ok(Response {
            status,
            content_type,
            location,
            body,
        });
    }
}

/// Read at most `max` decompressed bytes of the body.
async fn read_capped(response: reqwest::Response, max: usize) -> Result<Body, reqwest::Error> {
    let mut bytes = Vec::new();
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        let room = max - bytes.len();
        if chunk.len() > room {
            bytes.extend_from_slice(&chunk[..room]);
            return Ok(Body {
                bytes,
                truncated: true,
            });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Body {
        bytes,
        truncated: false,
    })
}

/// A failure with the real time it cost: the attempts and the seconds from the first one.
fn spent(mut failure: Failure, attempts: u32, started: tokio::time::Instant) -> Failure {
    failure.attempts = Some(attempts);
    failure.spent_s = Some(started.elapsed().as_secs_f32());
    failure
}

fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(250 * 2u64.pow(attempt.min(6)))
}

/// `Retry-After` as seconds or an HTTP date.
fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let value = response.headers().get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let format = time::format_description::well_known::Rfc2822;
    let at = time::OffsetDateTime::parse(value, &format).ok()?;
    let wait = at - time::OffsetDateTime::now_utc();
    Some(Duration::from_secs(wait.whole_seconds().max(0) as u64))
}

/// True when the server answered with something hyper could not parse as an HTTP response: a
/// head over its 408 KiB buffer (`8192 + 4096 × 100` bytes) or with over 100 header fields, a
/// malformed status line or header.
fn is_malformed_response(e: &reqwest::Error) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        if cause
            .downcast_ref::<hyper::Error>()
            .is_some_and(hyper::Error::is_parse)
        {
            return true;
        }
        source = cause.source();
    }
    false
}

/// A reqwest error as a [`Failure`]: its kind, read from the error and its causes, and the
/// causes as the detail.
pub fn describe(e: &reqwest::Error, timeout: Duration) -> Failure {
    if e.is_timeout() {
        return Failure::new(FailureKind::Timeout {
            seconds: timeout.as_secs_f32(),
        });
    }
    let mut detail = String::new();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        if !detail.is_empty() {
            detail.push_str(": ");
        }
        detail.push_str(&cause.to_string());
        source = cause.source();
    }
    let lower = detail.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    let tls = has(&[
        "invalidcontenttype",
        "certificate",
        "handshake",
        "tls",
        "ssl",
    ]);
    // The address guard answers through the resolver, so its refusal also reads "dns error".
    let kind = if has(&["--allow-private"]) {
        FailureKind::PrivateAddress
    } else if e.is_connect() && has(&["dns error", "failed to lookup"]) {
        FailureKind::NameNotFound
    } else if e.is_connect() && has(&["connection refused"]) {
        FailureKind::ConnectionRefused
    } else if tls {
        FailureKind::Tls
    } else if e.is_connect() {
        FailureKind::ConnectionFailed
    } else if has(&["too large"]) {
        FailureKind::HeadersTooLarge
    } else if is_malformed_response(e) {
        FailureKind::MalformedResponse
    } else if e.is_body() || e.is_decode() {
        FailureKind::ReadFailed
    } else {
        FailureKind::RequestFailed
    };
    Failure::new(kind).with_detail(detail)
}
