//! Printing an HTML report to PDF with headless Chromium.
//!
//! The reports are designed for print (A4, page breaks, `@page` rules), so
//! Chromium's own print engine gives the PDF: no PDF library, and the PDF
//! looks exactly like the printed page. Chromium is optional: without it,
//! [`html_to_pdf`] says so (`Ok(false)`) and the HTML can be printed from
//! any browser instead.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::ReportError;

/// The programs looked for on `PATH`, in order.
pub const CHROMIUM_NAMES: [&str; 3] = ["chromium", "chromium-browser", "google-chrome"];

/// The environment variable naming the Chromium to use (a path, or a
/// program name looked up on `PATH`).
pub const CHROMIUM_ENV: &str = "SAFER_CHROMIUM";

/// How long Chromium may take to print one report before it is killed.
const TIMEOUT: Duration = Duration::from_secs(120);

/// How many lines of Chromium's error output an error quotes.
const LOG_LINES: usize = 5;

/// Whether `p` is a file this process may run.
fn is_executable(p: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(p) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

/// Looks a program name up in the directories of a `PATH` value.
fn on_path(name: &OsStr, path: Option<&OsStr>) -> Option<PathBuf> {
    std::env::split_paths(path?)
        .filter(|dir| !dir.as_os_str().is_empty())
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

/// Finds Chromium: the override (the value of `SAFER_CHROMIUM`) when it
/// names a program that exists, either as a path or as a name on `path`;
/// otherwise the first of `names` found on `path`. `None` when there is none.
pub(crate) fn find_chromium(
    override_: Option<&OsStr>,
    path: Option<&OsStr>,
    names: &[&str],
) -> Option<PathBuf> {
    if let Some(o) = override_.filter(|o| !o.is_empty()) {
        let p = Path::new(o);
        let found = if p.components().count() > 1 || p.is_absolute() {
            is_executable(p).then(|| p.to_owned())
        } else {
            on_path(o, path)
        };
        if found.is_some() {
            return found;
        }
    }
    names.iter().find_map(|n| on_path(OsStr::new(n), path))
}

/// An absolute path as a `file://` URL, percent-encoding every byte but
/// the unreserved ones and `/`.
fn file_url(abs: &Path) -> String {
    let mut url = String::from("file://");
    let bytes = abs.as_os_str().as_encoded_bytes();
    if bytes.first() != Some(&b'/') {
        url.push('/'); // a Windows drive letter: file:///C:/…
    }
    for &b in bytes {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                url.push(b as char);
            }
            b'\\' => url.push('/'),
            b':' if cfg!(windows) => url.push(':'),
            _ => url.push_str(&format!("%{b:02X}")),
        }
    }
    url
}

/// A path made absolute against the current directory.
fn absolute(p: &Path) -> Result<PathBuf, ReportError> {
    std::path::absolute(p).map_err(|source| ReportError::Io {
        path: p.to_owned(),
        source,
    })
}

/// The last few non-empty lines of Chromium's error output.
fn log_tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(LOG_LINES)..].join("\n")
}

/// Kills Chromium and, on Unix, every process of its group (the renderer
/// and helper processes it started). Best effort.
fn kill(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        // The child leads its own process group (see `process_group(0)`),
        // and is not reaped yet, so the group id is still its own.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", child.id())])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Prints `html` to `pdf` with the given Chromium (or says there is none).
pub(crate) fn print_with(
    chromium: Option<&Path>,
    html: &Path,
    pdf: &Path,
    timeout: Duration,
) -> Result<bool, ReportError> {
    let Some(chromium) = chromium else {
        return Ok(false);
    };
    let html = std::fs::canonicalize(html).map_err(|source| ReportError::Io {
        path: html.to_owned(),
        source,
    })?;
    let pdf = absolute(pdf)?;
    // A PDF left from an earlier run must not pass for this one.
    match std::fs::remove_file(&pdf) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(source) => return Err(ReportError::Io { path: pdf, source }),
    }
    let scratch = tempfile::Builder::new()
        .prefix("safer-chromium-")
        .tempdir()
        .map_err(|source| ReportError::Io {
            path: std::env::temp_dir(),
            source,
        })?;
    let profile = scratch.path().join("profile");
    let log = scratch.path().join("chromium.log");
    let log_file = std::fs::File::create(&log).map_err(|source| ReportError::Io {
        path: log.clone(),
        source,
    })?;

    let mut cmd = Command::new(chromium);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--no-pdf-header-footer",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .arg({
        let mut a = OsString::from("--print-to-pdf=");
        a.push(pdf.as_os_str());
        a
    })
    .arg(file_url(&html))
    .stdin(Stdio::null())
    .stdout(Stdio::null())
    .stderr(log_file);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let what = || format!("{} printing {}", chromium.display(), html.display());
    let mut child = cmd
        .spawn()
        .map_err(|e| ReportError::Pdf(format!("{}: could not start: {e}", what())))?;
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                kill(&mut child);
                return Err(ReportError::Pdf(format!(
                    "{}: no PDF after {} s, so Chromium was stopped",
                    what(),
                    timeout.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => {
                kill(&mut child);
                return Err(ReportError::Pdf(format!("{}: {e}", what())));
            }
        }
    };
    if !status.success() {
        return Err(ReportError::Pdf(format!(
            "{}: Chromium failed ({status}): {}",
            what(),
            log_tail(&log)
        )));
    }
    let mut head = [0u8; 4];
    let ok = std::fs::File::open(&pdf).and_then(|mut f| {
        use std::io::Read;
        f.read_exact(&mut head)
    });
    if ok.is_err() || &head != b"%PDF" {
        return Err(ReportError::Pdf(format!(
            "{}: Chromium exited but {} is missing, empty or not a PDF: {}",
            what(),
            pdf.display(),
            log_tail(&log)
        )));
    }
    Ok(true)
}

