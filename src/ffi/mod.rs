//! The C ABI. All `unsafe` code of the crate lives under this module.
#![allow(unsafe_code)]

pub(crate) mod sys;
