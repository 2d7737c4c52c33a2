//! libp2p networking: gossipsub topics and ssz_snappy request/response
