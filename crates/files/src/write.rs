//! Writing a whole file so that a reader sees the old file or the whole new one, never part.

use std::path::Path;

use crate::error::{FilesError, FilesResult};

/// Writes beside the target, then renames: the target is either the old file or the whole new one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> FilesResult<()> {
    let name = path.file_name().ok_or_else(|| {
        FilesError::invalid("out", format!("'{}' is not a file name", path.display()))
    })?;
    let partial = path.with_file_name(format!(
        ".{}.partial-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = std::fs::write(&partial, bytes).and_then(|()| std::fs::rename(&partial, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(FilesError::io(path, e));
    }
    Ok(())
}
