//! Server-sent events (`/eth/v1/events`): what the node tells subscribers as it happens.
use serde_json::Value;
use tokio::sync::broadcast;

/// Topics a client may subscribe to.
pub const TOPICS: [&str; 5] =
    ["head", "block", "finalized_checkpoint", "inclusion_list", "light_certificate"];

#[derive(Debug, Clone)]
pub struct ApiEvent {
    pub topic: &'static str,
    pub data: Value,
}

#[derive(Debug, Clone)]
pub struct EventBus {
    sender: broadcast::Sender<ApiEvent>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self { sender: broadcast::channel(1024).0 }
    }
}

impl EventBus {
    pub fn emit(&self, topic: &'static str, data: Value) {
        let _ = self.sender.send(ApiEvent { topic, data });
    }

    pub fn subscribe(&self) -> broadcast::Receiver<ApiEvent> {
        self.sender.subscribe()
    }
}
