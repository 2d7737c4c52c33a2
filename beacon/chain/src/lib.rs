//! Block import, operation pools and heavy-operator duties with slashing protection
