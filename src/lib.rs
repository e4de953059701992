#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod spec;
mod transport;
pub mod v1;

pub use transport::Transport;
