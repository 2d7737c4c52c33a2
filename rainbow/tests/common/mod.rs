//! Helpers the process tests share: the binary, free loopback ports, a JSON GET on a node's API,
//! and a child process killed when dropped.
#![allow(dead_code)]
pub mod node;
use serde_json::Value;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command};

pub fn rainbow() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rainbow"))
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `GET path` on the API at `port`: the JSON body, `None` if it does not answer.
pub fn get(port: u16, path: &str) -> Option<Value> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    serde_json::from_str(response.split_once("\r\n\r\n")?.1).ok()
}

/// A child process that is killed (SIGKILL) and reaped when dropped.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Fails the test if a `*.log` file under `dir` (searched recursively) shows a panic: Rust prints
/// "panicked at" for every panic, on any thread, caught or not. `make test` sets
/// RUST_BACKTRACE=1, which the processes a test starts inherit, so a trace follows it.
pub fn assert_no_panic_in_logs(dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.filter_map(|e| e.ok()) {
        let path = entry.path();
        if path.is_dir() {
            assert_no_panic_in_logs(&path);
        } else if path.extension().is_some_and(|e| e == "log") {
            let log = std::fs::read_to_string(&path).unwrap_or_default();
            if let Some(line) = log.lines().position(|l| l.contains("panicked at")) {
                let context: Vec<&str> =
                    log.lines().skip(line.saturating_sub(2)).take(20).collect();
                panic!("{} shows a panic:\n{}", path.display(), context.join("\n"));
            }
        }
    }
}
