//! Helpers shared by the end-to-end tests; each test file uses some of them.

#![allow(dead_code, reason = "each test binary uses a part of the helpers")]

pub mod cmd;
pub mod imported;
pub mod shared_data;
