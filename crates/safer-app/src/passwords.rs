//! Passwords and tokens: argon2id PHC strings, generated passwords, and
//! random tokens stored only as their SHA-256 digests.

use rand::{Rng, RngCore, rngs::OsRng};
use sha2::{Digest, Sha256};

use crate::AppError;

/// The cost of argon2id password hashing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordCost {
    /// OWASP's recommendation: 19 MiB, two passes, one lane.
    Production,
    /// The smallest parameters argon2 allows (8 KiB, one pass): for tests
    /// only, where hundreds of sign-ins must take milliseconds.
    FastForTests,
}

/// The characters of generated passwords: no 0/O, 1/l/I.
const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/// Hashes a password as an argon2id PHC string.
pub fn hash_password(password: &str, cost: PasswordCost) -> Result<String, AppError> {
    use argon2::password_hash::{PasswordHasher, SaltString};
    use argon2::{Algorithm, Argon2, Params, Version};
    let params = match cost {
        PasswordCost::Production => Params::new(19 * 1024, 2, 1, None),
        PasswordCost::FastForTests => Params::new(Params::MIN_M_COST, 1, 1, None),
    }
    .map_err(|e| AppError::Internal(format!("password hashing: {e}")))?;
    let salt = SaltString::generate(&mut OsRng);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("password hashing: {e}")))
}

/// Whether `password` matches the PHC string (parameters from the string).
/// The comparison is the `argon2` crate's, in constant time.
pub fn verify_password(password: &str, phc: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    match PasswordHash::new(phc) {
        Ok(parsed) => argon2::Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Twenty random characters from an alphabet without look-alikes: for demo
/// accounts and password resets.
pub fn generate_password() -> String {
    (0..20)
        .map(|_| char::from(ALPHABET[OsRng.gen_range(0..ALPHABET.len())]))
        .collect()
}

/// The lowest zxcvbn score (0 to 4) a password may have: 3, "safely
/// unguessable: moderate protection from offline slow-hash scenario".
const MIN_SCORE: zxcvbn::Score = zxcvbn::Score::Three;

/// At least 12 characters (and at most 256), and not easily guessed: not a
/// common password, a keyboard run, a repeat, a date, or built from the
/// user's own names (`user_inputs`: username, display name, agency), by
/// zxcvbn's estimate. The message says why, for the person choosing it.
pub fn check_password_strength(password: &str, user_inputs: &[&str]) -> Result<(), String> {
    let n = password.chars().count();
    if n < 12 {
        return Err(format!(
            "The password must be at least 12 characters long; this one has {n}."
        ));
    }
    if n > 256 {
        return Err("The password must be at most 256 characters long.".into());
    }
    if password.trim().is_empty() {
        return Err("The password must not be only spaces.".into());
    }
    let mut inputs: Vec<&str> = user_inputs.to_vec();
    inputs.extend(["safer", "charnwood", "partnership", "community safety"]);
    let estimate = zxcvbn::zxcvbn(password, &inputs);
    if estimate.score() < MIN_SCORE {
        let why = estimate
            .feedback()
            .and_then(|f| f.warning())
            .map(|w| format!(" {w}"))
            .unwrap_or_default();
        return Err(format!(
            "The password is too easy to guess.{why} Use a longer phrase of unrelated words."
        ));
    }
    Ok(())
}

/// 32 random bytes as 64 hex characters: session and API tokens.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    OsRng.fill_bytes(&mut b);
    hex(&b)
}

/// The SHA-256 of a token, hex: what the database stores.
pub fn digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse battery", PasswordCost::FastForTests).unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=8,t=1,p=1$"), "{h}");
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterz", &h));
        assert!(!verify_password("x", "not a hash"));
        let p = hash_password("x", PasswordCost::Production).unwrap();
        assert!(p.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{p}");
    }

    #[test]
    fn generated_passwords_are_strong_and_unambiguous() {
        let a = generate_password();
        assert_eq!(a.len(), 20);
        assert!(a.bytes().all(|b| ALPHABET.contains(&b)));
        assert!(!a.contains(['0', 'O', '1', 'l', 'I']));
        assert_ne!(a, generate_password());
        assert!(check_password_strength(&a, &[]).is_ok());
    }

    #[test]
    fn strength_says_why_not() {
        assert!(
            check_password_strength("short", &[])
                .unwrap_err()
                .contains("12")
        );
        assert!(check_password_strength("aaaaaaaaaaaaaaa", &[]).is_err());
        assert!(check_password_strength("a long enough pass", &[]).is_ok());
    }

    #[test]
    fn tokens_are_random_and_digests_hex() {
        assert_ne!(random_token(), random_token());
        assert_eq!(random_token().len(), 64);
        assert_eq!(digest("abc").len(), 64);
    }

    #[test]
    fn weak_passwords_are_refused_with_a_reason() {
        for weak in [
            "short",
            "Password123!",
            "qwertyuiop123",
            "aaaaaaaaaaaa1",
            "            ",
            "jsmith-jsmith-2024",
        ] {
            let e = check_password_strength(weak, &["jsmith", "J Smith"]).unwrap_err();
            assert!(e.ends_with('.'), "{weak:?}: {e}");
        }
        assert!(
            check_password_strength("Password123!", &[])
                .unwrap_err()
                .contains("commonly used")
        );
        for strong in ["a brand new password", "correct horse battery staple"] {
            assert_eq!(
                check_password_strength(strong, &["jsmith"]),
                Ok(()),
                "{strong}"
            );
        }
    }

    #[test]
    fn generated_passwords_are_strong() {
        for _ in 0..20 {
            let p = generate_password();
            assert_eq!(check_password_strength(&p, &[]), Ok(()), "{p}");
        }
    }
}
