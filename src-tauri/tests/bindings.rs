//! The page's TypeScript types, generated from the Rust types with ts-rs: every type a command
//! takes or returns, every event's payload and the error, with the types they contain, written
//! to ui/src/bindings.ts. This test fails when the checked-in file is not what the Rust types
//! generate now; `UPDATE_BINDINGS=1 cargo test -p roundbook-app --test bindings` rewrites it.

use std::any::TypeId;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use roundbook_app::{actions, books, commands, import_export, import_export_commands, scenarios};
use roundbook_app::{error::AppError, views};
use roundbook_application::forms::*;
use ts_rs::{Config, TypeVisitor, TS};

const HEADER: &str = "// Generated from the Rust types by `cargo test -p roundbook-app --test bindings`; do not edit.\n\
// UPDATE_BINDINGS=1 cargo test -p roundbook-app --test bindings rewrites it.\n";

/// Each type once, under its TypeScript name, with the types it refers to.
struct Collect {
    cfg: Config,
    seen: HashSet<TypeId>,
    decls: BTreeMap<String, String>,
}

impl TypeVisitor for Collect {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        // Primitives and wrappers (Vec, Option) have no declaration of their own.
        if T::output_path().is_none() || !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        let name = T::ident(&self.cfg);
        let docs = T::docs().unwrap_or_default();
        let decl = format!(
            "{docs}export {}\n",
            pretty::declaration(&T::decl(&self.cfg))
        );
        if self.decls.insert(name.clone(), decl).is_some() {
            panic!("two Rust types are both `{name}` in TypeScript: rename one with #[ts(rename)]");
        }
        T::visit_dependencies(self);
    }
}

/// The roots: what the commands take and return (src-tauri/src/commands.rs,
/// import_export_commands.rs), the events' payloads and the error.
fn roots(v: &mut Collect) {
    // books.rs
    v.visit::<books::BookInfo>();
    v.visit::<books::NewBookForm>();
    // views.rs
    v.visit::<views::Overview>();
    v.visit::<views::People>();
    v.visit::<views::RoundRow>();
    v.visit::<views::RoundDetail>();
    v.visit::<views::JournalLine>();
    v.visit::<roundbook_application::tables::Table>();
    v.visit::<roundbook_application::tables::TableView>();
    v.visit::<views::ComputeView>();
    v.visit::<views::ExitForm>();
    v.visit::<views::ExitView>();
    // actions.rs: the application layer's forms and what they record
    v.visit::<RoundForm>();
    v.visit::<RoundPreview>();
    v.visit::<actions::Reversed>();
    v.visit::<StakeholderForm>();
    v.visit::<ClassForm>();
    v.visit::<PlanForm>();
    v.visit::<ValuationForm>();
    v.visit::<RoundingForm>();
    v.visit::<roundbook_ledger::RoundingPolicy>();
    v.visit::<PricedRoundForm>();
    v.visit::<RecordedRound>();
    v.visit::<IssueForm>();
    v.visit::<GrantForm>();
    v.visit::<ExerciseForm>();
    v.visit::<TransferForm>();
    v.visit::<CancelForm>();
    v.visit::<RepurchaseForm>();
    v.visit::<ConvertForm>();
    v.visit::<SafeForm>();
    v.visit::<NoteForm>();
    v.visit::<GpuOrderForm>();
    v.visit::<RecordedOrder>();
    v.visit::<OrderCancellationForm>();
    v.visit::<ComputeTermsForm>();
    v.visit::<RecordedTerms>();
    v.visit::<PoolIncreaseForm>();
    v.visit::<SplitForm>();
    v.visit::<roundbook_ledger::Entry>();
    // scenarios.rs
    v.visit::<roundbook_sim::preview::Preview>();
    v.visit::<scenarios::RunRequest>();
    v.visit::<scenarios::RunResult>();
    v.visit::<commands::Progress>();
    // import_export.rs
    v.visit::<import_export::TableForm>();
    v.visit::<import_export::AsOfForm>();
    v.visit::<import_export::Exported>();
    v.visit::<import_export::CsvImported>();
    v.visit::<import_export::ScenarioImported>();
    v.visit::<import_export_commands::OcfOpened>();
    v.visit::<import_export_commands::ImportExportProgress>();
    // error.rs
    v.visit::<AppError>();
}

