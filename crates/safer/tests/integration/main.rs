//! End-to-end tests of the `safer` binary on the real police.uk data in
//! ../shared/data. One test binary for the crate: each extra binary is
//! another link, which is most of an incremental test build.

mod helpers;

mod architecture;
mod assess;
mod demo;
mod import;
mod plan;
