//! Host-language string literals decoded into text, keeping for every
//! decoded byte the source offset it came from.

/// Decoded text plus its map back into the source.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Decoded {
    /// The decoded text.
    pub text: String,
    /// `offsets[i]` is the source byte offset of the construct (a plain
    /// character or a whole escape) that produced byte `i` of `text`;
    /// `offsets[text.len()]` is the end of the last construct.
    pub offsets: Vec<usize>,
}

impl Decoded {
    fn push(&mut self, c: char, at: usize) {
        for _ in 0..c.len_utf8() {
            self.offsets.push(at);
        }
        self.text.push(c);
    }

    fn finish(mut self, end: usize) -> Decoded {
        self.offsets.push(end);
        self
    }

    /// The source text `content` starting at `base`, taken as it is.
    pub(crate) fn verbatim(content: &str, base: usize) -> Decoded {
        let mut d = Decoded::default();
        for (i, c) in content.char_indices() {
            d.push(c, base + i);
        }
        d.finish(base + content.len())
    }

    /// Appends `other` (a later literal of a concatenation).
    pub(crate) fn concat(&mut self, other: Decoded) {
        self.offsets.pop();
        self.text.push_str(&other.text);
        self.offsets.extend(other.offsets);
    }

    /// The bytes `start..end` of the text (char boundaries), with their map.
    pub(crate) fn slice(&self, start: usize, end: usize) -> Decoded {
        Decoded {
            text: self.text[start..end].to_string(),
            offsets: self.offsets[start..=end].to_vec(),
        }
    }

    /// The source range the text came from.
    pub(crate) fn range(&self) -> std::ops::Range<usize> {
        let start = self.offsets[0];
        let end = *self.offsets.last().unwrap_or(&start);
        start..end.max(start)
    }
}

/// A literal that could not be decoded: the source offset and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DecodeError {
    pub at: usize,
    pub message: String,
}

/// The escape rules of a host-language string literal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    /// JavaScript `"…"`, `'…'` and template literals (cooked).
    Js,
    /// Python non-raw `"…"`; `bytes` drops `\u`, `\U`, `\N`.
    Python { bytes: bool },
    /// Java `"…"` and text blocks.
    Java,
    /// Go interpreted `"…"`.
    Go,
    /// Ruby `"…"`.
    RubyDouble,
    /// Ruby `'…'` and PHP `'…'`: only `\\` and the quote are escapes.
    SingleQuoted(char),
    /// PHP `"…"`.
    PhpDouble,
    /// C# regular `"…"`.
    CSharp,
    /// Rust `"…"`.
    Rust,
}

fn hex_digits(bytes: &[u8], from: usize, min: usize, max: usize) -> (u32, usize) {
    let mut v: u32 = 0;
    let mut n = 0;
    while n < max && from + n < bytes.len() && (bytes[from + n] as char).is_ascii_hexdigit() {
        v = v.saturating_mul(16) + (bytes[from + n] as char).to_digit(16).unwrap_or(0);
        n += 1;
    }
    if n < min {
        (0, 0)
    } else {
        (v, n)
    }
}

fn octal_digits(bytes: &[u8], from: usize, max: usize) -> (u32, usize) {
    let mut v = 0;
    let mut n = 0;
    while n < max && from + n < bytes.len() && (b'0'..=b'7').contains(&bytes[from + n]) {
        v = v * 8 + u32::from(bytes[from + n] - b'0');
        n += 1;
    }
    (v, n)
}

