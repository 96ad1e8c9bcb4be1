//! Bad OCF input: each case names the file, the object and the field, and
//! leaves the book unchanged.

mod common;

use std::io::Write;
use std::path::Path;

use common::*;
use roundbook_ledger::Book;
use roundbook_ocf::{
    company_from, import_into, package::md5_hex, Limits, OcfError, OcfErrorKind, Package,
};
use serde_json::{json, Value};

/// The derived sample package in a temporary folder, with one object of one file changed
/// and the manifest's MD5 for that file recomputed (so only the change is at fault).
fn derived_with(file: &str, id: &str, change: impl FnOnce(&mut Value)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    Package::read(&fixtures().join("acme-derived"))
        .unwrap()
        .write_folder(dir.path())
        .unwrap();
    let path = dir.path().join(file);
    let mut json: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let object = json["items"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|o| o["id"] == id)
        .unwrap();
    change(object);
    write_listed(dir.path(), file, &serde_json::to_vec_pretty(&json).unwrap());
    dir
}

fn write_listed(dir: &Path, file: &str, bytes: &[u8]) {
    std::fs::write(dir.join(file), bytes).unwrap();
    let mpath = dir.join("Manifest.ocf.json");
    let mut m: Value = serde_json::from_slice(&std::fs::read(&mpath).unwrap()).unwrap();
    for list in m.as_object_mut().unwrap().values_mut() {
        for f in list.as_array_mut().into_iter().flatten() {
            if f["filepath"] == format!("./{file}") {
                f["md5"] = json!(md5_hex(bytes));
            }
        }
    }
    std::fs::write(mpath, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
}

/// Reads and imports; the error, after checking the book did not change.
fn import_error(dir: &Path) -> OcfError {
    let pkg = Package::read(dir).unwrap();
    let mut book = Book::new(company_from(&pkg).unwrap()).unwrap();
    let before = fingerprint(&book);
    let err = import_into(&mut book, &pkg).unwrap_err();
    assert_eq!(fingerprint(&book), before, "the book changed on {err}");
    err
}

fn assert_at(err: &OcfError, file: &str, object: &str, field: &str, words: &str) {
    assert_eq!(err.file, file, "{err}");
    assert_eq!(err.object.as_deref(), Some(object), "{err}");
    assert_eq!(err.field.as_deref(), Some(field), "{err}");
    assert!(err.message.contains(words), "{err}");
    let shown = err.to_string();
    assert!(
        shown.contains(file) && shown.contains(object) && shown.contains(field),
        "{shown}"
    );
}

const ISSUANCE: &str = "test-stock-issuance-full-fields";

#[test]
fn huge_numbers_are_refused() {
    let dir = derived_with("Transactions.ocf.json", ISSUANCE, |o| {
        o["quantity"] = json!("100000000000000000000000")
    });
    let err = import_error(dir.path());
    assert_eq!(err.kind, OcfErrorKind::Invalid);
    assert_at(
        &err,
        "Transactions.ocf.json",
        ISSUANCE,
        "quantity",
        "absurdly large",
    );

    // Sixteen digits pass the reader but not the book: 2 x 10^15 shares is more than it holds.
    let dir = derived_with("Transactions.ocf.json", ISSUANCE, |o| {
        o["quantity"] = json!("2000000000000000")
    });
    assert_at(
        &import_error(dir.path()),
        "Transactions.ocf.json",
        ISSUANCE,
        "quantity",
        "more than",
    );

    let dir = derived_with("Transactions.ocf.json", ISSUANCE, |o| {
        o["share_price"]["amount"] = json!("99999999999999999999999.00")
    });
    assert_at(
        &import_error(dir.path()),
        "Transactions.ocf.json",
        ISSUANCE,
        "share_price.amount",
        "absurdly large",
    );
}

#[test]
fn more_than_ten_decimal_places_are_refused() {
    let dir = derived_with("Transactions.ocf.json", ISSUANCE, |o| {
        o["share_price"]["amount"] = json!("1.00000000001")
    });
    let err = import_error(dir.path());
    assert_eq!(err.kind, OcfErrorKind::Invalid);
    assert_at(
        &err,
        "Transactions.ocf.json",
        ISSUANCE,
        "share_price.amount",
        "11 decimal places",
    );
    // Ten are fine.
    let dir = derived_with("Transactions.ocf.json", ISSUANCE, |o| {
        o["share_price"]["amount"] = json!("1.0000000001")
    });
    assert!(import(&Package::read(dir.path()).unwrap()).is_ok());
}

#[test]
fn fractional_shares_are_refused() {
    let dir = derived_with("Transactions.ocf.json", ISSUANCE, |o| {
        o["quantity"] = json!("4800.5")
    });
    assert_at(
        &import_error(dir.path()),
        "Transactions.ocf.json",
        ISSUANCE,
        "quantity",
        "whole number",
    );
}

#[test]
fn wrong_types_are_refused() {
    // A JSON number where OCF's Numeric is a string: read exactly or not at all.
    let dir = derived_with("Transactions.ocf.json", ISSUANCE, |o| {
        o["quantity"] = json!(4800)
    });
    assert_at(
        &import_error(dir.path()),
        "Transactions.ocf.json",
        ISSUANCE,
        "quantity",
        "found a JSON number",
    );

    let holder = "stakeholder-sample-minimal-fields";
    let dir = derived_with("Stakeholders.ocf.json", holder, |o| {
        o["name"] = json!(["XYZ"])
    });
    assert_at(
        &import_error(dir.path()),
        "Stakeholders.ocf.json",
        holder,
        "name",
        "must be an object",
    );

    let class = "cc775778-7d6e-4f8a-93cf-4df2242d7d6d";
    let dir = derived_with("StockClasses.ocf.json", class, |o| {
        o["seniority"] = json!(true)
    });
    assert_at(
        &import_error(dir.path()),
        "StockClasses.ocf.json",
        class,
        "seniority",
        "found true/false",
    );

    let dir = derived_with("Transactions.ocf.json", ISSUANCE, |o| {
        o["date"] = json!("2022-13-01")
    });
    assert_at(
        &import_error(dir.path()),
        "Transactions.ocf.json",
        ISSUANCE,
        "date",
        "not a date",
    );
}

#[test]
fn dangling_references_name_the_field() {
    let dir = derived_with("Transactions.ocf.json", ISSUANCE, |o| {
        o["stakeholder_id"] = json!("nobody")
    });
    assert_at(
        &import_error(dir.path()),
        "Transactions.ocf.json",
        ISSUANCE,
        "stakeholder_id",
        "no stakeholder 'nobody'",
    );
}

#[test]
fn a_movement_the_ledger_refuses_names_the_object() {
    // Cancelling more than the security holds (990 after the transfer).
    let id = "test-stock-cancellation-minimal";
    let dir = derived_with("Transactions.ocf.json", id, |o| {
        o["quantity"] = json!("5000")
    });
    assert_at(
        &import_error(dir.path()),
        "Transactions.ocf.json",
        id,
        "quantity",
        "more than the 990",
    );
}

#[test]
fn deep_nesting_is_refused_before_parsing() {
    let dir = derived_with("Transactions.ocf.json", ISSUANCE, |o| {
        let mut deep = json!("bottom");
        for _ in 0..200 {
            deep = json!([deep]);
        }
        o["comments"] = json!([deep]);
    });
    let err = Package::read(dir.path()).unwrap_err();
    assert_eq!(err.kind, OcfErrorKind::Limit);
    assert_eq!(err.file, "Transactions.ocf.json");
    assert!(err.message.contains("nested deeper than 32"), "{err}");
    assert!(err.message.contains("line "), "{err}");
}

#[test]
fn md5_mismatch_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    Package::read(&fixtures().join("acme-derived"))
        .unwrap()
        .write_folder(dir.path())
        .unwrap();
    let path = dir.path().join("Stakeholders.ocf.json");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("Person Y", "Person Z");
    std::fs::write(&path, text).unwrap();
    let err = Package::read(dir.path()).unwrap_err();
    assert_eq!(err.kind, OcfErrorKind::Md5Mismatch);
    assert_eq!(err.file, "Stakeholders.ocf.json");
    assert_eq!(err.field.as_deref(), Some("md5"));
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn derived_zip_entries() -> Vec<(String, Vec<u8>)> {
    let pkg = Package::read(&fixtures().join("acme-derived")).unwrap();
    let mut out = vec![(
        "Manifest.ocf.json".to_string(),
        pkg.manifest_bytes().to_vec(),
    )];
    out.extend(
        pkg.files()
            .iter()
            .map(|f| (f.path.clone(), f.bytes.clone())),
    );
    out
}

#[test]
fn zip_bomb_is_refused_by_bounded_decompression() {
    // 4 MiB of zeros deflates to a few KiB; with a 1 MiB bound per file it is refused
    // after reading 1 MiB + 1 byte, whatever the entry declares.
    let zeros = vec![b' '; 4 << 20];
    let mut entries = derived_zip_entries();
    let (_, stakeholders) = entries
        .iter_mut()
        .find(|(n, _)| n == "Stakeholders.ocf.json")
        .unwrap();
    let mut padded = stakeholders.clone();
    padded.extend_from_slice(&zeros);
    *stakeholders = padded;
    let refs: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let bytes = zip_of(&refs);
    assert!(
        bytes.len() < 200_000,
        "the bomb is small: {} bytes",
        bytes.len()
    );
    let limits = Limits {
        max_file_bytes: 1 << 20,
        ..Limits::default()
    };
    let err = Package::from_zip_bytes(&bytes, &limits).unwrap_err();
    assert_eq!(err.kind, OcfErrorKind::Limit);
    assert_eq!(err.file, "Stakeholders.ocf.json");
    assert!(err.message.contains("1048576 bytes per file"), "{err}");

    // The total bound: every file under the per-file bound, together over the total.
    let limits = Limits {
        max_total_bytes: 8 << 10,
        ..Limits::default()
    };
    let entries = derived_zip_entries();
    let refs: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let err = Package::from_zip_bytes(&zip_of(&refs), &limits).unwrap_err();
    assert_eq!(err.kind, OcfErrorKind::Limit);
    assert!(err.message.contains("total of 8192 bytes"), "{err}");

    // The entry count.
    let many: Vec<(String, Vec<u8>)> = (0..20).map(|i| (format!("junk/{i}.txt"), vec![])).collect();
    let refs: Vec<(&str, &[u8])> = many
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let err = Package::from_zip_bytes(
        &zip_of(&refs),
        &Limits {
            max_entries: 10,
            ..Limits::default()
        },
    )
    .unwrap_err();
    assert_eq!(err.kind, OcfErrorKind::Limit);
    assert!(err.message.contains("20 entries"), "{err}");
}

#[test]
fn the_same_zip_within_bounds_reads() {
    let entries = derived_zip_entries();
    let refs: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let pkg = Package::from_zip_bytes(&zip_of(&refs), &Limits::default()).unwrap();
    assert_eq!(pkg.files().len(), 5);
    // A package inside one folder of the zip reads too.
    let nested: Vec<(String, &[u8])> = refs
        .iter()
        .map(|(n, b)| (format!("acme/{n}"), *b))
        .collect();
    let refs: Vec<(&str, &[u8])> = nested.iter().map(|(n, b)| (n.as_str(), *b)).collect();
    assert_eq!(
        Package::from_zip_bytes(&zip_of(&refs), &Limits::default())
            .unwrap()
            .files()
            .len(),
        5
    );
}

#[test]
fn zip_entries_that_escape_the_folder_are_refused() {
    let entries = derived_zip_entries();
    for evil in [
        "../evil.json",
        "a/../../evil.json",
        "/etc/evil.json",
        "C:/evil.json",
        "..\\evil.json",
    ] {
        let mut refs: Vec<(&str, &[u8])> = entries
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        refs.push((evil, b"{}"));
        let err = Package::from_zip_bytes(&zip_of(&refs), &Limits::default()).unwrap_err();
        assert_eq!(err.kind, OcfErrorKind::Limit, "{evil}: {err}");
        assert_eq!(err.file, evil);
        assert_eq!(err.field.as_deref(), Some("zip entry path"));
    }
}

#[test]
fn manifest_paths_that_escape_the_folder_are_refused() {
    let outer = tempfile::tempdir().unwrap();
    let dir = outer.path().join("pkg");
    std::fs::create_dir(&dir).unwrap();
    Package::read(&fixtures().join("acme-derived"))
        .unwrap()
        .write_folder(&dir)
        .unwrap();
    std::fs::write(outer.path().join("secret.json"), b"{}").unwrap();
    for path in ["../secret.json", "/etc/passwd"] {
        let mpath = dir.join("Manifest.ocf.json");
        let mut m: Value = serde_json::from_slice(&std::fs::read(&mpath).unwrap()).unwrap();
        m["stakeholders_files"][0]["filepath"] = json!(path);
        std::fs::write(&mpath, serde_json::to_vec(&m).unwrap()).unwrap();
        let err = Package::read(&dir).unwrap_err();
        assert_eq!(err.kind, OcfErrorKind::Limit, "{path}: {err}");
        assert_eq!(err.file, "Manifest.ocf.json");
        assert_eq!(err.field.as_deref(), Some("stakeholders_files"));
    }
    // A symbolic link inside the folder that points out of it is refused too.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(outer.path().join("secret.json"), dir.join("link.json"))
            .unwrap();
        let mpath = dir.join("Manifest.ocf.json");
        let mut m: Value = serde_json::from_slice(&std::fs::read(&mpath).unwrap()).unwrap();
        m["stakeholders_files"][0]["filepath"] = json!("./link.json");
        std::fs::write(&mpath, serde_json::to_vec(&m).unwrap()).unwrap();
        let err = Package::read(&dir).unwrap_err();
        assert_eq!(err.kind, OcfErrorKind::Limit, "{err}");
        assert_eq!(err.file, "link.json");
    }
}

