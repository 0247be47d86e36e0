//! In-memory Lightfield server.
