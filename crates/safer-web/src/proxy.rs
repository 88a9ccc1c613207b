//! The client's address behind a reverse proxy.
//!
//! Behind a proxy every request arrives from the proxy's address, so the
//! per-address sign-in throttle would lock everyone out together, and the
//! audit log would name the proxy. A proxy the partnership runs says whom
//! it forwarded for in `X-Forwarded-For`; anyone else can write that header
//! too, so it is believed only from the peers configured as trusted
//! (`--trusted-proxy`), and then only as far back as the chain stays within
//! trusted proxies.

use std::net::IpAddr;
use std::str::FromStr;

use axum::http::HeaderMap;
use ipnet::IpNet;

/// The proxies whose `X-Forwarded-For` is believed: addresses or CIDR
/// blocks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    pub fn none() -> TrustedProxies {
        TrustedProxies(Vec::new())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(&ip))
    }

    /// The client's address: the peer's, unless the peer is a trusted
    /// proxy, in which case the nearest address in `X-Forwarded-For` that
    /// is not itself a trusted proxy (the rightmost entries were added by
    /// the proxies nearest Safer). A missing or malformed header leaves the
    /// peer's address.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let mut hops: Vec<IpAddr> = Vec::new();
        for v in headers.get_all("x-forwarded-for") {
            let Ok(text) = v.to_str() else { return peer };
            for part in text.split(',') {
                match parse_hop(part.trim()) {
                    Some(ip) => hops.push(ip),
                    None => return peer,
                }
            }
        }
        let mut client = peer;
        for ip in hops.into_iter().rev() {
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }
}

/// One entry of `X-Forwarded-For`: an address, perhaps with a port
/// (`192.0.2.1:4711`, `[2001:db8::1]:4711`).
fn parse_hop(s: &str) -> Option<IpAddr> {
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(ip);
    }
    s.parse::<std::net::SocketAddr>().ok().map(|a| a.ip())
}

impl FromStr for TrustedProxies {
    type Err = String;

    /// Comma-separated addresses or CIDR blocks: `10.0.0.5,10.1.0.0/16,::1`.
    fn from_str(s: &str) -> Result<TrustedProxies, String> {
        let mut nets = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let net = match part.parse::<IpNet>() {
                Ok(n) => n,
                Err(_) => part.parse::<IpAddr>().map(IpNet::from).map_err(|_| {
                    format!("{part:?} is not an IP address or CIDR block (such as 10.0.0.5 or 10.1.0.0/16)")
                })?,
            };
            nets.push(net);
        }
        Ok(TrustedProxies(nets))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_trusted_peers_are_believed() {
        let proxies: TrustedProxies = "10.0.0.5, 10.1.0.0/16".parse().unwrap();
        let h = headers(&["198.51.100.7"]);
        assert_eq!(proxies.client(ip("10.0.0.5"), &h), ip("198.51.100.7"));
        assert_eq!(proxies.client(ip("10.1.2.3"), &h), ip("198.51.100.7"));
        // Anyone else's header is ignored: they are the client.
        assert_eq!(proxies.client(ip("203.0.113.9"), &h), ip("203.0.113.9"));
        assert_eq!(
            TrustedProxies::none().client(ip("10.0.0.5"), &h),
            ip("10.0.0.5")
        );
    }

    #[test]
    fn the_chain_is_read_from_the_nearest_proxy_back() {
        let proxies: TrustedProxies = "10.0.0.0/8".parse().unwrap();
        // A client that forged an entry, then two trusted proxies.
        let h = headers(&["1.2.3.4, 198.51.100.7", "10.0.0.9"]);
        assert_eq!(proxies.client(ip("10.0.0.5"), &h), ip("198.51.100.7"));
        // Only trusted proxies: the farthest.
        let h = headers(&["10.0.0.7, 10.0.0.9"]);
        assert_eq!(proxies.client(ip("10.0.0.5"), &h), ip("10.0.0.7"));
        // Ports and IPv6.
        let h = headers(&["[2001:db8::1]:4711"]);
        assert_eq!(proxies.client(ip("10.0.0.5"), &h), ip("2001:db8::1"));
        let h = headers(&["192.0.2.1:80"]);
        assert_eq!(proxies.client(ip("10.0.0.5"), &h), ip("192.0.2.1"));
    }

    #[test]
    fn a_malformed_header_leaves_the_peer() {
        let proxies: TrustedProxies = "10.0.0.5".parse().unwrap();
        for bad in ["", "unknown", "198.51.100.7, nonsense", "300.1.1.1"] {
            assert_eq!(
                proxies.client(ip("10.0.0.5"), &headers(&[bad])),
                ip("10.0.0.5"),
                "{bad:?}"
            );
        }
        assert_eq!(
            proxies.client(ip("10.0.0.5"), &HeaderMap::new()),
            ip("10.0.0.5")
        );
    }

    #[test]
    fn configuration_is_checked() {
        assert!("10.0.0.5,::1,fd00::/8".parse::<TrustedProxies>().is_ok());
        let e = "10.0.0.300".parse::<TrustedProxies>().unwrap_err();
        assert!(e.contains("10.0.0.300"), "{e}");
        assert!("".parse::<TrustedProxies>().unwrap().is_empty());
    }

    proptest::proptest! {
        /// Whatever the header says, an untrusted peer is the client, and a
        /// trusted one never yields one of the trusted proxies' addresses
        /// while an untrusted entry stands in the chain.
        #[test]
        fn headers_never_fool_it(xff in "[0-9a-f:., \\[\\]]{0,60}", last in 0u8..=255) {
            let proxies: TrustedProxies = "10.0.0.0/8".parse().unwrap();
            let Ok(v) = HeaderValue::from_str(&xff) else { return Ok(()) };
            let mut h = HeaderMap::new();
            h.insert("x-forwarded-for", v);
            let outsider = IpAddr::from([203, 0, 113, last]);
            proptest::prop_assert_eq!(proxies.client(outsider, &h), outsider);
            let c = proxies.client(ip("10.0.0.1"), &h);
            let hops: Option<Vec<IpAddr>> = xff.split(',').map(|p| parse_hop(p.trim())).collect();
            if let Some(hops) = hops
                && hops.iter().any(|h| !proxies.trusts(*h))
            {
                proptest::prop_assert!(!proxies.trusts(c));
            }
        }
    }
}
