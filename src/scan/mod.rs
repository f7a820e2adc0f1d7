//! Sensitive-word scanning that people cannot slip past.
//!
//! A [`DictionaryBuilder`] collects words with their categories (from code,
//! from plain word lists, or from the `word TAG[,TAG]` tags format), an
//! allow-list, and a [`Policy`] saying, per category and [`Direction`],
//! whether a word blocks the message, is reported to a supervisor, is
//! masked, or is allowed. [`DictionaryBuilder::build`] compiles it once
//! into an immutable, shareable [`Scanner`]; [`Scanner::scan`] gives a
//! message's [`Verdict`]: its strongest action and every match, with the
//! exact byte span in the original text. [`SharedScanner`] swaps a new
//! scanner in while scans go on.
//!
//! Matching runs one Aho-Corasick automaton (leftmost-longest, no DFA:
//! memory stays small for large dictionaries) over the text after
//! [`Normalization`], which undoes spacing, symbols, full-width and styled
//! letters and digits, traditional characters, leetspeak and repeated
//! characters, with a map back to the original bytes.
//!
//! # Examples
//! ```
//! use chatvault::scan::{Action, Direction, DictionaryBuilder, Normalization, Policy};
//!
//! let mut dict = DictionaryBuilder::new();
//! let contact = dict.category("off-platform contact")?;
//! dict.add("微信", contact, false)?;
//! let drugs = dict.category("drugs")?;
//! dict.add("大麻", drugs, false)?;
//! dict.allow("大麻烦");
//! let mut policy = Policy::new(Action::Allow);
//! policy.set(contact, Direction::AgentToCustomer, Action::Block);
//! policy.set(contact, Direction::CustomerToAgent, Action::Report);
//! let scanner = dict.build(Normalization::ALL, policy)?;
//!
//! let text = "加我 微 * 信 吧";
//! let v = scanner.scan(text, Direction::AgentToCustomer)?;
//! assert_eq!(v.action, Action::Block);
//! assert_eq!(&text[v.matches[0].span.clone()], "微 * 信");
//! assert!(scanner.scan("真是大麻烦", Direction::AgentToCustomer)?.matches.is_empty());
//! # Ok::<(), chatvault::Error>(())
//! ```

mod normalize;
mod t2s;

use std::ops::Range;
use std::sync::{Arc, RwLock};

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use daachorse::{CharwiseDoubleArrayAhoCorasick, CharwiseDoubleArrayAhoCorasickBuilder};

pub use normalize::Normalization;

use crate::error::{Error, ErrorKind, Result};

/// What to do with a message that holds a word of a category. Ordered by
/// strength: a message's verdict is its strongest action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Action {
    /// Nothing.
    Allow = 0,
    /// Replace the word in the message with `*`s.
    Mask = 1,
    /// Tell a supervisor.
    Report = 2,
    /// The message must not be sent.
    Block = 3,
}

/// Who is writing to whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Direction {
    /// An agent writes to a customer.
    AgentToCustomer = 1,
    /// A customer writes to an agent.
    CustomerToAgent = 2,
}

/// A category of words (at most 64 per dictionary), named when created
/// with [`DictionaryBuilder::category`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CategoryId(u8);

impl CategoryId {
    /// The category's number (0-63), in creation order.
    pub fn index(self) -> u8 {
        self.0
    }

    /// The category numbered `n` (for callers that keep numbers, such as
    /// the C ABI); a dictionary rejects numbers it has not created.
    pub fn from_index(n: u8) -> Result<CategoryId> {
        if (n as usize) < MAX_CATEGORIES {
            Ok(CategoryId(n))
        } else {
            Err(Error::invalid(format!("category {n} is over 63")))
        }
    }
}

/// The action for each category and direction; categories not set get the
/// default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    default: Action,
    /// `[category][direction - 1]`.
    actions: Vec<[Option<Action>; 2]>,
}

