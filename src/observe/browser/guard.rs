//! The private-address guard of the browser engine. Chromium resolves and connects on its own,
//! so the crawler's resolver check does not reach it; instead every connection Chromium makes
//! goes through a SOCKS5 proxy on loopback that asks the crawler's [`AddressPolicy`] first. With
//! SOCKS5, Chromium hands the proxy the host name (it never resolves it itself), so the address
//! judged is the address connected to, redirects, subresources, frames and workers included.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fast_socks5::server::Socks5ServerProtocol;
use fast_socks5::util::target_addr::TargetAddr;
use fast_socks5::{ReplyError, Socks5Command};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use crate::crawl::AddressPolicy;

/// Longest a connection to the site's server may take to open.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Hosts the guard refused, with the reason; at most this many are kept.
const MAX_REFUSED: usize = 100;

/// A running guard: the proxy's address and what it refused.
pub struct AddressGuard {
    addr: SocketAddr,
    refused: Arc<Mutex<BTreeMap<String, String>>>,
    task: JoinHandle<()>,
}

impl AddressGuard {
    /// Start the proxy on an ephemeral loopback port.
    ///
    /// # Errors
    /// When no loopback port can be bound.
    pub async fn start(policy: AddressPolicy) -> std::io::Result<AddressGuard> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let refused = Arc::new(Mutex::new(BTreeMap::new()));
        let policy = Arc::new(policy);
        let log = Arc::clone(&refused);
        let task = tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    continue;
                };
                tokio::spawn(serve(socket, Arc::clone(&policy), Arc::clone(&log)));
            }
        });
        Ok(AddressGuard {
            addr,
            refused,
            task,
        })
    }

    /// The Chromium flags that send every connection through the guard, loopback included
    /// (Chromium bypasses a proxy for loopback unless told `<-loopback>`).
    pub fn chromium_flags(&self) -> [String; 2] {
        [
            format!("--proxy-server=socks5://{}", self.addr),
            "--proxy-bypass-list=<-loopback>".to_owned(),
        ]
    }

    /// The hosts refused so far (sorted, at most [`MAX_REFUSED`]), each with the reason.
    pub fn refused(&self) -> Vec<String> {
        self.refused
            .lock()
            .map(|r| r.values().cloned().collect())
            .unwrap_or_default()
    }
}

impl Drop for AddressGuard {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// One SOCKS5 connection: only CONNECT; the target judged by the policy; then bytes copied both
/// ways until either side closes.
async fn serve(
    socket: TcpStream,
    policy: Arc<AddressPolicy>,
    refused: Arc<Mutex<BTreeMap<String, String>>>,
) {
    let Ok(proto) = Socks5ServerProtocol::accept_no_auth(socket).await else {
        return;
    };
    let Ok((proto, command, target)) = proto.read_command().await else {
        return;
    };
    if command != Socks5Command::TCPConnect {
        let _ = proto.reply_error(&ReplyError::CommandNotSupported).await;
        return;
    }
    let (host, port) = match &target {
        TargetAddr::Domain(host, port) => (host.clone(), *port),
        TargetAddr::Ip(addr) => (addr.ip().to_string(), addr.port()),
    };
    let addrs = match policy.lookup(&host, port).await {
        Ok(addrs) => addrs,
        Err(reason) => {
            let private = reason.contains("--allow-private");
            if private {
                remember(&refused, host, reason);
            }
            let reply = if private {
                ReplyError::ConnectionNotAllowed
            } else {
                ReplyError::HostUnreachable
            };
            let _ = proto.reply_error(&reply).await;
            return;
        }
    };
    let connected = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(&addrs[..])).await;
    let Ok(Ok(mut upstream)) = connected else {
        let _ = proto.reply_error(&ReplyError::ConnectionRefused).await;
        return;
    };
    let bound = upstream
        .local_addr()
        .unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 0)));
    let Ok(mut client) = proto.reply_success(bound).await else {
        return;
    };
    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
}

fn remember(refused: &Mutex<BTreeMap<String, String>>, host: String, reason: String) {
    if let Ok(mut log) = refused.lock() {
        if log.len() < MAX_REFUSED || log.contains_key(&host) {
            log.insert(host, reason);
        }
    }
}
