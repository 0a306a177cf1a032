// Queries of the JSON API (tokens), written once and compiled per backend like queries.rs
// (this file is included after it, into the same modules).