impl Policy {
    /// A policy giving `default` to every category and direction.
    pub fn new(default: Action) -> Policy {
        Policy {
            default,
            actions: Vec::new(),
        }
    }

    /// Use `action` for `category` in `direction`.
    pub fn set(&mut self, category: CategoryId, direction: Direction, action: Action) -> &mut Self {
        let i = category.0 as usize;
        if self.actions.len() <= i {
            self.actions.resize(i + 1, [None, None]);
        }
        self.actions[i][direction as usize - 1] = Some(action);
        self
    }

    /// The action for `category` in `direction`.
    pub fn action(&self, category: CategoryId, direction: Direction) -> Action {
        self.actions
            .get(category.0 as usize)
            .and_then(|a| a[direction as usize - 1])
            .unwrap_or(self.default)
    }
}

const MAX_CATEGORIES: usize = 64;
/// Longest dictionary word, in bytes.
pub const MAX_WORD_LEN: usize = 256;

#[derive(Debug, Clone)]
struct Entry {
    word: String,
    categories: u64,
    whole_word: bool,
}

/// Collects words, categories and the allow-list, then builds a
/// [`Scanner`].
///
/// # Examples
/// ```
/// use chatvault::scan::{Action, Direction, DictionaryBuilder, Normalization, Policy};
///
/// let mut dict = DictionaryBuilder::new();
/// let tags = [dict.category("politics")?, dict.category("drugs")?];
/// let n = dict.load_tags("冰毒 1\nfoo 0,1\n", |t| tags.get(t.parse::<usize>().ok()?).copied())?;
/// assert_eq!(n, 2);
/// let scanner = dict.build(Normalization::ALL, Policy::new(Action::Report))?;
/// assert_eq!(scanner.scan("卖冰毒", Direction::CustomerToAgent)?.action, Action::Report);
/// # Ok::<(), chatvault::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct DictionaryBuilder {
    categories: Vec<String>,
    entries: Vec<Entry>,
    allow: Vec<String>,
}

fn check_word(word: &str) -> Result<&str> {
    let w = word.trim();
    if w.is_empty() || w.len() > MAX_WORD_LEN {
        return Err(Error::invalid(format!(
            "dictionary word must be 1 to {MAX_WORD_LEN} bytes"
        )));
    }
    Ok(w)
}

impl DictionaryBuilder {
    /// An empty dictionary.
    pub fn new() -> DictionaryBuilder {
        DictionaryBuilder::default()
    }

    /// The category named `name`, created if new (at most 64 categories;
    /// a name is 1 to 64 bytes without control characters).
    pub fn category(&mut self, name: &str) -> Result<CategoryId> {
        if let Some(i) = self.categories.iter().position(|c| c == name) {
            return Ok(CategoryId(i as u8));
        }
        if self.categories.len() == MAX_CATEGORIES {
            return Err(Error::invalid("a dictionary has at most 64 categories"));
        }
        if name.is_empty() {
            return Err(Error::invalid("a category needs a name"));
        }
        if name.len() > 64 || name.chars().any(char::is_control) {
            return Err(Error::invalid(
                "a category name is at most 64 bytes, without control characters",
            ));
        }
        self.categories.push(name.to_owned());
        Ok(CategoryId((self.categories.len() - 1) as u8))
    }

    fn check_category(&self, c: CategoryId) -> Result<()> {
        if (c.0 as usize) < self.categories.len() {
            Ok(())
        } else {
            Err(Error::invalid("unknown category"))
        }
    }

    /// Add `word` in `category`. With `whole_word`, a match must not have
    /// an ASCII letter or digit right before or after it (so `ass` is not
    /// found in `class`). A word added twice collects both categories.
    pub fn add(&mut self, word: &str, category: CategoryId, whole_word: bool) -> Result<&mut Self> {
        self.check_category(category)?;
        let w = check_word(word)?;
        self.entries.push(Entry {
            word: w.to_owned(),
            categories: 1 << category.0,
            whole_word,
        });
        Ok(self)
    }

