//! An OCF package: the manifest and the files it lists, read from a zip or a folder
//! with every bound checked before a byte is trusted, or assembled for export.

use std::collections::BTreeMap;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use md5::{Digest, Md5};
use serde_json::{Map, Value};

use crate::error::{OcfError, OcfErrorKind, Result};

pub const MANIFEST_NAME: &str = "Manifest.ocf.json";
pub const OCF_VERSION: &str = "1.2.0";

/// Bounds on what a package may make us read. A zip's declared sizes can lie, so each
/// entry is decompressed through a counter, never trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Entries in a zip (files and folders), listed or not.
    pub max_entries: usize,
    /// Bytes of one file, uncompressed.
    pub max_file_bytes: u64,
    /// Bytes of the manifest and every listed file together, uncompressed.
    pub max_total_bytes: u64,
    /// Nesting of JSON arrays and objects. OCF's deepest objects nest about ten levels.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 10_000,
            max_file_bytes: 64 << 20,
            max_total_bytes: 1 << 30,
            max_depth: 32,
        }
    }
}

/// The kinds of file a manifest lists: its key, and the `file_type` each file must declare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileType {
    StockPlans,
    StockLegendTemplates,
    StockClasses,
    VestingTerms,
    Valuations,
    Transactions,
    Stakeholders,
    Financings,
    Documents,
}

impl FileType {
    pub const ALL: [FileType; 9] = [
        FileType::StockPlans,
        FileType::StockLegendTemplates,
        FileType::StockClasses,
        FileType::VestingTerms,
        FileType::Valuations,
        FileType::Transactions,
        FileType::Stakeholders,
        FileType::Financings,
        FileType::Documents,
    ];

    /// The manifest's array of files of this kind.
    pub fn manifest_key(self) -> &'static str {
        match self {
            FileType::StockPlans => "stock_plans_files",
            FileType::StockLegendTemplates => "stock_legend_templates_files",
            FileType::StockClasses => "stock_classes_files",
            FileType::VestingTerms => "vesting_terms_files",
            FileType::Valuations => "valuations_files",
            FileType::Transactions => "transactions_files",
            FileType::Stakeholders => "stakeholders_files",
            FileType::Financings => "financings_files",
            FileType::Documents => "documents_files",
        }
    }

    pub fn file_type(self) -> &'static str {
        match self {
            FileType::StockPlans => "OCF_STOCK_PLANS_FILE",
            FileType::StockLegendTemplates => "OCF_STOCK_LEGEND_TEMPLATES_FILE",
            FileType::StockClasses => "OCF_STOCK_CLASSES_FILE",
            FileType::VestingTerms => "OCF_VESTING_TERMS_FILE",
            FileType::Valuations => "OCF_VALUATIONS_FILE",
            FileType::Transactions => "OCF_TRANSACTIONS_FILE",
            FileType::Stakeholders => "OCF_STAKEHOLDERS_FILE",
            FileType::Financings => "OCF_FINANCINGS_FILE",
            FileType::Documents => "OCF_DOCUMENTS_FILE",
        }
    }

    /// Whether the v1.2.0 manifest schema requires the array (the last two are optional).
    pub fn required_in_manifest(self) -> bool {
        !matches!(self, FileType::Financings | FileType::Documents)
    }
}

/// One listed file: its path inside the package, its bytes and its parsed JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct OcfFile {
    /// Relative to the manifest's folder, normalised (`Stakeholders.ocf.json`).
    pub path: String,
    pub file_type: FileType,
    pub bytes: Vec<u8>,
    pub json: Value,
}

