//! Request/response (docs/spec/p2p-interface.md#requestresponse): one libp2p protocol per
//! method, `/rainbow/req/<method>/1/ssz_snappy`.
//!
//! - A request is `varint(len(ssz)) ++ snappy_frames(ssz)`.
//! - A response is a sequence of chunks `result ++ varint(len) ++ snappy_frames(payload)` up to
//!   the end of the stream: `result = 0` and an SSZ payload (`status`: one `StatusMessage`;
//!   `blocks_*`: one `SignedBeaconBlock` per chunk, ascending slots), or an error code (1 invalid
//!   request, 2 server error, 3 resource unavailable) and a UTF-8 message.
use futures::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use libp2p::StreamProtocol;
use rainbow_types::ssz::{Decode, Encode};
use rainbow_types::{
    BlocksByRangeRequest, BlocksByRootRequest, EthSpec, SignedBeaconBlock, StatusMessage,
};
use std::io::{self, Read, Write};
use std::marker::PhantomData;

/// The most bytes a request may take on the wire.
pub const MAX_REQUEST_SIZE: u64 = 64 * 1024;
/// The most bytes a response may take on the wire.
pub const MAX_RESPONSE_SIZE: u64 = 64 * 1024 * 1024;
/// The largest SSZ payload of one chunk.
pub const MAX_CHUNK_SIZE: usize = 10 * 1024 * 1024;

pub const STATUS_PROTOCOL: &str = "/rainbow/req/status/1/ssz_snappy";
pub const BLOCKS_BY_RANGE_PROTOCOL: &str = "/rainbow/req/blocks_by_range/1/ssz_snappy";
pub const BLOCKS_BY_ROOT_PROTOCOL: &str = "/rainbow/req/blocks_by_root/1/ssz_snappy";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RpcRequest {
    Status(StatusMessage),
    BlocksByRange(BlocksByRangeRequest),
    BlocksByRoot(BlocksByRootRequest),
}

impl RpcRequest {
    pub fn protocol(&self) -> &'static str {
        match self {
            RpcRequest::Status(_) => STATUS_PROTOCOL,
            RpcRequest::BlocksByRange(_) => BLOCKS_BY_RANGE_PROTOCOL,
            RpcRequest::BlocksByRoot(_) => BLOCKS_BY_ROOT_PROTOCOL,
        }
    }
}

/// Error codes of a response chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RpcError {
    InvalidRequest = 1,
    ServerError = 2,
    ResourceUnavailable = 3,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RpcResponse<E: EthSpec> {
    Status(StatusMessage),
    Blocks(Vec<SignedBeaconBlock<E>>),
    Error(RpcError, String),
}