/// Decodes the content of a string literal (between its quotes) that
/// starts at source offset `base`.
pub(crate) fn unescape(content: &str, base: usize, style: Style) -> Result<Decoded, DecodeError> {
    let bytes = content.as_bytes();
    let mut d = Decoded::default();
    let mut i = 0;
    // A high surrogate from `\uD83D` waiting for its low half (JS, Java, C#).
    let mut pending_high: Option<(u32, usize)> = None;
    let err = |at: usize, message: String| DecodeError {
        at: base + at,
        message,
    };
    while i < content.len() {
        let c = content[i..].chars().next().unwrap_or('\0');
        if c != '\\' || i + 1 >= content.len() {
            if let Some((_, at)) = pending_high.take() {
                return Err(err(at, "lone surrogate in string literal".into()));
            }
            d.push(c, base + i);
            i += c.len_utf8();
            continue;
        }
        let start = i;
        let n = content[i + 1..].chars().next().unwrap_or('\0');
        let mut len = 1 + n.len_utf8();
        // A decoded code point; `None` for an escape that produces nothing.
        let mut out: Option<u32> = None;
        // Text to keep as it is (unknown escapes that stay escapes).
        let mut keep = false;
        let simple = |n: char| -> Option<char> {
            Some(match n {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                '\\' => '\\',
                '"' => '"',
                '\'' => '\'',
                _ => return None,
            })
        };
        match style {
            Style::SingleQuoted(q) => {
                if n == '\\' || n == q {
                    out = Some(n as u32);
                } else {
                    keep = true;
                    len = 1;
                }
            }
            _ if n == '\n' || n == '\r' => {
                // Line continuation (Java only inside text blocks, which is
                // the only place a raw newline can follow a backslash there).
                if n == '\r' && bytes.get(i + 2) == Some(&b'\n') {
                    len = 3;
                }
                if matches!(style, Style::Rust) {
                    while i + len < bytes.len() && (bytes[i + len] as char).is_ascii_whitespace() {
                        len += 1;
                    }
                }
                if matches!(style, Style::PhpDouble) {
                    keep = true;
                    len = 1;
                }
            }
            _ => {
                if let Some(s) = simple(n) {
                    if style == Style::PhpDouble && n == '\'' {
                        keep = true;
                        len = 1;
                    } else {
                        out = Some(s as u32);
                    }
                } else {
                    match (style, n) {
                        (
                            Style::Js
                            | Style::Python { .. }
                            | Style::Java
                            | Style::Go
                            | Style::RubyDouble
                            | Style::CSharp,
                            'b',
                        ) => out = Some(8),
                        (
                            Style::Js
                            | Style::Python { .. }
                            | Style::Java
                            | Style::Go
                            | Style::RubyDouble
                            | Style::CSharp
                            | Style::PhpDouble,
                            'f',
                        ) => out = Some(12),
                        (
                            Style::Js
                            | Style::Python { .. }
                            | Style::Go
                            | Style::RubyDouble
                            | Style::CSharp
                            | Style::PhpDouble,
                            'v',
                        ) => out = Some(11),
                        (
                            Style::Python { .. } | Style::Go | Style::RubyDouble | Style::CSharp,
                            'a',
                        ) => out = Some(7),
                        (Style::RubyDouble | Style::PhpDouble, 'e') => out = Some(27),
                        (Style::RubyDouble | Style::Java, 's') => out = Some(32),
                        (Style::PhpDouble, '$') => out = Some('$' as u32),
                        (Style::CSharp | Style::Rust, '0') => out = Some(0),
                        (Style::Js, '0') if !bytes.get(i + 2).is_some_and(u8::is_ascii_digit) => {
                            out = Some(0)
                        }
                        (
                            Style::Js
                            | Style::Python { .. }
                            | Style::Java
                            | Style::RubyDouble
                            | Style::PhpDouble
                            | Style::Go,
                            '0'..='7',
                        ) => {
                            let max = match style {
                                Style::Go => 3,
                                Style::Java if n > '3' => 2,
                                _ => 3,
                            };
                            let (v, k) = octal_digits(bytes, i + 1, max);
                            if style == Style::Go && k != 3 {
                                return Err(err(
                                    start,
                                    "invalid octal escape: Go wants three digits".into(),
                                ));
                            }
                            out = Some(v);
                            len = 1 + k;
                        }
                        (_, 'x') => {
                            let (min, max) = match style {
                                Style::PhpDouble | Style::RubyDouble => (1, 2),
                                Style::CSharp => (1, 4),
                                _ => (2, 2),
                            };
                            let (v, k) = hex_digits(bytes, i + 2, min, max);
                            if k == 0 {
                                if style == Style::PhpDouble {
                                    keep = true;
                                    len = 1;
                                } else {
                                    return Err(err(start, "invalid \\x escape".into()));
                                }
                            } else {
                                if v > 0x7f
                                    && matches!(
                                        style,
                                        Style::Go
                                            | Style::Rust
                                            | Style::PhpDouble
                                            | Style::RubyDouble
                                            | Style::Python { bytes: true }
                                    )
                                {
                                    return Err(err(start, format!("\\x{v:02X} is a byte above 0x7F, not a character: the pattern is not UTF-8 text")));
                                }
                                out = Some(v);
                                len = 2 + k;
                            }
                        }
                        (Style::Js | Style::Rust | Style::RubyDouble | Style::PhpDouble, 'u')
                            if bytes.get(i + 2) == Some(&b'{') =>
                        {
                            let close = content[i + 3..].find('}').map(|p| i + 3 + p);
                            let Some(close) = close else {
                                return Err(err(start, "unterminated \\u{…} escape".into()));
                            };
                            let digits: String = content[i + 3..close]
                                .chars()
                                .filter(|c| *c != '_')
                                .collect();
                            len = close + 1 - i;
                            if style == Style::RubyDouble && digits.contains(' ') {
                                // Ruby's \u{41 42}: several code points.
                                for h in digits.split_whitespace() {
                                    let v = u32::from_str_radix(h, 16)
                                        .map_err(|_| err(start, "invalid \\u{…} escape".into()))?;
                                    let ch = char::from_u32(v).ok_or_else(|| {
                                        err(start, format!("invalid code point U+{v:X}"))
                                    })?;
                                    d.push(ch, base + start);
                                }
                            } else {
                                let v = u32::from_str_radix(digits.trim(), 16)
                                    .map_err(|_| err(start, "invalid \\u{…} escape".into()))?;
                                out = Some(v);
                            }
                        }
                        (
                            Style::Js
                            | Style::Java
                            | Style::Python { bytes: false }
                            | Style::Go
                            | Style::RubyDouble
                            | Style::CSharp,
                            'u',
                        ) => {
                            let mut at = i + 2;
                            if style == Style::Java {
                                while bytes.get(at) == Some(&b'u') {
                                    at += 1;
                                }
                            }
                            let (v, k) = hex_digits(bytes, at, 4, 4);
                            if k == 0 {
                                return Err(err(start, "invalid \\u escape".into()));
                            }
                            out = Some(v);
                            len = at + 4 - i;
                        }
                        (Style::Python { bytes: false } | Style::Go | Style::CSharp, 'U') => {
                            let (v, k) = hex_digits(bytes, i + 2, 8, 8);
                            if k == 0 {
                                return Err(err(start, "invalid \\U escape".into()));
                            }
                            out = Some(v);
                            len = 10;
                        }
                        // Python's \N{name}: `re` reads the same escape, so it stays.
                        (Style::Python { .. }, _) => {
                            keep = true;
                            len = 1;
                        }
                        (Style::PhpDouble, _) => {
                            keep = true;
                            len = 1;
                        }
                        // An identity escape: "\d" is "d".
                        (Style::Js | Style::RubyDouble, _) => out = Some(n as u32),
                        (Style::Java | Style::Go | Style::CSharp | Style::Rust, _) => {
                            return Err(err(start, format!("invalid escape sequence \\{n}")));
                        }
                        (Style::SingleQuoted(_), _) => unreachable!("handled above"),
                    }
                }
            }
        }
        if keep {
            if let Some((_, at)) = pending_high.take() {
                return Err(err(at, "lone surrogate in string literal".into()));
            }
            d.push('\\', base + start);
            i += len;
            continue;
        }
        i += len;
        let Some(v) = out else { continue };
        let utf16 = matches!(style, Style::Js | Style::Java | Style::CSharp);
        if utf16 && (0xD800..0xDC00).contains(&v) {
            if let Some((_, at)) = pending_high.take() {
                return Err(err(at, "lone surrogate in string literal".into()));
            }
            pending_high = Some((v, start));
            continue;
        }
        if utf16 && (0xDC00..0xE000).contains(&v) {
            let Some((hi, at)) = pending_high.take() else {
                return Err(err(start, "lone surrogate in string literal".into()));
            };
            let cp = 0x10000 + ((hi - 0xD800) << 10) + (v - 0xDC00);
            d.push(char::from_u32(cp).unwrap_or('\u{FFFD}'), base + at);
            continue;
        }
        if let Some((_, at)) = pending_high.take() {
            return Err(err(at, "lone surrogate in string literal".into()));
        }
        let Some(ch) = char::from_u32(v) else {
            return Err(err(start, format!("escape gives U+{v:X}, not a character")));
        };
        d.push(ch, base + start);
    }
    if let Some((_, at)) = pending_high {
        return Err(err(at, "lone surrogate in string literal".into()));
    }
    Ok(d.finish(base + content.len()))
}

