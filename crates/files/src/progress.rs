//! Steps of a long export or import, told to whoever watches, who may stop the work there.

use crate::error::FilesResult;

/// "Step 2 of 3: rendering the report".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub number: u32,
    pub of: u32,
    pub what: &'static str,
}

/// Told before each step; an error (the user's Cancel) stops the work before that step, and
/// nothing is left written.
pub type Watch<'a> = &'a (dyn Fn(Step) -> FilesResult<()> + Sync);

/// For callers with nobody watching (the CLI: Ctrl-C ends the process, and the temporary
/// file of an export is never renamed into place).
pub fn unwatched(_: Step) -> FilesResult<()> {
    Ok(())
}

pub(crate) fn step(watch: Watch<'_>, number: u32, of: u32, what: &'static str) -> FilesResult<()> {
    watch(Step { number, of, what })
}