#[test]
fn another_ocf_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    Package::read(&fixtures().join("acme-derived"))
        .unwrap()
        .write_folder(dir.path())
        .unwrap();
    let mpath = dir.path().join("Manifest.ocf.json");
    let mut m: Value = serde_json::from_slice(&std::fs::read(&mpath).unwrap()).unwrap();
    m["ocf_version"] = json!("1.1.0");
    std::fs::write(&mpath, serde_json::to_vec(&m).unwrap()).unwrap();
    let err = Package::read(dir.path()).unwrap_err();
    assert_eq!(err.kind, OcfErrorKind::Unsupported);
    assert_eq!(err.field.as_deref(), Some("ocf_version"));
}

#[test]
fn importing_into_a_book_that_holds_something_is_refused() {
    let pkg = Package::read(&fixtures().join("acme-derived")).unwrap();
    let (mut book, _) = import(&pkg).unwrap();
    let before = fingerprint(&book);
    assert!(import_into(&mut book, &pkg).is_err());
    assert_eq!(fingerprint(&book), before);
}

mod numbers {
    use proptest::prelude::*;
    use roundbook_ocf::parse_numeric;

    proptest! {
        /// Any decimal with at most ten places and sixteen integer digits reads back exactly.
        #[test]
        fn numerics_read_exactly(int in 0u64..10_000_000_000_000_000, frac in 0u64..10_000_000_000, places in 0usize..=10) {
            let s = if places == 0 { int.to_string() } else { format!("{int}.{:0>width$}", frac % 10u64.pow(places as u32), width = places) };
            let d = parse_numeric(&s).unwrap();
            prop_assert_eq!(d.to_string(), s);
        }

        #[test]
        fn eleven_places_or_more_never_read(int in 0u64..1000, extra in 11usize..30) {
            let s = format!("{int}.{}", "1".repeat(extra));
            prop_assert!(parse_numeric(&s).unwrap_err().contains("decimal places"));
        }
    }