impl OcfFile {
    /// The file's `items`, each an OCF object.
    pub fn items(&self) -> &[Value] {
        self.json
            .get("items")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Package {
    manifest_bytes: Vec<u8>,
    manifest: Value,
    files: Vec<OcfFile>,
}

impl Package {
    /// Reads a package from a zip file or a folder (or a folder's Manifest.ocf.json).
    pub fn read(path: &Path) -> Result<Package> {
        Package::read_with(path, &Limits::default())
    }

    pub fn read_with(path: &Path, limits: &Limits) -> Result<Package> {
        let shown = path.display().to_string();
        let meta = std::fs::metadata(path)
            .map_err(|e| OcfError::new(OcfErrorKind::Io, &shown, e.to_string()))?;
        if meta.is_dir() {
            read_folder(path, limits)
        } else if path.file_name().and_then(|n| n.to_str()) == Some(MANIFEST_NAME) {
            read_folder(path.parent().unwrap_or(Path::new(".")), limits)
        } else if !meta.is_file() {
            Err(OcfError::new(
                OcfErrorKind::Package,
                &shown,
                "is neither a zip file nor a folder; refused",
            ))
        } else {
            let file = std::fs::File::open(path)
                .map_err(|e| OcfError::new(OcfErrorKind::Io, &shown, e.to_string()))?;
            read_zip(file, &shown, limits)
        }
    }

    /// Reads a zip held in memory.
    pub fn from_zip_bytes(bytes: &[u8], limits: &Limits) -> Result<Package> {
        read_zip(std::io::Cursor::new(bytes), "the zip", limits)
    }

    /// The core of every read: the manifest's bytes and a way to fetch a listed file
    /// (by its normalised path) give a package whose MD5s and JSON have been checked.
    fn from_parts(
        manifest_bytes: Vec<u8>,
        limits: &Limits,
        mut fetch: impl FnMut(&str, &mut Budget) -> Result<Vec<u8>>,
        budget: &mut Budget,
    ) -> Result<Package> {
        let manifest = parse_json(MANIFEST_NAME, &manifest_bytes, limits)?;
        check_manifest_header(&manifest)?;
        let mut files = Vec::new();
        for (file_type, listed, md5) in listed_files(&manifest)? {
            let path = normalise(&listed)
                .map_err(|m| manifest_field(m).at_field(file_type.manifest_key()))?;
            let bytes = fetch(&path, budget)?;
            let actual = md5_hex(&bytes);
            if !actual.eq_ignore_ascii_case(&md5) {
                return Err(OcfError::new(
                    OcfErrorKind::Md5Mismatch,
                    &path,
                    format!(
                        "its MD5 is {actual} but {MANIFEST_NAME} says {md5}: the file was changed or is not the one listed"
                    ),
                )
                .at_field("md5"));
            }
            let json = parse_json(&path, &bytes, limits)?;
            check_file_header(&path, file_type, &json)?;
            files.push(OcfFile {
                path,
                file_type,
                bytes,
                json,
            });
        }
        Ok(Package {
            manifest_bytes,
            manifest,
            files,
        })
    }

    /// Assembles a package for export: the manifest (without its file lists) and the
    /// files' JSON; bytes, MD5s and the manifest's lists are computed here.
    pub fn assemble(mut manifest: Map<String, Value>, files: Vec<(FileType, Value)>) -> Package {
        for t in FileType::ALL
            .into_iter()
            .filter(|t| t.required_in_manifest())
        {
            manifest.insert(t.manifest_key().into(), Value::Array(vec![]));
        }
        let mut out = Vec::new();
        let count = |t: FileType| files.iter().filter(|(f, _)| *f == t).count();
        let counts: Vec<(FileType, usize)> = FileType::ALL.iter().map(|&t| (t, count(t))).collect();
        let mut seen: BTreeMap<FileType, usize> = BTreeMap::new();
        for (file_type, json) in files {
            let bytes = pretty(&json);
            let k = seen.entry(file_type).or_default();
            *k += 1;
            let several = counts.iter().any(|&(t, n)| t == file_type && n > 1);
            let path = file_name_for(file_type, several.then_some(*k));
            let entry =
                serde_json::json!({ "filepath": format!("./{path}"), "md5": md5_hex(&bytes) });
            if let Value::Array(list) = manifest
                .entry(file_type.manifest_key())
                .or_insert_with(|| Value::Array(vec![]))
            {
                list.push(entry);
            }
            out.push(OcfFile {
                path,
                file_type,
                bytes,
                json,
            });
        }
        let manifest = Value::Object(manifest);
        Package {
            manifest_bytes: pretty(&manifest),
            manifest,
            files: out,
        }
    }

    pub fn manifest(&self) -> &Value {
        &self.manifest
    }
    pub fn manifest_bytes(&self) -> &[u8] {
        &self.manifest_bytes
    }
    pub fn files(&self) -> &[OcfFile] {
        &self.files
    }

    /// Every object of one kind of file, with the file it came from, in manifest order.
    pub fn objects(&self, file_type: FileType) -> impl Iterator<Item = (&OcfFile, &Value)> {
        self.files
            .iter()
            .filter(move |f| f.file_type == file_type)
            .flat_map(|f| f.items().iter().map(move |v| (f, v)))
    }

    /// The package as a zip: the manifest at the root, each file beside it.
    pub fn to_zip_bytes(&self) -> Result<Vec<u8>> {
        let mut cursor = std::io::Cursor::new(Vec::new());
        self.write_zip_to(&mut cursor)?;
        Ok(cursor.into_inner())
    }

    pub fn write_zip(&self, path: &Path) -> Result<()> {
        let shown = path.display().to_string();
        let file = std::fs::File::create(path)
            .map_err(|e| OcfError::new(OcfErrorKind::Io, &shown, e.to_string()))?;
        let mut w = std::io::BufWriter::new(file);
        self.write_zip_to(&mut w)?;
        w.flush()
            .map_err(|e| OcfError::new(OcfErrorKind::Io, &shown, e.to_string()))
    }

    fn write_zip_to<W: Write + Seek>(&self, w: W) -> Result<()> {
        let io =
            |e: &dyn std::fmt::Display| OcfError::new(OcfErrorKind::Io, "the zip", e.to_string());
        let mut zip = zip::ZipWriter::new(w);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let entries = std::iter::once((MANIFEST_NAME, &self.manifest_bytes))
            .chain(self.files.iter().map(|f| (f.path.as_str(), &f.bytes)));
        for (name, bytes) in entries {
            zip.start_file(name, options).map_err(|e| io(&e))?;
            zip.write_all(bytes).map_err(|e| io(&e))?;
        }
        zip.finish().map_err(|e| io(&e))?;
        Ok(())
    }

    /// Writes the package as a folder (the manifest and the files), for tools that want one.
    pub fn write_folder(&self, dir: &Path) -> Result<()> {
        let write = |name: &str, bytes: &[u8]| {
            std::fs::write(dir.join(name), bytes).map_err(|e| {
                OcfError::new(
                    OcfErrorKind::Io,
                    dir.join(name).display().to_string(),
                    e.to_string(),
                )
            })
        };
        write(MANIFEST_NAME, &self.manifest_bytes)?;
        for f in &self.files {
            write(&f.path, &f.bytes)?;
        }
        Ok(())
    }
}

/// `Transactions.ocf.json`, or `Transactions-2.ocf.json` when a kind spans several files.
fn file_name_for(t: FileType, part: Option<usize>) -> String {
    let stem = match t {
        FileType::StockPlans => "StockPlans",
        FileType::StockLegendTemplates => "StockLegends",
        FileType::StockClasses => "StockClasses",
        FileType::VestingTerms => "VestingTerms",
        FileType::Valuations => "Valuations",
        FileType::Transactions => "Transactions",
        FileType::Stakeholders => "Stakeholders",
        FileType::Financings => "Financings",
        FileType::Documents => "Documents",
    };
    match part {
        Some(k) => format!("{stem}-{k}.ocf.json"),
        None => format!("{stem}.ocf.json"),
    }
}

fn pretty(v: &Value) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(v).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

pub fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What is left of the total the package may decompress to.
struct Budget {
    left: u64,
}

impl Budget {
    /// Reads at most one file's worth, and at most what is left of the total.
    fn read(&mut self, name: &str, mut r: impl Read, limits: &Limits) -> Result<Vec<u8>> {
        let cap = limits.max_file_bytes.min(self.left);
        let mut bytes = Vec::new();
        r.by_ref()
            .take(cap + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| OcfError::new(OcfErrorKind::Io, name, e.to_string()))?;
        let n = bytes.len() as u64;
        if n > cap {
            let which = if cap < limits.max_file_bytes {
                format!("the package's total of {} bytes", limits.max_total_bytes)
            } else {
                format!("{} bytes per file", limits.max_file_bytes)
            };
            return Err(OcfError::new(
                OcfErrorKind::Limit,
                name,
                format!("uncompressed, it is larger than {which}; refused (a zip bomb?)"),
            ));
        }
        self.left -= n;
        Ok(bytes)
    }
}

fn read_zip<R: Read + Seek>(r: R, shown: &str, limits: &Limits) -> Result<Package> {
    let mut archive = zip::ZipArchive::new(r).map_err(|e| {
        OcfError::new(
            OcfErrorKind::Package,
            shown,
            format!("not a readable zip file: {e}"),
        )
    })?;
    if archive.len() > limits.max_entries {
        return Err(OcfError::new(
            OcfErrorKind::Limit,
            shown,
            format!(
                "the zip has {} entries; at most {} are accepted",
                archive.len(),
                limits.max_entries
            ),
        ));
    }
    // Every entry's path must stay inside the package, listed or not: a tool that
    // unpacks it later must not be led outside its folder.
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| OcfError::new(OcfErrorKind::Package, shown, e.to_string()))?;
        let raw = entry
            .name()
            .map_err(|e| OcfError::new(OcfErrorKind::Package, shown, e.to_string()))?
            .to_string();
        let clean = normalise(&raw)
            .map_err(|m| OcfError::new(OcfErrorKind::Limit, &raw, m).at_field("zip entry path"))?;
        if !entry.is_dir() {
            names.insert(clean, raw);
        }
    }
    let manifest_at = names
        .keys()
        .filter(|n| n.rsplit('/').next() == Some(MANIFEST_NAME))
        .min_by_key(|n| (n.matches('/').count(), (*n).clone()))
        .cloned()
        .ok_or_else(|| {
            OcfError::new(
                OcfErrorKind::Package,
                shown,
                format!("no {MANIFEST_NAME} in the zip"),
            )
        })?;
    let base = manifest_at
        .rsplit_once('/')
        .map(|(dir, _)| format!("{dir}/"))
        .unwrap_or_default();
    let mut budget = Budget {
        left: limits.max_total_bytes,
    };
    let mut read_entry = |clean: &str, shown_as: &str, budget: &mut Budget| -> Result<Vec<u8>> {
        let raw = names.get(clean).ok_or_else(|| {
            OcfError::new(
                OcfErrorKind::Package,
                shown_as,
                format!("listed in {MANIFEST_NAME} but not in the zip"),
            )
        })?;
        let entry = archive
            .by_name(raw)
            .map_err(|e| OcfError::new(OcfErrorKind::Package, shown_as, e.to_string()))?;
        budget.read(shown_as, entry, limits)
    };
    let manifest_bytes = read_entry(&manifest_at, MANIFEST_NAME, &mut budget)?;
    Package::from_parts(
        manifest_bytes,
        limits,
        |path, budget| read_entry(&format!("{base}{path}"), path, budget),
        &mut budget,
    )
}

