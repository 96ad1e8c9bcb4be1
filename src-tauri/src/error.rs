//! The one error the page sees is the application layer's: `{code, message, field}`. The code
//! is an `ErrorCode` (ui/src/bindings.ts), the message names the field or file at fault, and
//! `field` lets a form put the message beside the input it concerns.

pub use roundbook_application::{Error as AppError, ErrorCode};

pub type AppResult<T> = Result<T, AppError>;