    /// Add every non-empty line of `text` (one word per line; lines starting
    /// with `#` are comments) in `category`. Words made only of ASCII
    /// letters and digits get the whole-word rule. Returns how many were
    /// added; a line too long is an error naming it, and nothing is added.
    pub fn load_plain(&mut self, text: &str, category: CategoryId) -> Result<usize> {
        self.check_category(category)?;
        let mut new = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let w = line.trim();
            if w.is_empty() || w.starts_with('#') {
                continue;
            }
            let w = check_word(w).map_err(|e| line_error(n, e))?;
            new.push(Entry {
                word: w.to_owned(),
                categories: 1 << category.0,
                whole_word: w.bytes().all(|b| b.is_ascii_alphanumeric()),
            });
        }
        let count = new.len();
        self.entries.extend(new);
        Ok(count)
    }

    /// Add words in the tags format: `word TAG[,TAG]` per line, the tags
    /// mapped to categories by `tag` (a tag it does not know is an error
    /// naming the line). Returns how many words were added; on error
    /// nothing is.
    pub fn load_tags(
        &mut self,
        text: &str,
        tag: impl Fn(&str) -> Option<CategoryId>,
    ) -> Result<usize> {
        let known = self.categories.len();
        let new = parse_tags(text, |t| match tag(t) {
            Some(c) if (c.0 as usize) < known => Ok(c),
            Some(_) => Err(Error::invalid("unknown category")),
            None => Err(Error::new(
                ErrorKind::Malformed,
                format!("unknown tag {t:?}"),
            )),
        })?;
        let count = new.len();
        self.entries.extend(new);
        Ok(count)
    }

    /// Like [`load_tags`](Self::load_tags), each tag naming its category,
    /// created if new (`冰毒 drugs,illegal`). On error nothing is added,
    /// categories included.
    pub fn load_tags_named(&mut self, text: &str) -> Result<usize> {
        let mut categories = self.categories.clone();
        let new = parse_tags(text, |t| {
            let i = match categories.iter().position(|c| c == t) {
                Some(i) => i,
                None if t.is_empty() => return Err(Error::invalid("empty tag")),
                None if categories.len() == MAX_CATEGORIES => {
                    return Err(Error::invalid("a dictionary has at most 64 categories"))
                }
                None => {
                    categories.push(t.to_owned());
                    categories.len() - 1
                }
            };
            Ok(CategoryId(i as u8))
        })?;
        let count = new.len();
        self.categories = categories;
        self.entries.extend(new);
        Ok(count)
    }

    /// Allow `word`: a match that lies inside an occurrence of it is not
    /// reported (大麻烦 allows the 大麻 inside it).
    pub fn allow(&mut self, word: &str) -> &mut Self {
        let w = word.trim();
        if !w.is_empty() && w.len() <= MAX_WORD_LEN {
            self.allow.push(w.to_owned());
        }
        self
    }

    /// Allow every non-empty line of `text`. Returns how many.
    pub fn load_allow(&mut self, text: &str) -> usize {
        let before = self.allow.len();
        for line in text.lines() {
            if !line.trim().starts_with('#') {
                self.allow(line);
            }
        }
        self.allow.len() - before
    }

    /// [`load_plain`](Self::load_plain) from a UTF-8 file.
    pub fn load_plain_file(
        &mut self,
        path: impl AsRef<std::path::Path>,
        category: CategoryId,
    ) -> Result<usize> {
        let text = read_utf8(path.as_ref())?;
        self.load_plain(&text, category)
    }

    /// [`load_tags`](Self::load_tags) from a UTF-8 file.
    pub fn load_tags_file(
        &mut self,
        path: impl AsRef<std::path::Path>,
        tag: impl Fn(&str) -> Option<CategoryId>,
    ) -> Result<usize> {
        let text = read_utf8(path.as_ref())?;
        self.load_tags(&text, tag)
    }

    /// [`load_allow`](Self::load_allow) from a UTF-8 file.
    pub fn load_allow_file(&mut self, path: impl AsRef<std::path::Path>) -> Result<usize> {
        let text = read_utf8(path.as_ref())?;
        Ok(self.load_allow(&text))
    }

    /// The categories created so far, in number order.
    pub fn categories(&self) -> &[String] {
        &self.categories
    }

    /// Compile the dictionary with `normalization` and `policy`. Words are
    /// normalized the same way as scanned text; words that normalize to the
    /// same text are merged (their categories combined).
    pub fn build(&self, normalization: Normalization, policy: Policy) -> Result<Scanner> {
        let mut patterns: Vec<String> = Vec::new();
        let mut info: Vec<Pattern> = Vec::new();
        let mut index = std::collections::HashMap::new();
        for e in &self.entries {
            let norm = normalize::normalize(&e.word, &normalization).text;
            if norm.trim().is_empty() {
                continue;
            }
            match index.get(&norm) {
                Some(&i) => {
                    let p: &mut Pattern = &mut info[i];
                    p.categories |= e.categories;
                    p.whole_word &= e.whole_word;
                }
                None => {
                    index.insert(norm.clone(), info.len());
                    patterns.push(norm);
                    info.push(Pattern {
                        word: e.word.clone(),
                        categories: e.categories,
                        whole_word: e.whole_word,
                    });
                }
            }
        }
        let ac = if patterns.is_empty() {
            None
        } else {
            Some(
                CharwiseDoubleArrayAhoCorasickBuilder::new()
                    .match_kind(daachorse::MatchKind::LeftmostLongest)
                    .build::<_, _, u32>(&patterns)
                    .map_err(|e| Error::invalid(format!("dictionary does not compile: {e}")))?,
            )
        };
        let allow: Vec<String> = self
            .allow
            .iter()
            .map(|w| normalize::normalize(w, &normalization).text)
            .filter(|w| !w.trim().is_empty())
            .collect();
        let allow_max = allow.iter().map(String::len).max().unwrap_or(0);
        let allow_ac = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(&allow)
            .map_err(|e| Error::invalid(format!("allow-list does not compile: {e}")))?;
        Ok(Scanner {
            ac,
            patterns: info,
            allow_ac,
            allow_max,
            categories: self.categories.clone(),
            normalization,
            policy,
        })
    }
}

