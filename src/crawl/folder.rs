//! A local folder of a built site, served on an ephemeral loopback port so that it is crawled
//! exactly like the live site will be.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use axum::serve::ListenerExt;
use tokio::sync::oneshot;
use tower_http::services::ServeDir;
use url::Url;

use crate::error::Error;

/// A running folder server; it stops when dropped.
pub struct FolderServer {
    pub url: Url,
    pub root: PathBuf,
    stop: Option<oneshot::Sender<()>>,
}

impl FolderServer {
    pub async fn start(root: &Path) -> Result<FolderServer, Error> {
        if !root.is_dir() {
            return Err(Error::Target {
                target: root.display().to_string(),
                message: "not a folder".into(),
            });
        }
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .map_err(|e| Error::io(root, e))?;
        let addr = listener.local_addr().map_err(|e| Error::io(root, e))?;
        // Without TCP_NODELAY small responses wait for delayed ACKs: a folder scan ran 6× slower.
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let app = axum::Router::new().fallback_service(ServeDir::new(root));
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let server = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(e) = server.await {
                tracing::error!("folder server: {e}");
            }
        });
        let url = Url::parse(&format!("http://{addr}/")).map_err(|e| Error::Target {
            target: root.display().to_string(),
            message: e.to_string(),
        })?;
        Ok(FolderServer {
            url,
            root: root.to_path_buf(),
            stop: Some(stop),
        })
    }
}

impl Drop for FolderServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
