//! The beacon node: tokio services wiring chain and network, HTTP API, SSE events, metrics
