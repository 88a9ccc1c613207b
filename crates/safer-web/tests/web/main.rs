//! The web application end to end: a real server on 127.0.0.1, a real
//! database (SQLite, and PostgreSQL when `SAFER_TEST_POSTGRES` is set) and
//! the real Charnwood data.

mod helpers;

mod access;
mod api;
mod audit;
mod auth;
mod duties;
mod escaping;
mod need_to_know;
mod observe;
mod pages;
mod rights;
mod tasks;
