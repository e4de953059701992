//! Where credentials may go: the base URL's origin, over TLS or to this machine.

use url::{Host, Url};

use crate::error::ConfigError;

/// The base URL as given to the client builder, checked: absolute, https (or http to a
/// loopback address), and with no user information, query or fragment.
pub(crate) fn parse_base_url(raw: &str) -> Result<Url, ConfigError> {
    let refuse = |reason| ConfigError::BaseUrl {
        url: displayable_url(raw),
        reason,
    };
    let url = Url::parse(raw).map_err(|_| refuse("not an absolute URL"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse("credentials do not belong in the URL"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(refuse("a base URL has no query or fragment"));
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => return Err(refuse("plain http is only allowed to loopback addresses")),
        _ => return Err(refuse("the scheme must be https")),
    }
    // The paths of both APIs start with these (`/verify/json`, `/v2/verify`); a base URL that
    // ends in one would double it. Any other path (a gateway's prefix) is kept.
    let path = url.path().trim_end_matches('/');
    for suffix in ["/v2/verify", "/verify", "/v2"] {
        if let Some(prefix) = path.strip_suffix(suffix) {
            let mut instead = url.clone();
            instead.set_path(prefix);
            return Err(ConfigError::BaseUrlPath {
                url: displayable_url(raw),
                suffix,
                instead: instead.as_str().trim_end_matches('/').to_owned(),
            });
        }
    }
    Ok(url)
}

/// What of a base URL may be shown: scheme, host, port and path. User information, a query
/// or a fragment may hold a secret pasted into the wrong place, and so may text that is not a
/// URL at all, which is not shown.
pub(crate) fn displayable_url(raw: &str) -> String {
    match Url::parse(raw) {
        Ok(url) => {
            let host = url.host_str().unwrap_or_default();
            match url.port() {
                Some(port) => format!("{}://{host}:{port}{}", url.scheme(), url.path()),
                None => format!("{}://{host}{}", url.scheme(), url.path()),
            }
        }
        Err(_) => "(not a URL; not shown)".to_owned(),
    }
}

/// Credentials go only to the base URL's origin (scheme, host and port), over TLS or to this
/// machine, and never in a URL's user information.
pub(crate) fn may_carry_credentials(url: &Url, base_url: &Url) -> bool {
    let private = match base_url.scheme() {
        "https" => true,
        "http" => is_loopback(base_url),
        _ => false,
    };
    // The request's origin is the base's, so TLS or loopback holds for both or neither.
    // (A `blob:` URL has the origin of the URL inside it, so the scheme is checked too.)
    private
        && matches!(url.scheme(), "http" | "https")
        && url.origin() == base_url.origin()
        && url.username().is_empty()
        && url.password().is_none()
}

/// Whether the URL names this machine, where plain http cannot be observed by anyone else.
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{displayable_url, is_loopback, may_carry_credentials, parse_base_url};

    fn url(s: &str) -> url::Url {
        s.parse().unwrap()
    }

    #[test]
    fn credentials_go_only_to_the_base_origin_over_tls_or_loopback() {
        let base = url("https://api.nexmo.com");
        assert!(may_carry_credentials(
            &url("https://api.nexmo.com/verify/json"),
            &base
        ));
        assert!(!may_carry_credentials(
            &url("https://evil.example/verify/json"),
            &base
        ));
        assert!(!may_carry_credentials(
            &url("https://api.nexmo.com:8443/verify/json"),
            &base
        ));
        assert!(!may_carry_credentials(
            &url("http://api.nexmo.com/verify/json"),
            &base
        ));
        let plain = url("http://api.example.com");
        assert!(!may_carry_credentials(
            &url("http://api.example.com/x"),
            &plain
        ));
        let local = url("http://127.0.0.1:8080");
        assert!(may_carry_credentials(
            &url("http://127.0.0.1:8080/x"),
            &local
        ));
        assert!(!may_carry_credentials(
            &url("http://127.0.0.1:8081/x"),
            &local
        ));
        let named = url("http://localhost:8080");
        assert!(may_carry_credentials(
            &url("http://localhost:8080/x"),
            &named
        ));
    }

    #[test]
    fn hostile_and_unusual_urls_are_judged_by_their_origin() {
        let base = url("https://api.nexmo.com");
        for allowed in [
            "https://API.Nexmo.com/v2/verify",
            "https://api.nexmo.com:443/x",
            "HTTPS://api.nexmo.com/x",
        ] {
            assert!(may_carry_credentials(&url(allowed), &base), "{allowed}");
        }
        for refused in [
            "https://api.nexmo.com@evil.example/x",
            "https://api.nexmo.com:443@evil.example/x",
            "https://api.nexmo.com.evil.example/x",
            "https://evil.example/api.nexmo.com",
            "https://user:pass@api.nexmo.com/x",
            "https://:pass@api.nexmo.com/x",
            "https://xn--nxmo-dra.com/x",
            "wss://api.nexmo.com/x",
            "blob:https://api.nexmo.com/x",
            "data:text/plain,x",
        ] {
            assert!(!may_carry_credentials(&url(refused), &base), "{refused}");
        }
        let local = url("http://127.0.0.1:8080");
        assert!(may_carry_credentials(&url("http://127.1:8080/x"), &local));
        assert!(!may_carry_credentials(
            &url("http://127.0.0.1:8080@evil.example/x"),
            &local
        ));
        assert!(is_loopback(&url("http://[::1]:8080/x")));
        assert!(is_loopback(&url("http://LOCALHOST:8080/x")));
    }

    #[test]
    fn only_scheme_host_port_and_path_are_shown() {
        assert_eq!(
            displayable_url("https://u:p@host/x@y?q=1#f"),
            "https://host/x@y"
        );
        assert_eq!(
            displayable_url("http://127.0.0.1:8080/v"),
            "http://127.0.0.1:8080/v"
        );
        assert_eq!(
            displayable_url("s3cr3t pasted here"),
            "(not a URL; not shown)"
        );
        let error = parse_base_url("https://key:s3cr3t@api.nexmo.com").unwrap_err();
        assert!(!error.to_string().contains("s3cr3t"), "{error}");
        let error = parse_base_url("https://api.nexmo.com/?api_secret=s3cr3t").unwrap_err();
        assert!(!error.to_string().contains("s3cr3t"), "{error}");
        let error = parse_base_url("htps//key:s3cr3t@api").unwrap_err();
        assert!(!format!("{error:?}").contains("s3cr3t"), "{error:?}");
    }

    #[test]
    fn base_urls_must_be_tls_or_loopback() {
        assert!(parse_base_url("https://api.nexmo.com").is_ok());
        assert!(parse_base_url("https://proxy.example/vonage/").is_ok());
        assert!(parse_base_url("http://127.0.0.1:4010").is_ok());
        assert!(parse_base_url("http://[::1]:4010").is_ok());
        assert!(parse_base_url("http://localhost:4010").is_ok());
        assert!(parse_base_url("http://api.nexmo.com").is_err());
        assert!(parse_base_url("ftp://api.nexmo.com").is_err());
        assert!(parse_base_url("api.nexmo.com").is_err());
        assert!(parse_base_url("https://api.nexmo.com/?x=1").is_err());
    }
}