/// The entries of a tags-format text (`word TAG[,TAG]` per line), each tag
/// turned into a category by `tag`; an error names its line.
fn parse_tags(text: &str, mut tag: impl FnMut(&str) -> Result<CategoryId>) -> Result<Vec<Entry>> {
    let mut new = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (word, tags) = line.rsplit_once(char::is_whitespace).ok_or_else(|| {
            Error::new(
                ErrorKind::Malformed,
                format!("line {}: expected `word TAG[,TAG]`", n + 1),
            )
        })?;
        let w = check_word(word).map_err(|e| line_error(n, e))?;
        let mut categories = 0u64;
        for t in tags.split(',') {
            let c = tag(t.trim()).map_err(|e| line_error(n, e))?;
            categories |= 1 << c.0;
        }
        new.push(Entry {
            word: w.to_owned(),
            categories,
            whole_word: w.bytes().all(|b| b.is_ascii_alphanumeric()),
        });
    }
    Ok(new)
}

/// A whole file as UTF-8 text.
fn read_utf8(path: &std::path::Path) -> Result<String> {
    let bytes = std::fs::read(path)
        .map_err(|e| Error::new(ErrorKind::Io, format!("{}: {e}", path.display())))?;
    String::from_utf8(bytes).map_err(|e| {
        Error::new(
            ErrorKind::Utf8,
            format!(
                "{}: invalid UTF-8 at byte {}",
                path.display(),
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

fn line_error(n: usize, e: Error) -> Error {
    Error::new(e.kind(), format!("line {}: {}", n + 1, e.detail()))
}

#[derive(Debug, Clone)]
struct Pattern {
    word: String,
    categories: u64,
    whole_word: bool,
}

/// One dictionary word found in a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// The strongest-acting category of the word for this direction.
    pub category: CategoryId,
    /// The action for that category and direction.
    pub action: Action,
    /// The dictionary word, as it was added.
    pub word: String,
    /// Its bytes in the original text (what the writer typed, disguise
    /// included).
    pub span: Range<usize>,
}

/// What a message may do, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The strongest action of any match (`Allow` when nothing matched).
    pub action: Action,
    /// Every match, in text order.
    pub matches: Vec<Match>,
    /// The text with every `Mask` match replaced by `*`s (one per
    /// character), when there is one.
    pub masked: Option<String>,
}

/// A compiled, immutable dictionary and policy. `Send + Sync`; share it
/// (see [`SharedScanner`] for replacing it while in use).
pub struct Scanner {
    /// The words, as a charwise double-array automaton (None when empty).
    ac: Option<CharwiseDoubleArrayAhoCorasick<u32>>,
    patterns: Vec<Pattern>,
    allow_ac: AhoCorasick,
    allow_max: usize,
    categories: Vec<String>,
    normalization: Normalization,
    policy: Policy,
}

/// Largest message [`Scanner::scan`] accepts: 16 MiB.
pub const MAX_MESSAGE: usize = 16 << 20;

impl std::fmt::Debug for Scanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scanner")
            .field("words", &self.patterns.len())
            .field("categories", &self.categories)
            .field("normalization", &self.normalization)
            .finish()
    }
}

impl Scanner {
    /// The name of a category.
    pub fn category_name(&self, c: CategoryId) -> Option<&str> {
        self.categories.get(c.0 as usize).map(String::as_str)
    }

    /// Number of distinct normalized words.
    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    /// Whether the dictionary is empty.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Scan one message written in `direction`.
    pub fn scan(&self, text: &str, direction: Direction) -> Result<Verdict> {
        if text.len() > MAX_MESSAGE {
            return Err(Error::new(
                ErrorKind::TooLarge,
                format!(
                    "message of {} bytes is over the {MAX_MESSAGE}-byte limit",
                    text.len()
                ),
            ));
        }
        // With every step off the text is its own normalized form: no copy,
        // no map.
        let norm = (self.normalization != Normalization::NONE)
            .then(|| normalize::normalize(text, &self.normalization));
        let hay = norm.as_ref().map_or(text.as_bytes(), |n| n.text.as_bytes());
        let mut matches = Vec::new();
        let mut action = Action::Allow;
        let mut mask_spans = Vec::new();
        let hay_str = norm.as_ref().map_or(text, |n| n.text.as_str());
        let found = self.ac.iter().flat_map(|ac| ac.leftmost_find_iter(hay_str));
        for m in found {
            let p = &self.patterns[m.value() as usize];
            let (s, e) = (m.start(), m.end());
            if p.whole_word
                && ((s > 0 && hay[s - 1].is_ascii_alphanumeric())
                    || (e < hay.len() && hay[e].is_ascii_alphanumeric()))
            {
                continue;
            }
            if self.allowed(hay, s, e) {
                continue;
            }
            // The category whose action is strongest in this direction.
            let (category, act) = (0..MAX_CATEGORIES as u8)
                .filter(|c| p.categories & (1 << c) != 0)
                .map(|c| (CategoryId(c), self.policy.action(CategoryId(c), direction)))
                .max_by_key(|(c, a)| (*a, std::cmp::Reverse(*c)))
                .expect("every word has a category");
            let span = norm.as_ref().map_or(s..e, |n| n.original(s, e));
            if act == Action::Mask {
                mask_spans.push(span.clone());
            }
            action = action.max(act);
            matches.push(Match {
                category,
                action: act,
                word: p.word.clone(),
                span,
            });
        }
        let masked = (!mask_spans.is_empty()).then(|| mask(text, &mask_spans));
        Ok(Verdict {
            action,
            matches,
            masked,
        })
    }

    /// Whether an allow-list word covers normalized bytes `s..e`.
    fn allowed(&self, hay: &[u8], s: usize, e: usize) -> bool {
        if self.allow_max == 0 {
            return false;
        }
        let lo = s.saturating_sub(self.allow_max);
        let hi = (e + self.allow_max).min(hay.len());
        self.allow_ac
            .find_overlapping_iter(&hay[lo..hi])
            .any(|a| lo + a.start() <= s && lo + a.end() >= e)
    }
}

/// `text` with each span's characters replaced by `*`.
fn mask(text: &str, spans: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for s in spans {
        if s.start < pos {
            continue;
        }
        out.push_str(&text[pos..s.start]);
        for c in text[s.clone()].chars() {
            out.push(if c.is_whitespace() { c } else { '*' });
        }
        pos = s.end;
    }
    out.push_str(&text[pos..]);
    out
}

/// A scanner that can be replaced while other threads scan with it: each
/// scan uses the scanner current when it starts; [`replace`](Self::replace)
/// swaps in a new one atomically (build it first, off the hot path).
///
/// # Examples
/// ```
/// use std::sync::Arc;
/// use chatvault::scan::{Action, Direction, DictionaryBuilder, Normalization, Policy, SharedScanner};
/// let build = |w: &str| -> chatvault::Result<_> {
///     let mut d = DictionaryBuilder::new();
///     let c = d.category("x")?;
///     d.add(w, c, false)?;
///     d.build(Normalization::ALL, Policy::new(Action::Block))
/// };
/// let shared = SharedScanner::new(build("甲")?);
/// assert_eq!(shared.scan("甲", Direction::AgentToCustomer)?.action, Action::Block);
/// shared.replace(build("乙")?)?;
/// assert_eq!(shared.scan("甲", Direction::AgentToCustomer)?.action, Action::Allow);
/// # Ok::<(), chatvault::Error>(())
/// ```
#[derive(Debug)]
pub struct SharedScanner {
    current: RwLock<Arc<Scanner>>,
}

impl SharedScanner {
    /// Share `scanner`.
    pub fn new(scanner: Scanner) -> SharedScanner {
        SharedScanner::from_arc(Arc::new(scanner))
    }

    /// Share a scanner that is already shared elsewhere.
    pub fn from_arc(scanner: Arc<Scanner>) -> SharedScanner {
        SharedScanner {
            current: RwLock::new(scanner),
        }
    }

    /// The scanner in use now (cheap: one reference count).
    pub fn current(&self) -> Result<Arc<Scanner>> {
        self.current
            .read()
            .map(|s| s.clone())
            .map_err(|_| Error::new(ErrorKind::Poisoned, "shared scanner lock poisoned"))
    }

    /// Scan with the scanner in use now.
    pub fn scan(&self, text: &str, direction: Direction) -> Result<Verdict> {
        self.current()?.scan(text, direction)
    }

    /// Put `scanner` in use for every scan that starts from now on.
    pub fn replace(&self, scanner: Scanner) -> Result<()> {
        self.replace_arc(Arc::new(scanner))
    }

    /// [`replace`](Self::replace) with a scanner shared elsewhere.
    pub fn replace_arc(&self, new: Arc<Scanner>) -> Result<()> {
        let mut slot = self
            .current
            .write()
            .map_err(|_| Error::new(ErrorKind::Poisoned, "shared scanner lock poisoned"))?;
        *slot = new;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scanner(words: &[(&str, &str)], allow: &[&str]) -> (Scanner, Vec<CategoryId>) {
        let mut d = DictionaryBuilder::new();
        let mut cats = Vec::new();
        for (w, c) in words {
            let id = d.category(c).unwrap();
            cats.push(id);
            let whole = w.bytes().all(|b| b.is_ascii_alphanumeric());
            d.add(w, id, whole).unwrap();
        }
        for a in allow {
            d.allow(a);
        }
        (
            d.build(Normalization::ALL, Policy::new(Action::Report))
                .unwrap(),
            cats,
        )
    }

    fn found(s: &Scanner, text: &str) -> Vec<String> {
        s.scan(text, Direction::CustomerToAgent)
            .unwrap()
            .matches
            .into_iter()
            .map(|m| text[m.span].to_owned())
            .collect()
    }

    #[test]
    fn disguises_are_found_with_original_spans() {
        let (s, _) = scanner(
            &[
                ("微信", "contact"),
                ("weixin", "contact"),
                ("大麻", "drugs"),
            ],
            &["大麻烦"],
        );
        assert_eq!(found(&s, "加微 信"), ["微 信"]);
        assert_eq!(found(&s, "加微*信"), ["微*信"]);
        assert_eq!(found(&s, "加ｗｅｉｘｉｎ"), ["ｗｅｉｘｉｎ"]);
        assert_eq!(found(&s, "加 W e i X i n 吧"), ["W e i X i n"]);
        assert_eq!(found(&s, "真是大麻烦"), Vec::<String>::new());
        assert_eq!(found(&s, "卖大麻"), ["大麻"]);
        assert_eq!(found(&s, "微微微信"), ["微微微信"]);
    }

    #[test]
    fn whole_word_rule_for_latin() {
        let (s, _) = scanner(&[("ass", "rude")], &[]);
        assert!(found(&s, "first class").is_empty());
        assert_eq!(found(&s, "you ass!"), ["ass"]);
    }

    #[test]
    fn policy_picks_the_strongest_action() {
        let mut d = DictionaryBuilder::new();
        let a = d.category("a").unwrap();
        let b = d.category("b").unwrap();
        d.add("甲", a, false).unwrap();
        d.add("乙", b, false).unwrap();
        let mut p = Policy::new(Action::Allow);
        p.set(a, Direction::AgentToCustomer, Action::Mask);
        p.set(b, Direction::AgentToCustomer, Action::Report);
        let s = d.build(Normalization::ALL, p).unwrap();
        let v = s.scan("甲和乙", Direction::AgentToCustomer).unwrap();
        assert_eq!(v.action, Action::Report);
        assert_eq!(v.matches.len(), 2);
        assert_eq!(v.masked.as_deref(), Some("*和乙"));
        let v = s.scan("甲和乙", Direction::CustomerToAgent).unwrap();
        assert_eq!(v.action, Action::Allow);
    }

    #[test]
    fn tags_format_errors_name_the_line() {
        let mut d = DictionaryBuilder::new();
        let c = d.category("x").unwrap();
        let e = d.load_tags("好词 0\n坏行\n", |_| Some(c)).unwrap_err();
        assert!(e.detail().contains("line 2"), "{e}");
        let e = d
            .load_tags("词 9\n", |t| (t == "0").then_some(c))
            .unwrap_err();
        assert!(e.detail().contains("unknown tag"), "{e}");
        assert!(d
            .build(Normalization::ALL, Policy::new(Action::Block))
            .unwrap()
            .is_empty());
    }

    #[test]
    fn named_tags_create_categories_all_or_nothing() {
        let mut d = DictionaryBuilder::new();
        assert_eq!(
            d.load_tags_named("冰毒 drugs,illegal\nfoo drugs\n")
                .unwrap(),
            2
        );
        assert_eq!(d.categories(), ["drugs", "illegal"]);
        let e = d.load_tags_named("甲 new\n坏行\n").unwrap_err();
        assert!(e.detail().contains("line 2"), "{e}");
        assert_eq!(
            d.categories(),
            ["drugs", "illegal"],
            "a failed load created nothing"
        );
        let s = d
            .build(Normalization::ALL, Policy::new(Action::Block))
            .unwrap();
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn mask_replaces_characters() {
        let spans = vec![3..10, 10..13];
        assert_eq!(mask("加微 信吧", &spans[..1]), "加* *吧");
        assert_eq!(mask("加微 信吧", &spans), "加* **");
    }
}