    #[test]
    fn malformed_numerics() {
        for s in ["", "1e5", "1.", ".5", "0x10", "1,000", " 1", "NaN", "--1"] {
            assert!(parse_numeric(s).is_err(), "{s}");
        }
        assert_eq!(
            parse_numeric("+10000000.00").unwrap().to_string(),
            "10000000.00"
        );
        assert_eq!(parse_numeric("-5").unwrap().to_string(), "-5");
    }
}

#[test]
fn a_pool_that_shrinks_is_refused() {
    let id = "increase_sop_pool";
    let dir = derived_with("Transactions.ocf.json", id, |o| {
        o["shares_reserved"] = json!("5000000")
    });
    let err = import_error(dir.path());
    assert_eq!(err.kind, OcfErrorKind::Unsupported);
    assert_at(
        &err,
        "Transactions.ocf.json",
        id,
        "shares_reserved",
        "below the 10000000 reserved",
    );
}

#[test]
fn a_retraction_of_a_security_already_moved_is_refused() {
    // test-security-id was transferred from on the same day: it cannot be retracted as if never issued.
    let id = "test-stock-retraction-minimal";
    let dir = derived_with("Transactions.ocf.json", id, |o| {
        o["security_id"] = json!("test-stock-issuance-security-id")
    });
    // Person X's 4800-share security is untouched: that retraction is accepted...
    let (book, _) = import(&Package::read(dir.path()).unwrap()).unwrap();
    assert!(holdings(&table(&book, "2022-12-31"))
        .iter()
        .all(|h| h.0 != "Person X"));
    // ...but the Seed security, transferred from earlier that day, is closed.
    let dir = derived_with("Transactions.ocf.json", id, |o| {
        o["security_id"] = json!("test-security-id")
    });
    assert_at(
        &import_error(dir.path()),
        "Transactions.ocf.json",
        id,
        "security_id",
        "already closed",
    );
}

#[test]
fn a_balance_that_does_not_add_up_is_refused() {
    let id = "transfer-balance-issuance";
    let dir = derived_with("Transactions.ocf.json", id, |o| {
        o["quantity"] = json!("991")
    });
    let err = import_error(dir.path());
    assert_at(
        &err,
        "Transactions.ocf.json",
        "test-stock-transfer-minimal",
        "balance_security_id",
        "the 990 left",
    );
}

#[test]
fn a_package_reads_from_its_manifest_path_too() {
    let pkg = Package::read(&fixtures().join("acme-derived/Manifest.ocf.json")).unwrap();
    assert_eq!(pkg.files().len(), 5);
}