/// The text of ui/src/bindings.ts.
fn bindings() -> String {
    let mut v = Collect {
        // serde_json writes 64-bit integers as JSON numbers, and the page reads them as numbers.
        cfg: Config::new().with_large_int("number"),
        seen: HashSet::new(),
        decls: BTreeMap::new(),
    };
    roots(&mut v);
    let mut out = String::from(HEADER);
    for decl in v.decls.values() {
        out.push('\n');
        out.push_str(decl);
    }
    out
}

fn file() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    root.join("ui/src/bindings.ts")
}

#[test]
fn bindings_ts_is_what_the_rust_types_generate() {
    let want = bindings();
    let path = file();
    if std::env::var_os("UPDATE_BINDINGS").is_some_and(|v| !v.is_empty() && v != "0") {
        std::fs::write(&path, &want).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    if have != want {
        let line = have
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| have.lines().count().min(want.lines().count()))
            + 1;
        panic!(
            "{} is not what the Rust types generate (first difference at line {line}). Run\n\n    \
             UPDATE_BINDINGS=1 cargo test -p roundbook-app --test bindings\n\n\
             and commit the file.",
            path.display()
        );
    }
}

/// ts-rs writes each declaration on one line with its field docs between the fields; this
/// lays it out as Biome formats TypeScript (ui/biome.jsonc: two spaces, 100 columns, `;` after
/// each member), so `npm run lint` passes on the generated file. Only what ts-rs writes is
/// understood: names, string literals, `Array<..>`, tuples, objects, unions and intersections.
mod pretty {
    const WIDTH: usize = 100;

    #[derive(Debug, Clone, PartialEq)]
    enum Token {
        Doc(Vec<String>),
        Word(String),
        Str(String),
        Punct(char),
    }

