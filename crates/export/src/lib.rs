//! Tables out of the book as CSV and XLSX; the cap table CSV in (issue 7).