/// [`crate::html_to_pdf`] with the lookup spelt out: the override (the
/// value of `SAFER_CHROMIUM`), the `PATH` value and the names to look for.
pub(crate) fn html_to_pdf_with(
    html: &Path,
    pdf: &Path,
    override_: Option<&OsStr>,
    path: Option<&OsStr>,
    names: &[&str],
) -> Result<bool, ReportError> {
    let chromium = find_chromium(override_, path, names);
    print_with(chromium.as_deref(), html, pdf, TIMEOUT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny(dir: &Path) -> PathBuf {
        let html = dir.join("tiny page.html");
        std::fs::write(
            &html,
            "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>t</title></head><body><h1>Tiny £ report</h1></body></html>",
        )
        .unwrap();
        html
    }

    #[test]
    fn no_chromium_is_not_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let html = tiny(dir.path());
        let pdf = dir.path().join("tiny.pdf");
        let missing = dir.path().join("no-such-chromium");
        assert_eq!(
            find_chromium(Some(missing.as_os_str()), None, &CHROMIUM_NAMES),
            None
        );
        let made = html_to_pdf_with(&html, &pdf, Some(missing.as_os_str()), None, &[]).unwrap();
        assert!(!made);
        assert!(!pdf.exists());
    }

    #[cfg(unix)]
    #[test]
    fn the_override_wins_and_falls_back_to_path() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        let fake = script(&bin, "chromium-browser", "exit 3");
        let path = bin.as_os_str();
        // Found on PATH by its name.
        assert_eq!(
            find_chromium(None, Some(path), &CHROMIUM_NAMES),
            Some(fake.clone())
        );
        // An override by name or by path.
        assert_eq!(
            find_chromium(Some(OsStr::new("chromium-browser")), Some(path), &[]),
            Some(fake.clone())
        );
        assert_eq!(
            find_chromium(Some(fake.as_os_str()), None, &[]),
            Some(fake.clone())
        );
        // A missing override falls back to the names on PATH.
        assert_eq!(
            find_chromium(
                Some(OsStr::new("/nowhere/chrome")),
                Some(path),
                &CHROMIUM_NAMES
            ),
            Some(fake.clone())
        );
        // A file that is not executable is not a program.
        std::fs::write(bin.join("chromium"), "").unwrap();
        assert_eq!(find_chromium(None, Some(path), &["chromium"]), None);
    }

    /// Runs a fake Chromium just written, retrying while another test's
    /// fork still holds the script open ("Text file busy").
    #[cfg(unix)]
    fn run_fake(fake: &Path, html: &Path, pdf: &Path, timeout: Duration) -> ReportError {
        for _ in 0..50 {
            match print_with(Some(fake), html, pdf, timeout) {
                Err(ReportError::Pdf(m)) if m.contains("os error 26") => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => return e,
                Ok(made) => panic!("the fake Chromium made a PDF: {made}"),
            }
        }
        panic!("{} stayed busy", fake.display());
    }

    /// Writes an executable shell script.
    #[cfg(unix)]
    fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let p = dir.join(name);
        std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        p
    }

    #[cfg(unix)]
    #[test]
    fn a_failing_chromium_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let html = tiny(dir.path());
        let pdf = dir.path().join("tiny.pdf");
        let fails = script(dir.path(), "fails", "echo 'it broke' >&2\nexit 3");
        let err = run_fake(&fails, &html, &pdf, TIMEOUT);
        assert!(matches!(err, ReportError::Pdf(_)));
        assert!(err.to_string().contains("it broke"), "{err}");
        // Exits cleanly but writes no PDF, or not a PDF.
        let silent = script(dir.path(), "silent", "exit 0");
        let err = run_fake(&silent, &html, &pdf, TIMEOUT);
        assert!(err.to_string().contains("not a PDF"), "{err}");
        let junk = script(
            dir.path(),
            "junk",
            "for a in \"$@\"; do case $a in --print-to-pdf=*) echo junk > \"${a#--print-to-pdf=}\";; esac; done",
        );
        let err = run_fake(&junk, &html, &pdf, TIMEOUT);
        assert!(err.to_string().contains("not a PDF"), "{err}");
        assert_eq!(std::fs::read_to_string(&pdf).unwrap(), "junk\n");
        // Hangs: killed at the timeout.
        let hangs = script(dir.path(), "hangs", "sleep 30");
        let started = Instant::now();
        let err = run_fake(&hangs, &html, &pdf, Duration::from_millis(300));
        assert!(err.to_string().contains("no PDF after"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn file_urls_are_percent_encoded() {
        assert_eq!(
            file_url(Path::new("/tmp/a b/£.html")),
            "file:///tmp/a%20b/%C2%A3.html"
        );
    }

    #[test]
    fn prints_a_pdf_when_chromium_is_installed() {
        let chromium = find_chromium(
            std::env::var_os(CHROMIUM_ENV).as_deref(),
            std::env::var_os("PATH").as_deref(),
            &CHROMIUM_NAMES,
        );
        if chromium.is_none() {
            // CI installs Chromium, so there this is a failure, not a skip.
            assert_ne!(
                std::env::var("CI").as_deref(),
                Ok("true"),
                "CI must have Chromium for the PDF tests"
            );
            eprintln!("no Chromium on PATH: skipping the PDF test");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let html = tiny(dir.path());
        let pdf = dir.path().join("out dir").join("tiny.pdf");
        std::fs::create_dir_all(pdf.parent().unwrap()).unwrap();
        assert!(crate::html_to_pdf(&html, &pdf).unwrap());
        let bytes = std::fs::read(&pdf).unwrap();
        assert!(bytes.starts_with(b"%PDF"), "not a PDF");
    }
}