    fn tokens(text: &str) -> Vec<Token> {
        let mut out = vec![];
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            if c.is_whitespace() {
                rest = &rest[c.len_utf8()..];
            } else if let Some(body) = rest.strip_prefix("/**") {
                let end = body.find("*/").expect("an unterminated doc comment");
                let lines = body[..end]
                    .lines()
                    .map(|l| l.trim().trim_start_matches('*').trim_end().to_string())
                    .map(|l| l.strip_prefix(' ').map(str::to_string).unwrap_or(l))
                    .skip_while(String::is_empty)
                    .collect::<Vec<_>>();
                let keep = lines
                    .iter()
                    .rposition(|l| !l.is_empty())
                    .map_or(0, |i| i + 1);
                out.push(Token::Doc(lines[..keep].to_vec()));
                rest = &body[end + 2..];
            } else if c == '"' {
                let end = rest[1..].find('"').expect("an unterminated string") + 2;
                out.push(Token::Str(rest[..end].to_string()));
                rest = &rest[end..];
            } else if c.is_alphanumeric() || c == '_' || c == '$' || c == '.' || c == '-' {
                let end = rest
                    .find(|c: char| !(c.is_alphanumeric() || "_$.-".contains(c)))
                    .unwrap_or(rest.len());
                out.push(Token::Word(rest[..end].to_string()));
                rest = &rest[end..];
            } else {
                out.push(Token::Punct(c));
                rest = &rest[1..];
            }
        }
        out
    }

    #[derive(Debug)]
    enum Ty {
        /// A name, a literal or `Name<..>`, as written.
        Atom(String),
        Object(Vec<Member>),
        Tuple(Vec<Ty>),
        Union(Vec<Ty>),
        Intersection(Vec<Ty>),
    }

    #[derive(Debug)]
    struct Member {
        docs: Vec<String>,
        key: String,
        ty: Ty,
    }

    struct Parser {
        tokens: Vec<Token>,
        at: usize,
    }

    impl Parser {
        fn peek(&self) -> Option<&Token> {
            self.tokens.get(self.at)
        }
        fn next(&mut self) -> Token {
            self.at += 1;
            self.tokens[self.at - 1].clone()
        }
        fn eat(&mut self, c: char) -> bool {
            let hit = self.peek() == Some(&Token::Punct(c));
            if hit {
                self.at += 1;
            }
            hit
        }
        fn expect(&mut self, c: char) {
            assert!(self.eat(c), "expected `{c}` at {:?}", self.peek());
        }

        fn union(&mut self) -> Ty {
            self.eat('|');
            let mut parts = vec![self.intersection()];
            while self.eat('|') {
                parts.push(self.intersection());
            }
            if parts.len() == 1 {
                parts.pop().unwrap()
            } else {
                Ty::Union(parts)
            }
        }

        fn intersection(&mut self) -> Ty {
            let mut parts = vec![self.primary()];
            while self.eat('&') {
                parts.push(self.primary());
            }
            if parts.len() == 1 {
                parts.pop().unwrap()
            } else {
                Ty::Intersection(parts)
            }
        }

        fn list(&mut self, close: char) -> Vec<Ty> {
            let mut items = vec![];
            while !self.eat(close) {
                items.push(self.union());
                self.eat(',');
            }
            items
        }

        fn primary(&mut self) -> Ty {
            match self.next() {
                Token::Punct('(') => {
                    let t = self.union();
                    self.expect(')');
                    t
                }
                Token::Punct('[') => Ty::Tuple(self.list(']')),
                Token::Punct('{') => Ty::Object(self.members()),
                Token::Str(s) => Ty::Atom(s),
                Token::Word(w) if self.eat('<') => {
                    let args: Vec<String> = self.list('>').iter().map(inline).collect();
                    Ty::Atom(format!("{w}<{}>", args.join(", ")))
                }
                Token::Word(w) => Ty::Atom(w),
                t => panic!("unexpected {t:?}"),
            }
        }

        fn members(&mut self) -> Vec<Member> {
            let mut members = vec![];
            loop {
                let mut docs = vec![];
                while let Some(Token::Doc(d)) = self.peek() {
                    docs = d.clone();
                    self.at += 1;
                }
                if self.eat('}') {
                    return members;
                }
                let mut key = match self.next() {
                    // Quotes only where a key needs them, as Biome writes keys.
                    Token::Str(s) if is_identifier(&s[1..s.len() - 1]) => s[1..s.len() - 1].into(),
                    Token::Str(s) | Token::Word(s) => s,
                    t => panic!("a key expected, not {t:?}"),
                };
                if self.eat('?') {
                    key.push('?');
                }
                self.expect(':');
                let ty = self.union();
                if !self.eat(',') {
                    self.eat(';');
                }
                members.push(Member { docs, key, ty });
            }
        }
    }

    fn is_identifier(s: &str) -> bool {
        s.chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
            && s.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
    }

    /// On one line; None where it cannot be (an object with members).
    fn one_line(t: &Ty) -> Option<String> {
        match t {
            Ty::Atom(a) => Some(a.clone()),
            Ty::Object(m) if m.is_empty() => Some("{}".into()),
            Ty::Object(_) => None,
            Ty::Tuple(items) => {
                let items: Option<Vec<String>> = items.iter().map(one_line).collect();
                Some(format!("[{}]", items?.join(", ")))
            }
            Ty::Union(parts) | Ty::Intersection(parts) => {
                let sep = if matches!(t, Ty::Union(_)) {
                    " | "
                } else {
                    " & "
                };
                let parts: Option<Vec<String>> = parts
                    .iter()
                    .map(|p| match p {
                        Ty::Union(_) | Ty::Intersection(_) => one_line(p).map(|s| format!("({s})")),
                        _ => one_line(p),
                    })
                    .collect();
                Some(parts?.join(sep))
            }
        }
    }

    fn inline(t: &Ty) -> String {
        one_line(t).expect("an object inside a type argument")
    }

    /// `t` written from column `column` of a line indented by `indent`, followed by `tail`
    /// characters; later lines carry their own indentation.
    fn layout(t: &Ty, indent: usize, column: usize, tail: usize) -> String {
        if let Some(line) = one_line(t) {
            if column + line.len() + tail <= WIDTH {
                return line;
            }
        }
        let pad = " ".repeat(indent);
        match t {
            Ty::Atom(a) => a.clone(),
            Ty::Object(members) => {
                let mut s = String::from("{\n");
                for m in members {
                    let inner = " ".repeat(indent + 2);
                    if !m.docs.is_empty() {
                        s.push_str(&format!("{inner}/**\n"));
                        for l in &m.docs {
                            let l = if l.is_empty() {
                                String::new()
                            } else {
                                format!(" {l}")
                            };
                            s.push_str(&format!("{inner} *{l}\n"));
                        }
                        s.push_str(&format!("{inner} */\n"));
                    }
                    let head = format!("{inner}{}: ", m.key);
                    let ty = layout(&m.ty, indent + 2, head.len(), 1);
                    s.push_str(&format!("{head}{ty};\n"));
                }
                s.push_str(&pad);
                s.push('}');
                s
            }
            Ty::Tuple(items) => {
                let mut s = String::from("[\n");
                for item in items {
                    let inner = " ".repeat(indent + 2);
                    let ty = layout(item, indent + 2, inner.len(), 1);
                    s.push_str(&format!("{inner}{ty},\n"));
                }
                s.push_str(&pad);
                s.push(']');
                s
            }
            Ty::Union(parts) => {
                // Each part on its own line after `| `; an object's members two further in.
                let mut s = String::new();
                for p in parts {
                    let head = format!("\n{pad}  | ");
                    s.push_str(&head);
                    s.push_str(&layout(p, indent + 4, head.len() - 1, 0));
                }
                s
            }
            Ty::Intersection(parts) => {
                let mut s = String::new();
                for (i, p) in parts.iter().enumerate() {
                    if i > 0 {
                        s.push_str(" & ");
                    }
                    match p {
                        Ty::Union(_) => {
                            s.push('(');
                            s.push_str(&layout(p, indent, WIDTH, 0));
                            s.push('\n');
                            s.push_str(&pad);
                            s.push(')');
                        }
                        _ => s.push_str(&layout(p, indent, WIDTH, 0)),
                    }
                }
                s
            }
        }
    }

    /// `type Name = ..;` as ts-rs writes it, laid out.
    pub fn declaration(decl: &str) -> String {
        let mut p = Parser {
            tokens: tokens(decl),
            at: 0,
        };
        let (Token::Word(kw), Token::Word(name)) = (p.next(), p.next()) else {
            panic!("not a declaration: {decl}");
        };
        assert_eq!(kw, "type", "{decl}");
        p.expect('=');
        let ty = p.union();
        p.expect(';');
        assert!(p.peek().is_none(), "more after the declaration: {decl}");
        let head = format!("type {name} = ");
        // "export " comes before it.
        let body = layout(&ty, 0, "export ".len() + head.len(), 1);
        if body.starts_with('\n') {
            format!("type {name} ={body};")
        } else {
            format!("{head}{body};")
        }
    }
}

#[test]
fn declarations_are_laid_out_one_member_a_line() {
    let short = pretty::declaration(r#"type Money = { amount: string, currency: Currency, };"#);
    assert_eq!(
        short,
        "type Money = {\n  amount: string;\n  currency: Currency;\n};"
    );
    let tagged = pretty::declaration(
        r#"type R = { "kind": "months", /** In months. */ months: string, } | { "kind": "out" };"#,
    );
    assert_eq!(
        tagged,
        "type R =\n  | {\n      kind: \"months\";\n      /**\n       * In months.\n       */\n      \
         months: string;\n    }\n  | {\n      kind: \"out\";\n    };"
    );
    assert_eq!(
        pretty::declaration(r#"type K = "a" | "b";"#),
        r#"type K = "a" | "b";"#
    );
}