fn read_folder(dir: &Path, limits: &Limits) -> Result<Package> {
    let root = dir
        .canonicalize()
        .map_err(|e| OcfError::new(OcfErrorKind::Io, dir.display().to_string(), e.to_string()))?;
    let mut budget = Budget {
        left: limits.max_total_bytes,
    };
    let read = |rel: &str, budget: &mut Budget| -> Result<Vec<u8>> {
        let full: PathBuf = root.join(rel);
        let real = full.canonicalize().map_err(|e| {
            OcfError::new(OcfErrorKind::Package, rel, format!("cannot be read: {e}"))
        })?;
        // A symbolic link may point anywhere; only files under the folder are read.
        if !real.starts_with(&root) {
            return Err(OcfError::new(
                OcfErrorKind::Limit,
                rel,
                "resolves outside the package's folder; refused",
            )
            .at_field("filepath"));
        }
        // A FIFO or a device would block the reader or never end: regular files only.
        if !real.metadata().is_ok_and(|m| m.is_file()) {
            return Err(OcfError::new(
                OcfErrorKind::Package,
                rel,
                "is not a regular file; refused",
            ));
        }
        let file = std::fs::File::open(&real)
            .map_err(|e| OcfError::new(OcfErrorKind::Io, rel, e.to_string()))?;
        budget.read(rel, file, limits)
    };
    let manifest_bytes = read(MANIFEST_NAME, &mut budget)?;
    Package::from_parts(manifest_bytes, limits, read, &mut budget)
}