fn invalid(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

fn write_varint(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn read_varint(input: &mut &[u8]) -> io::Result<u64> {
    let mut value: u64 = 0;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = input.split_first().ok_or_else(|| invalid("truncated varint"))?;
        *input = rest;
        value |= u64::from(byte & 0x7f).checked_shl(shift).ok_or_else(|| invalid("varint"))?;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(invalid("varint longer than 10 bytes"))
}

/// `varint(len) ++ snappy_frames(payload)`.
pub fn encode_payload(out: &mut Vec<u8>, payload: &[u8]) -> io::Result<()> {
    write_varint(out, payload.len() as u64);
    let mut encoder = snap::write::FrameEncoder::new(Vec::new());
    encoder.write_all(payload)?;
    let framed = encoder.into_inner().map_err(|e| invalid(e.to_string()))?;
    out.extend_from_slice(&framed);
    Ok(())
}

/// Reads one `varint(len) ++ snappy_frames(payload)` from the front of `input`.
pub fn decode_payload(input: &mut &[u8]) -> io::Result<Vec<u8>> {
    let len = usize::try_from(read_varint(input)?).map_err(|_| invalid("length"))?;
    if len > MAX_CHUNK_SIZE {
        return Err(invalid(format!("chunk of {len} bytes exceeds {MAX_CHUNK_SIZE}")));
    }
    // Grow with what actually decompresses: a length prefix alone must not make us allocate.
    let mut payload = Vec::with_capacity(len.min(64 * 1024));
    let mut decoder = snap::read::FrameDecoder::new(&mut *input).take(len as u64);
    decoder.read_to_end(&mut payload).map_err(|e| invalid(format!("snappy: {e}")))?;
    if payload.len() != len {
        return Err(invalid(format!("chunk ended after {} of {len} bytes", payload.len())));
    }
    Ok(payload)
}

fn ssz<T: Decode>(bytes: &[u8]) -> io::Result<T> {
    T::from_ssz_bytes(bytes).map_err(|e| invalid(format!("ssz: {e:?}")))
}

pub fn encode_request(request: &RpcRequest) -> io::Result<Vec<u8>> {
    let bytes = match request {
        RpcRequest::Status(m) => m.as_ssz_bytes(),
        RpcRequest::BlocksByRange(m) => m.as_ssz_bytes(),
        RpcRequest::BlocksByRoot(m) => m.as_ssz_bytes(),
    };
    let mut out = Vec::new();
    encode_payload(&mut out, &bytes)?;
    Ok(out)
}

pub fn decode_request(protocol: &str, mut input: &[u8]) -> io::Result<RpcRequest> {
    let payload = decode_payload(&mut input)?;
    if !input.is_empty() {
        return Err(invalid("trailing bytes after the request"));
    }
    match protocol {
        STATUS_PROTOCOL => Ok(RpcRequest::Status(ssz(&payload)?)),
        BLOCKS_BY_RANGE_PROTOCOL => Ok(RpcRequest::BlocksByRange(ssz(&payload)?)),
        BLOCKS_BY_ROOT_PROTOCOL => Ok(RpcRequest::BlocksByRoot(ssz(&payload)?)),
        other => Err(invalid(format!("unknown protocol {other}"))),
    }
}

pub fn encode_response<E: EthSpec>(response: &RpcResponse<E>) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    match response {
        RpcResponse::Status(m) => {
            out.push(0);
            encode_payload(&mut out, &m.as_ssz_bytes())?;
        }
        RpcResponse::Blocks(blocks) => {
            for block in blocks {
                out.push(0);
                encode_payload(&mut out, &block.as_ssz_bytes())?;
            }
        }
        RpcResponse::Error(code, message) => {
            out.push(*code as u8);
            encode_payload(&mut out, message.as_bytes())?;
        }
    }
    Ok(out)
}

pub fn decode_response<E: EthSpec>(protocol: &str, mut input: &[u8]) -> io::Result<RpcResponse<E>> {
    let mut blocks = Vec::new();
    while let Some((&code, rest)) = input.split_first() {
        input = rest;
        let payload = decode_payload(&mut input)?;
        let error = match code {
            0 => None,
            1 => Some(RpcError::InvalidRequest),
            2 => Some(RpcError::ServerError),
            3 => Some(RpcError::ResourceUnavailable),
            other => return Err(invalid(format!("unknown result code {other}"))),
        };
        if let Some(error) = error {
            return Ok(RpcResponse::Error(error, String::from_utf8_lossy(&payload).into_owned()));
        }
        if protocol == STATUS_PROTOCOL {
            if !input.is_empty() {
                return Err(invalid("more than one status chunk"));
            }
            return Ok(RpcResponse::Status(ssz(&payload)?));
        }
        blocks.push(ssz(&payload)?);
    }
    if protocol == STATUS_PROTOCOL {
        return Err(invalid("empty status response"));
    }
    Ok(RpcResponse::Blocks(blocks))
}

/// The libp2p codec; one instance per method behaviour.
#[derive(Debug)]
pub struct RpcCodec<E: EthSpec>(PhantomData<E>);

impl<E: EthSpec> Default for RpcCodec<E> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

impl<E: EthSpec> Clone for RpcCodec<E> {
    fn clone(&self) -> Self {
        Self::default()
    }
}

async fn read_limited<T: AsyncRead + Unpin + Send>(io: &mut T, limit: u64) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    io.take(limit.saturating_add(1)).read_to_end(&mut buf).await?;
    if buf.len() as u64 > limit {
        return Err(invalid(format!("message exceeds {limit} bytes")));
    }
    Ok(buf)
}