/// C# verbatim `@"…"`: `""` is a quote.
pub(crate) fn cs_verbatim(content: &str, base: usize) -> Decoded {
    let mut d = Decoded::default();
    let mut it = content.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c == '"' && it.peek().map(|p| p.1) == Some('"') {
            it.next();
        }
        d.push(c, base + i);
    }
    d.finish(base + content.len())
}

/// The lines of a multi-line literal (Java text block, C# raw string) with
/// the indentation common to all lines removed, as the compilers do.
/// `content` starts right after the opening delimiter.
pub(crate) fn strip_block(content: &str, base: usize, java: bool) -> Decoded {
    // The opening line (after `"""`) is dropped up to its newline.
    let first_nl = content.find('\n').map_or(content.len(), |p| p + 1);
    let body = &content[first_nl..];
    let body_base = base + first_nl;
    let lines: Vec<(usize, &str)> = {
        let mut v = Vec::new();
        let mut at = 0;
        for l in body.split_inclusive('\n') {
            v.push((at, l));
            at += l.len();
        }
        v
    };
    let indent = |l: &str| l.len() - l.trim_start_matches([' ', '\t']).len();
    // The closing line counts when it is only whitespace (C#: it sets the
    // indentation; Java: it counts too).
    let last_blank = lines
        .last()
        .is_some_and(|(_, l)| l.trim().is_empty() && !l.ends_with('\n'));
    let common = lines
        .iter()
        .filter(|(_, l)| !l.trim().is_empty() || (last_blank && !l.ends_with('\n')))
        .map(|(_, l)| indent(l))
        .min()
        .unwrap_or(0);
    let mut d = Decoded::default();
    let n = lines.len();
    for (k, (at, l)) in lines.iter().enumerate() {
        if k + 1 == n && last_blank {
            break;
        }
        let cut = common.min(indent(l));
        let mut text = &l[cut..];
        // Trailing spaces are stripped in Java; the final newline before the
        // closing line of a C# raw string is not part of the value.
        let nl = text.ends_with('\n');
        let mut core = text.trim_end_matches(['\n', '\r']);
        if java {
            core = core.trim_end_matches([' ', '\t']);
        }
        let start = body_base + at + cut;
        for (j, c) in core.char_indices() {
            d.push(c, start + j);
        }
        text = &text[core.len()..];
        let last_before_close = !java && last_blank && k + 2 == n;
        if nl && !last_before_close {
            d.push('\n', start + core.len() + (text.len() - 1));
        }
    }
    d.finish(base + content.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str, st: Style) -> String {
        unescape(s, 0, st)
            .map(|d| d.text)
            .unwrap_or_else(|e| format!("ERR {}", e.message))
    }

    #[test]
    fn escapes() {
        assert_eq!(u(r"\d\\d\x41\u0042\u{43}", Style::Js), "d\\dABC");
        assert_eq!(u(r"\uD83D\uDE00", Style::Js), "😀");
        assert!(u(r"\uD83D", Style::Js).starts_with("ERR"));
        assert_eq!(
            u(r"\d\101\N{DASH}", Style::Python { bytes: false }),
            "\\dA\\N{DASH}"
        );
        assert_eq!(u(r"\d\$\101\u{e9}", Style::PhpDouble), "\\d$Aé");
        assert_eq!(u(r"\d\'", Style::SingleQuoted('\'')), "\\d'");
        assert!(u(r"\d", Style::Java).starts_with("ERR"));
        assert_eq!(u(r"\\d\u0041\101", Style::Java), "\\dAA");
        assert!(u(r"\1", Style::Go).starts_with("ERR"));
        assert_eq!(u(r"\x41\u{1_F600}", Style::Rust), "A😀");
        assert_eq!(u("a\\\n    b", Style::Rust), "ab");
        assert_eq!(u(r"\x41\x4142", Style::CSharp), "A\u{4142}");
    }

    #[test]
    fn offsets_follow_escapes() {
        let d = unescape(r"a\tb", 10, Style::Js).unwrap();
        assert_eq!(d.offsets, vec![10, 11, 13, 14]);
    }

    #[test]
    fn blocks() {
        let d = strip_block("\n    (a|b)+\n      x\n    ", 0, true);
        assert_eq!(d.text, "(a|b)+\n  x\n");
        let d = strip_block("\n    (a|b)+\n    ", 0, false);
        assert_eq!(d.text, "(a|b)+");
    }
}
