//! The PDF board report (issue 7).
