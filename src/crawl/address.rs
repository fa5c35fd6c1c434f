//! Which addresses the crawler may connect to. A site's DNS can point a name at the network the
//! scanner runs in (a router, an intranet, the cloud metadata service at 169.254.169.254): such
//! addresses are refused after resolution, at connect time, so a redirect or DNS rebinding cannot
//! get round the check. A target typed as a loopback or private address (`http://127.0.0.1:8080`,
//! `localhost`, a served folder) may be fetched; `--allow-private` allows every address.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

/// True for an address on the public internet: none of IANA's special-purpose blocks that do
/// not reach the internet (RFC 6890 and the IPv4/IPv6 Special-Purpose Address Registries).
/// IPv4 inside IPv6 (mapped, compatible, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) is judged by the
/// IPv4 address it reaches.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(a == 0 // "this network", 0.0.0.0 included
        || a == 10 // private (RFC 1918)
        || a == 127 // loopback
        || (a == 100 && (64..128).contains(&b)) // shared address space, CGNAT (RFC 6598)
        || (a == 169 && b == 254) // link-local, the cloud metadata service
        || (a == 172 && (16..32).contains(&b)) // private
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2) // documentation
        || (a == 192 && b == 168) // private
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || (a == 198 && b == 51 && c == 100) // documentation
        || (a == 203 && b == 0 && c == 113) // documentation
        || a >= 224) // multicast, reserved, broadcast
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = embedded_v4(ip) {
        return is_public_v4(v4);
    }
    let s = ip.segments();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || (s[0] & 0xfe00) == 0xfc00 // unique local (fc00::/7)
        || (s[0] & 0xffc0) == 0xfe80 // link-local (fe80::/10)
        || (s[0] & 0xffc0) == 0xfec0 // site-local, deprecated (fec0::/10)
        || (s[0] & 0xff00) == 0xff00 // multicast
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || (s[0] == 0x0100 && s[1..4] == [0, 0, 0])) // discard-only (100::/64)
}

/// The IPv4 address an IPv6 address stands for: `::ffff:a.b.c.d`, `::a.b.c.d`,
/// `64:ff9b::a.b.c.d` (NAT64), `2002:AABB:CCDD::/48` (6to4).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let low = |hi: u16, lo: u16| {
        let [a, b] = hi.to_be_bytes();
        let [c, d] = lo.to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    };
    if let Some(v4) = ip.to_ipv4_mapped() {
        return Some(v4);
    }
    // IPv4-compatible (deprecated); `::` and `::1` are left to the IPv6 checks.
    if s[..6] == [0; 6] && (s[6] != 0 || s[7] > 1) {
        return Some(low(s[6], s[7]));
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return Some(low(s[6], s[7]));
    }
    if s[0] == 0x2002 {
        return Some(low(s[1], s[2]));
    }
    None
}

/// A target typed as a loopback or private address, or as `localhost`: the user asked for that
/// host, so its address is not refused. Names are not judged by what they resolve to: a public
/// site's name that points at the internal network is exactly the case to refuse.
pub fn typed_as_private(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => !is_public(IpAddr::V4(ip)),
        Some(Host::Ipv6(ip)) => !is_public(IpAddr::V6(ip)),
        Some(Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
        None => false,
    }
}

/// A `--resolve HOST:ADDR` entry: `HOST` resolves to `ADDR` on every port (`ADDR` may be IPv6,
/// with or without brackets).
pub fn parse_resolve(text: &str) -> Result<(String, IpAddr), String> {
    let (host, addr) = text
        .split_once(':')
        .ok_or_else(|| format!("{text}: expected HOST:ADDR, e.g. www.school.nl:127.0.0.1"))?;
    let addr = addr.trim_start_matches('[').trim_end_matches(']');
    let ip = addr
        .parse::<IpAddr>()
        .map_err(|_| format!("{text}: {addr} is not an IP address"))?;
    if host.is_empty() {
        return Err(format!("{text}: no host name before the ':'"));
    }
    Ok((host.trim_end_matches('.').to_ascii_lowercase(), ip))
}

/// The crawler's resolver: the system's (or a `--resolve` entry), then only public addresses,
/// unless private ones are allowed for every host or for this one. The browser engine's guard
/// ([`crate::observe::browser`]) asks the same policy for every connection Chromium makes.
#[derive(Debug, Default, Clone)]
pub struct AddressPolicy {
    /// `--allow-private`.
    pub allow_private: bool,
    /// Host names whose private addresses are allowed (a target typed as `localhost`), lowercase,
    /// IPv6 literals without brackets.
    pub allowed_hosts: HashSet<String>,
    /// `--resolve` entries, by lowercase host name.
    pub overrides: HashMap<String, Vec<IpAddr>>,
}

