//! Finding personal identifiers in chat text.

pub mod checks;