/// A path inside the package, relative, with `.` and empty parts removed. Anything
/// that could name a place outside the package is refused: absolute paths, drive
/// letters, `..` that climbs above the root, backslashes (a Windows separator).
pub fn normalise(path: &str) -> std::result::Result<String, String> {
    if path.contains('\\') || path.contains('\0') {
        return Err(format!("'{path}' contains a backslash or NUL; refused"));
    }
    if path.starts_with('/') || path.get(1..2) == Some(":") {
        return Err(format!(
            "'{path}' is absolute; a package's paths are relative to its manifest"
        ));
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(format!("'{path}' leads outside the package; refused"));
                }
            }
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return Err(format!("'{path}' names no file"));
    }
    Ok(parts.join("/"))
}

fn manifest_field(message: String) -> OcfError {
    OcfError::new(OcfErrorKind::Limit, MANIFEST_NAME, message)
}

/// Refuses JSON nested deeper than the limit before a parser recurses into it.
pub fn check_depth(name: &str, bytes: &[u8], max: usize) -> Result<()> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut line = 1usize;
    for &b in bytes {
        if b == b'\n' {
            line += 1;
        }
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Err(OcfError::new(
                        OcfErrorKind::Limit,
                        name,
                        format!("JSON nested deeper than {max} levels (line {line}); refused"),
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

fn parse_json(name: &str, bytes: &[u8], limits: &Limits) -> Result<Value> {
    check_depth(name, bytes, limits.max_depth)?;
    serde_json::from_slice(bytes)
        .map_err(|e| OcfError::new(OcfErrorKind::Package, name, format!("not valid JSON: {e}")))
}

fn check_manifest_header(m: &Value) -> Result<()> {
    let field = |f: &str| m.get(f).and_then(Value::as_str);
    if !m.is_object() {
        return Err(OcfError::new(
            OcfErrorKind::Package,
            MANIFEST_NAME,
            "must be a JSON object",
        ));
    }
    if field("file_type") != Some("OCF_MANIFEST_FILE") {
        return Err(OcfError::new(
            OcfErrorKind::Invalid,
            MANIFEST_NAME,
            "must be \"OCF_MANIFEST_FILE\"",
        )
        .at_field("file_type"));
    }
    match field("ocf_version") {
        Some(OCF_VERSION) => Ok(()),
        Some(v) => Err(OcfError::new(
            OcfErrorKind::Unsupported,
            MANIFEST_NAME,
            format!("OCF {v}: this importer reads OCF {OCF_VERSION}"),
        )
        .at_field("ocf_version")),
        None => Err(OcfError::new(
            OcfErrorKind::Invalid,
            MANIFEST_NAME,
            "missing or not a string",
        )
        .at_field("ocf_version")),
    }
}

/// (kind, filepath, md5) of every file the manifest lists, in the manifest's order of kinds.
fn listed_files(m: &Value) -> Result<Vec<(FileType, String, String)>> {
    let mut out = Vec::new();
    for t in FileType::ALL {
        let key = t.manifest_key();
        let list = match m.get(key) {
            None if !t.required_in_manifest() => continue,
            None => {
                return Err(
                    OcfError::new(OcfErrorKind::Invalid, MANIFEST_NAME, "missing").at_field(key),
                )
            }
            Some(Value::Array(list)) => list,
            Some(_) => {
                return Err(OcfError::new(
                    OcfErrorKind::Invalid,
                    MANIFEST_NAME,
                    "must be an array of {filepath, md5}",
                )
                .at_field(key))
            }
        };
        for (i, item) in list.iter().enumerate() {
            let get = |f: &str| {
                item.get(f).and_then(Value::as_str).ok_or_else(|| {
                    OcfError::new(
                        OcfErrorKind::Invalid,
                        MANIFEST_NAME,
                        "missing or not a string",
                    )
                    .at_field(format!("{key}[{i}].{f}"))
                })
            };
            let md5 = get("md5")?;
            if md5.len() != 32 || !md5.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(OcfError::new(
                    OcfErrorKind::Invalid,
                    MANIFEST_NAME,
                    format!("'{md5}' is not an MD5 (32 hexadecimal digits)"),
                )
                .at_field(format!("{key}[{i}].md5")));
            }
            out.push((t, get("filepath")?.to_string(), md5.to_string()));
        }
    }
    Ok(out)
}

fn check_file_header(path: &str, t: FileType, json: &Value) -> Result<()> {
    let declared = json.get("file_type").and_then(Value::as_str);
    if declared != Some(t.file_type()) {
        return Err(OcfError::new(
            OcfErrorKind::Invalid,
            path,
            format!(
                "is listed under {} so must be \"{}\"; found {}",
                t.manifest_key(),
                t.file_type(),
                json.get("file_type")
                    .map_or("nothing".into(), Value::to_string)
            ),
        )
        .at_field("file_type"));
    }
    if !json.get("items").is_some_and(Value::is_array) {
        return Err(
            OcfError::new(OcfErrorKind::Invalid, path, "must be an array of objects")
                .at_field("items"),
        );
    }
    Ok(())
}