impl AddressPolicy {
    /// The policy of a site scanned from `start`: its host is allowed when typed as a private
    /// address or as localhost; `resolve` holds the `--resolve` entries.
    pub fn for_site(allow_private: bool, start: &Url, resolve: &[(String, IpAddr)]) -> Self {
        let mut policy = AddressPolicy {
            allow_private,
            ..AddressPolicy::default()
        };
        if let (true, Some(host)) = (typed_as_private(start), start.host_str()) {
            policy.allowed_hosts.insert(bare_host(host));
        }
        for (host, ip) in resolve {
            policy.overrides.entry(host.clone()).or_default().push(*ip);
        }
        policy
    }

    fn allows_private(&self, host: &str) -> bool {
        self.allow_private || self.allowed_hosts.contains(host)
    }

    /// The addresses `host` may be reached at on `port`: a `--resolve` entry or the system
    /// resolver's answer (an IP literal stands for itself), without the private ones unless they
    /// are allowed.
    ///
    /// # Errors
    /// The resolver's error, or a sentence naming the refused address and `--allow-private`
    /// when every address is private.
    pub async fn lookup(&self, host: &str, port: u16) -> Result<Vec<SocketAddr>, String> {
        let host = bare_host(host);
        let found: Vec<SocketAddr> = match self.overrides.get(&host) {
            Some(ips) => ips.iter().map(|ip| SocketAddr::new(*ip, port)).collect(),
            None => tokio::net::lookup_host((host.as_str(), port))
                .await
                .map_err(|e| format!("{host}: {e}"))?
                .collect(),
        };
        if self.allows_private(&host) {
            return Ok(found);
        }
        let (public, private): (Vec<SocketAddr>, Vec<SocketAddr>) =
            found.into_iter().partition(|a| is_public(a.ip()));
        let what = |ip: IpAddr| {
            if host.parse::<IpAddr>().is_ok() {
                format!("{host} is")
            } else {
                format!("{host} resolves to {ip},")
            }
        };
        match (public.is_empty(), private.first()) {
            (true, Some(refused)) => Err(format!(
                "{} a private, loopback or link-local address: not fetched (--allow-private fetches it)",
                what(refused.ip())
            )),
            _ => Ok(public),
        }
    }
}

/// A host as the policy keys it: lowercase, without a trailing dot or IPv6 brackets.
fn bare_host(host: &str) -> String {
    host.trim_end_matches('.')
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase()
}

impl Resolve for AddressPolicy {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.clone();
        Box::pin(async move {
            let found = policy.lookup(name.as_str(), 0).await?;
            Ok(Box::new(found.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_purpose_addresses_are_not_public() {
        for text in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.255",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:c0a8:0101::1",
            "2001:db8::1",
        ] {
            let ip: IpAddr = text.parse().unwrap();
            assert!(!is_public(ip), "{text} counted as public");
        }
        for text in [
            "8.8.8.8",
            "1.1.1.1",
            "100.63.255.255",
            "100.128.0.1",
            "172.15.0.1",
            "172.32.0.1",
            "193.0.0.1",
            "2a00:1450:4001::1",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
        ] {
            let ip: IpAddr = text.parse().unwrap();
            assert!(is_public(ip), "{text} counted as private");
        }
    }

    #[test]
    fn targets_typed_as_private_are_recognised() {
        for (text, private) in [
            ("http://127.0.0.1:8080/", true),
            ("http://[::1]:8080/", true),
            ("http://10.0.0.5/", true),
            ("http://localhost:3000/", true),
            ("http://app.localhost/", true),
            ("https://www.school.nl/", false),
            ("http://8.8.8.8/", false),
        ] {
            let url = Url::parse(text).unwrap();
            assert_eq!(typed_as_private(&url), private, "{text}");
        }
    }

    #[test]
    fn resolve_entries_parse() {
        let (host, ip) = parse_resolve("School.test:127.0.0.1").unwrap();
        assert_eq!(
            (host.as_str(), ip.to_string().as_str()),
            ("school.test", "127.0.0.1")
        );
        let (_, ip) = parse_resolve("school.test:[::1]").unwrap();
        assert_eq!(ip.to_string(), "::1");
        let (_, ip) = parse_resolve("school.test:::1").unwrap();
        assert_eq!(ip.to_string(), "::1");
        assert!(parse_resolve("school.test").is_err());
        assert!(parse_resolve("school.test:nope").is_err());
        assert!(parse_resolve(":127.0.0.1").is_err());
    }
}
