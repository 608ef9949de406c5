//! Core integration tests: one binary, one module per concern.

mod common;

mod at_rest;
mod audit_chain;
mod crash;
mod customers;
mod demo;
mod documents;
mod import;
mod intakes;
mod keys;
mod lifecycle;
mod pdfa;
mod search;
