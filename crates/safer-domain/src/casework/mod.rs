//! Case work: the people, places and cases the partnership's forums (the
//! Joint Action Group, the Youth JAG, the Adults at Risk Group) manage, and
//! the rules on them that are the same whatever stores or shows them.
//!
//! - [`access`]: need to know, the [`access::CaseScope`] of a user;
//! - [`person`]: a person and their vulnerabilities, and the duplicate
//!   matcher run when one is entered;
//! - [`case`]: a case's roles, forum, type, risk level and status;
//! - [`clock`]: a duty's time limit in calendar or working days, and when
//!   it falls due;
//! - [`trigger`]: the ASB case review (Community Trigger) threshold, with
//!   its explanation;
//! - [`config`]: the partnership's case-work settings [K];
//! - [`dhr`]: Domestic Homicide Reviews' stages and clocks;
//! - [`escalation`]: the ASB escalation ladder's rules and the ABC's clock;
//! - [`group`]: a group of people the forums manage together;
//! - [`letters`]: the Community Trigger letters' templates;
//! - [`location`]: a location and the police.uk place it stands at;
//! - [`chronology`]: the entries of a case's chronology;
//! - [`case_action`]: the actions agreed on a case and when they are late;
//! - [`meeting`]: when cases are due for review, and a meeting's agenda;
//! - [`repeat`]: repeat victims and repeat locations (N incidents within M
//!   months, configurable);
//! - [`records`]: the case records plan measures count, by month;
//! - [`referral`]: referrals out of a case (Channel, exploitation, county
//!   lines, cuckooing, drugs);
//! - [`youth`]: Youth ASB Police Management Plans and diversionary
//!   activities;
//! - [`risk`]: the victim-focused ASB risk assessment, its questions and
//!   bands configurable.
//!
//! Like the rest of the domain: no IO, and no English in what the rules
//! return beyond the labels of their own terms.

pub mod access;
pub mod case;
pub mod case_action;
pub mod chronology;
pub mod clock;
pub mod config;
pub mod dhr;
pub mod escalation;
pub mod group;
pub mod letters;
pub mod location;
pub mod meeting;
pub mod person;
pub mod records;
pub mod referral;
pub mod repeat;
pub mod risk;
pub mod trigger;
pub mod youth;
