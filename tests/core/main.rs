//! Core integration tests: one binary, one module per concern.

mod common;

mod anchor;
mod at_rest;
mod audit_chain;
mod backup;
mod breaches;
mod crash;
mod customers;
mod demo;
mod documents;
mod hardening;
mod import;
mod intakes;
mod keys;
mod lifecycle;
mod pdfa;
mod pins;
mod recipients;
mod requests;
mod revocation;
mod search;
mod truthful;
mod upgrade;
mod verification;
mod words;
