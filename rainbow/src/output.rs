//! Writing to stdout without panicking when the reader goes away (`rainbow … | head`).
use std::io::Write;

/// Writes one line to stdout; a closed pipe surfaces as an `io::Error` of kind `BrokenPipe`.
pub fn line(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{text}")?;
    Ok(())
}

/// True when the error is a write into a closed pipe: the reader stopped, which is not a failure.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<std::io::Error>()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}