#[async_trait::async_trait]
impl<E: EthSpec> libp2p::request_response::Codec for RpcCodec<E> {
    type Protocol = StreamProtocol;
    type Request = RpcRequest;
    type Response = RpcResponse<E>;

    async fn read_request<T>(
        &mut self,
        protocol: &StreamProtocol,
        io: &mut T,
    ) -> io::Result<RpcRequest>
    where
        T: AsyncRead + Unpin + Send,
    {
        let buf = read_limited(io, MAX_REQUEST_SIZE).await?;
        decode_request(protocol.as_ref(), &buf)
    }

    async fn read_response<T>(
        &mut self,
        protocol: &StreamProtocol,
        io: &mut T,
    ) -> io::Result<RpcResponse<E>>
    where
        T: AsyncRead + Unpin + Send,
    {
        let buf = read_limited(io, MAX_RESPONSE_SIZE).await?;
        decode_response(protocol.as_ref(), &buf)
    }

    async fn write_request<T>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        request: RpcRequest,
    ) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        io.write_all(&encode_request(&request)?).await?;
        io.close().await
    }

    async fn write_response<T>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        response: RpcResponse<E>,
    ) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        io.write_all(&encode_response(&response)?).await?;
        io.close().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rainbow_types::{Checkpoint, MinimalEthSpec, Root};

    type E = MinimalEthSpec;

    #[test]
    fn requests_and_responses_round_trip() {
        let status = StatusMessage {
            fork_digest: Default::default(),
            finalized: Checkpoint { slot: 4, root: Root::repeat_byte(4) },
            head_root: Root::repeat_byte(5),
            head_slot: 5,
        };
        for request in [
            RpcRequest::Status(status),
            RpcRequest::BlocksByRange(BlocksByRangeRequest { start_slot: 3, count: 9 }),
            RpcRequest::BlocksByRoot(BlocksByRootRequest {
                roots: rainbow_types::ssz_types::VariableList::new(vec![Root::repeat_byte(1)])
                    .unwrap(),
            }),
        ] {
            let bytes = encode_request(&request).unwrap();
            assert_eq!(decode_request(request.protocol(), &bytes).unwrap(), request);
        }
        let blocks: Vec<SignedBeaconBlock<E>> = (0..3)
            .map(|i| {
                let mut b = SignedBeaconBlock::<E>::default();
                b.message.slot = i;
                b
            })
            .collect();
        for (protocol, response) in [
            (STATUS_PROTOCOL, RpcResponse::<E>::Status(status)),
            (BLOCKS_BY_RANGE_PROTOCOL, RpcResponse::Blocks(blocks)),
            (BLOCKS_BY_ROOT_PROTOCOL, RpcResponse::Blocks(vec![])),
            (
                BLOCKS_BY_RANGE_PROTOCOL,
                RpcResponse::Error(RpcError::InvalidRequest, "count".into()),
            ),
        ] {
            let bytes = encode_response(&response).unwrap();
            assert_eq!(decode_response::<E>(protocol, &bytes).unwrap(), response);
        }
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        for bytes in [
            &b""[..],
            &[0xff; 11][..],
            &[0x05, 1, 2][..],
            &[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01][..],
        ] {
            assert!(decode_request(STATUS_PROTOCOL, bytes).is_err());
            assert!(decode_response::<E>(STATUS_PROTOCOL, bytes).is_err());
        }
        // A length beyond the chunk limit is refused before anything is allocated.
        let mut bytes = vec![0u8];
        write_varint(&mut bytes, (MAX_CHUNK_SIZE as u64) + 1);
        assert!(decode_response::<E>(BLOCKS_BY_RANGE_PROTOCOL, &bytes).is_err());
        // An unknown result code.
        let mut bytes = vec![9u8];
        encode_payload(&mut bytes, b"x").unwrap();
        assert!(decode_response::<E>(BLOCKS_BY_RANGE_PROTOCOL, &bytes).is_err());
        // Trailing garbage after a request.
        let mut bytes =
            encode_request(&RpcRequest::BlocksByRange(BlocksByRangeRequest::default())).unwrap();
        bytes.push(0);
        assert!(decode_request(BLOCKS_BY_RANGE_PROTOCOL, &bytes).is_err());
    }
}
