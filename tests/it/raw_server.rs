//! A bare TCP server for the faults httpmock cannot stage: silence, trickles, resets, bodies
//! that lie about their length. Each connection runs a script the test writes.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use vonage_verify::{Client, ClientBuilder};

use crate::support;

/// A listener on 127.0.0.1 running a script per connection, counting what happened.
pub struct RawServer {
    addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
    written: Arc<AtomicUsize>,
    finished: watch::Receiver<usize>,
}

impl RawServer {
    /// Runs `script` on every accepted connection, each in its own task.
    pub async fn start<S, F>(script: S) -> Self
    where
        S: Fn(Conn) -> F + Send + Sync + 'static,
        F: Future<Output = ()> + Send + 'static,
    {
        Self::start_with(TcpListener::bind("127.0.0.1:0").await.unwrap(), script)
    }

    /// [`start`](Self::start) on a listener the test made.
    pub fn start_with<S, F>(listener: TcpListener, script: S) -> Self
    where
        S: Fn(Conn) -> F + Send + Sync + 'static,
        F: Future<Output = ()> + Send + 'static,
    {
        let addr = listener.local_addr().unwrap();
        let accepted = Arc::new(AtomicUsize::new(0));
        let written = Arc::new(AtomicUsize::new(0));
        let (done, finished) = watch::channel(0);
        let (counter, bytes) = (accepted.clone(), written.clone());
        let script = Arc::new(script);
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                let conn = Conn {
                    socket,
                    written: bytes.clone(),
                };
                let (run, done) = (script(conn), done.clone());
                tokio::spawn(async move {
                    run.await;
                    done.send_modify(|n| *n += 1);
                });
            }
        });
        Self {
            addr,
            accepted,
            written,
            finished,
        }
    }

    /// Reads each request and writes whatever `reply` makes of its head, then closes.
    pub async fn answering<R>(reply: R) -> Self
    where
        R: Fn(&str) -> Vec<u8> + Send + Sync + 'static,
    {
        Self::answering_with(TcpListener::bind("127.0.0.1:0").await.unwrap(), reply)
    }

    /// [`answering`](Self::answering) on a listener the test made.
    pub fn answering_with<R>(listener: TcpListener, reply: R) -> Self
    where
        R: Fn(&str) -> Vec<u8> + Send + Sync + 'static,
    {
        let reply = Arc::new(reply);
        Self::start_with(listener, move |mut conn| {
            let reply = reply.clone();
            async move {
                if let Some(head) = conn.read_request().await {
                    let _ = conn.write(&reply(&head)).await;
                }
            }
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A builder aimed at this server over plain HTTP, with the test API key.
    pub fn builder(&self) -> ClientBuilder {
        Client::builder()
            .base_url(format!("http://{}", self.addr))
            .api_key(support::api_key())
    }

    /// Connections accepted so far.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    /// Bytes the scripts managed to write, over all connections.
    pub fn written(&self) -> usize {
        self.written.load(Ordering::SeqCst)
    }

    /// Waits (at most ten seconds) until `n` scripts have run to their end.
    pub async fn finished(&mut self, n: usize) {
        tokio::time::timeout(
            Duration::from_secs(10),
            self.finished.wait_for(|&done| done >= n),
        )
        .await
        .expect("the scripts end")
        .unwrap();
    }
}

/// One accepted connection, as a script sees it.
pub struct Conn {
    socket: TcpStream,
    written: Arc<AtomicUsize>,
}

impl Conn {
    /// Reads one request: the head, then as many body bytes as its Content-Length says.
    /// Returns the head, or nothing if the peer closed first.
    pub async fn read_request(&mut self) -> Option<String> {
        let whole = self.read_whole_request().await?;
        let head_end = whole.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
        Some(String::from_utf8_lossy(&whole[..head_end]).into_owned())
    }

    /// Reads one request, head and body, as it came.
    pub async fn read_whole_request(&mut self) -> Option<Vec<u8>> {
        let mut seen = Vec::new();
        let mut buf = [0u8; 16 * 1024];
        let head_end = loop {
            if let Some(at) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            match self.socket.read(&mut buf).await {
                Ok(0) | Err(_) => return None,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        };
        let head = String::from_utf8_lossy(&seen[..head_end]).into_owned();
        let length: usize = head
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("content-length").then_some(value)
            })
            .and_then(|value| value.trim().parse().ok())
            .unwrap_or(0);
        while seen.len() - head_end < length {
            match self.socket.read(&mut buf).await {
                Ok(0) | Err(_) => return None,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
        Some(seen)
    }

    /// Reads whatever arrives first (a TLS hello, say), or nothing if the peer closed.
    pub async fn read_some(&mut self) {
        let mut buf = vec![0u8; 64 * 1024];
        let _ = self.socket.read(&mut buf).await;
    }

    /// Writes `bytes`, counting what was accepted.
    pub async fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.socket.write_all(bytes).await?;
        self.socket.flush().await?;
        self.written.fetch_add(bytes.len(), Ordering::SeqCst);
        Ok(())
    }

    /// Writes `bytes` one at a time, `gap` apart, until the peer goes away.
    pub async fn trickle(&mut self, bytes: &[u8], gap: Duration) {
        for byte in bytes.iter().cycle() {
            if self.write(std::slice::from_ref(byte)).await.is_err() {
                return;
            }
            tokio::time::sleep(gap).await;
        }
    }

    /// Keeps the connection open, saying nothing, until the peer closes it.
    pub async fn hold(mut self) {
        let mut buf = [0u8; 1024];
        while let Ok(n) = self.socket.read(&mut buf).await {
            if n == 0 {
                return;
            }
        }
    }

    /// Drops the connection with a TCP reset instead of an orderly close.
    pub fn reset(self) {
        self.socket.set_zero_linger().unwrap();
    }
}

/// An HTTP/1.1 response head with `status`, `headers` and the end-of-head blank line.
pub fn head(status: &str, headers: &[(&str, &str)]) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {status}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head.into_bytes()
}

/// A complete response: `head` plus `body` with its true Content-Length.
pub fn response(status: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let length = body.len().to_string();
    let mut reply = head(
        status,
        &[
            ("content-type", content_type),
            ("content-length", &length),
            ("connection", "close"),
        ],
    );
    reply.extend_from_slice(body);
    reply
}
