//! The HTML pages. Each handler gets the [`Caller`](crate::auth::Caller)
//! the gate identified; access to the route has been checked already.

pub(crate) mod actions;
pub(crate) mod admin;
pub(crate) mod assessment;
pub(crate) mod assets;
pub(crate) mod cases;
pub(crate) mod dashboard;
pub(crate) mod dhr;
pub(crate) mod escalation;
pub(crate) mod fund;
pub(crate) mod import;
pub(crate) mod locations;
pub(crate) mod measures;
pub(crate) mod meetings;
pub(crate) mod narrative;
pub(crate) mod overdue;
pub(crate) mod plan_upload;
pub(crate) mod plans;
pub(crate) mod sign_in;
pub(crate) mod trigger;

use axum::http::{HeaderValue, header};
use axum::response::Response;
use base64_lite::encode as b64;
use sha2::{Digest, Sha256};

use crate::WebError;

/// The fallback: nothing here.
pub(crate) async fn not_found() -> WebError {
    WebError::NotFound("There is nothing at this address.".into())
}

/// Parses an id from the path; anything else is "not found".
pub(crate) fn id_of<T: std::str::FromStr>(text: &str) -> Result<T, WebError> {
    text.parse()
        .map_err(|_| WebError::NotFound(format!("There is no record {text:?}.")))
}

/// A financial year as written in URLs (`2023-24`).
pub(crate) fn year_in_url(y: safer_domain::FinancialYear) -> String {
    y.to_string().replace('/', "-")
}

/// A printable report from `safer-report`, served whole. Its `<style>`
/// blocks are allowed by their SHA-256 hashes and nothing else is relaxed:
/// no scripts, no other styles, no framing, no forms.
pub(crate) fn report_response(html: String) -> Response {
    let mut hashes = String::new();
    let mut rest = html.as_str();
    while let Some(start) = rest.find("<style>") {
        let after = &rest[start + "<style>".len()..];
        let Some(end) = after.find("</style>") else {
            break;
        };
        let css = &after[..end];
        hashes.push_str(&format!(
            " 'sha256-{}'",
            b64(&Sha256::digest(css.as_bytes()))
        ));
        rest = &after[end..];
    }
    let csp = format!(
        "default-src 'none'; img-src 'self' data:; style-src{hashes}; frame-ancestors 'none'; form-action 'none'; base-uri 'none'"
    );
    let mut resp = crate::http::html_response(axum::http::StatusCode::OK, html);
    if let Ok(v) = HeaderValue::from_str(&csp) {
        resp.headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, v);
    }
    resp
}

/// A printable page as a PDF download, printed by Chromium; without one,
/// 503 with the way to print it from a browser instead (`printable`, the
/// page's name).
pub(crate) async fn pdf_download(
    html: String,
    name: &str,
    printable: &str,
) -> Result<Response, WebError> {
    let printable = printable.to_owned();
    let pdf = crate::data::blocking(move || {
        let internal =
            |e: &dyn std::fmt::Display| WebError::Internal(format!("printing the PDF: {e}"));
        let dir = tempfile::tempdir().map_err(|e| internal(&e))?;
        let html_path = dir.path().join("page.html");
        let pdf_path = dir.path().join("page.pdf");
        std::fs::write(&html_path, html).map_err(|e| internal(&e))?;
        if !safer_report::html_to_pdf(&html_path, &pdf_path).map_err(|e| internal(&e))? {
            return Err(WebError::Unavailable(format!(
                "This server cannot print PDFs (it has no Chromium). Open the {printable} and print it from your browser instead."
            )));
        }
        std::fs::read(&pdf_path).map_err(|e| internal(&e))
    })
    .await?;
    Ok(download(pdf, "application/pdf", &format!("{name}.pdf")))
}

/// A download: the bytes, their type and a file name.
pub(crate) fn download(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let safe: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut resp = Response::new(axum::body::Body::from(bytes));
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

/// Standard base64, for CSP hashes.
mod base64_lite {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    pub(crate) fn encode(bytes: &[u8]) -> String {
        let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                chunk.get(1).copied().unwrap_or(0),
                chunk.get(2).copied().unwrap_or(0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
                if i <= chunk.len() {
                    out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    #[cfg(test)]
    #[test]
    fn matches_rfc_4648() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(encode(i.as_bytes()), o);
        }
    }
}
