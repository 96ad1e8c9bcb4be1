//! Open Cap Table Format v1.2.0 import and export (issue 7).
