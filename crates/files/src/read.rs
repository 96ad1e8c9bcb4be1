//! Reading a file the user named: a regular file only (a FIFO would block the reader forever,
//! `/dev/zero` would fill memory), and at most `MAX_INPUT_BYTES`.

use std::io::Read;
use std::path::Path;

use crate::error::{FilesError, FilesResult};
use roundbook_application::ErrorCode;

/// The most bytes a CSV, a scenario or a deal file may hold: 64 MiB, about 600,000 CSV rows.
pub const MAX_INPUT_BYTES: u64 = 64 << 20;

/// The whole file, if it is a regular file of at most `MAX_INPUT_BYTES`.
pub fn read_input(path: &Path) -> FilesResult<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| FilesError::io(path, e))?;
    if !meta.is_file() {
        return Err(FilesError::new(
            ErrorCode::Io,
            format!("{}: not a regular file; give a file", path.display()),
        ));
    }
    let file = std::fs::File::open(path).map_err(|e| FilesError::io(path, e))?;
    bounded(file, &path.display().to_string())
}

/// The same for text (UTF-8).
pub fn read_input_text(path: &Path) -> FilesResult<String> {
    utf8(read_input(path)?, &path.display().to_string())
}

/// Standard input, bounded the same way.
pub fn read_stdin_text() -> FilesResult<String> {
    utf8(bounded(std::io::stdin().lock(), "<stdin>")?, "<stdin>")
}

fn bounded(reader: impl Read, name: &str) -> FilesResult<Vec<u8>> {
    let mut bytes = vec![];
    reader
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| FilesError::io(Path::new(name), e))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(FilesError::new(
            ErrorCode::Limit,
            format!("{name}: larger than {} MiB; refused", MAX_INPUT_BYTES >> 20),
        ));
    }
    Ok(bytes)
}

fn utf8(bytes: Vec<u8>, name: &str) -> FilesResult<String> {
    String::from_utf8(bytes)
        .map_err(|e| FilesError::new(ErrorCode::Invalid, format!("{name}: not UTF-8 text ({e})")))
}
