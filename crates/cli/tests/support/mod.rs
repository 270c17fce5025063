//! Helpers shared by the end-to-end tests.

pub mod shared_data;
