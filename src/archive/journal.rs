//! The archive's append-only record file (docs/FORMAT.md section 14.2):
//! a header, then frames of `u32 length || body || u32 CRC-32C(length ||
//! body)`, the framing of the audit log's segments.
//!
//! Appends are buffered and written and synced by [`Journal::flush`]. On
//! opening, a torn last frame (a crash while writing) or a zero-filled
//! tail is cut off; any other damage refuses to open. Deleting records
//! rewrites the file without them ([`rewrite`]) and swaps it in with a
//! rename.

use std::fs::{File, OpenOptions};
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use crate::audit::crc32c::{crc32c, crc32c_update};
use crate::codec::{Reader, Writer};
use crate::error::{Error, ErrorKind, Result};

const MAGIC: &[u8; 4] = b"CVAR";
const VERSION: u8 = 1;
/// The longest body a frame may hold: 64 MiB.
pub(crate) const MAX_BODY: usize = 64 << 20;

fn header(tenant: &str) -> Vec<u8> {
    let mut h = Vec::with_capacity(7 + tenant.len());
    h.put(MAGIC);
    h.put_u8(VERSION);
    h.put_lp16(tenant.as_bytes());
    h
}

fn frame_into(out: &mut Vec<u8>, body: &[u8]) {
    let start = out.len();
    out.put_u32(body.len() as u32);
    out.put(body);
    let crc = crc32c_update(crc32c(&out[start..start + 4]), body);
    out.put_u32(crc);
}

fn io(what: &str, e: std::io::Error) -> Error {
    Error::io(what, e)
}

fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io("syncing the archive directory", e))
}

/// Where a frame's body lies in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Loc {
    /// Offset of the frame (its length field).
    pub offset: u64,
    /// Length of the body.
    pub len: u32,
}

/// What opening found besides the frames.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Repair {
    /// Offset the file was cut at.
    pub offset: u64,
    /// Bytes dropped.
    pub dropped: u64,
}

#[derive(Debug)]
pub(crate) struct Journal {
    path: PathBuf,
    file: File,
    /// Bytes written to the file (and synced, once `flush` returned).
    written: u64,
    /// Frames not yet written.
    buf: Vec<u8>,
    poisoned: Option<String>,
}

impl Journal {
    /// Create a new, empty journal at `path` (which must not exist).
    pub(crate) fn create(path: &Path, tenant: &str) -> Result<Journal> {
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create_new(true)
            .open(path)
            .map_err(|e| io("creating the archive record file", e))?;
        let h = header(tenant);
        file.write_all(&h)
            .and_then(|_| file.sync_all())
            .map_err(|e| io("writing the archive record file", e))?;
        sync_dir(path.parent().unwrap_or(Path::new(".")))?;
        Ok(Journal {
            path: path.to_owned(),
            file,
            written: h.len() as u64,
            buf: Vec::new(),
            poisoned: None,
        })
    }

    /// Open the journal at `path`, calling `each` with every frame's place
    /// and body in order, and cutting off a torn tail.
    pub(crate) fn open(
        path: &Path,
        tenant: &str,
        mut each: impl FnMut(Loc, &[u8]) -> Result<()>,
    ) -> Result<(Journal, Option<Repair>)> {
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(path)
            .map_err(|e| io("opening the archive record file", e))?;
        let total = file
            .metadata()
            .map_err(|e| io("reading the archive record file", e))?
            .len();
        let damaged = |at: u64, why: &str| {
            Error::malformed(format!("{} at byte {at}: {why}", path.display()))
        };
        let expect = header(tenant);
        let mut r = BufReader::with_capacity(1 << 16, &mut file);
        let mut got = vec![0u8; expect.len()];
        r.read_exact(&mut got)
            .map_err(|_| damaged(0, "too short for a record file header"))?;
        if got != expect {
            let mut h = Reader::new(&got, "archive record file header");
            return Err(match (h.array::<4>(), h.u8()) {
                (Ok(m), _) if m != *MAGIC => damaged(0, "not an archive record file"),
                (_, Ok(v)) if v != VERSION => Error::new(
                    ErrorKind::UnsupportedVersion,
                    format!("archive record file version {v}"),
                ),
                _ => damaged(0, "belongs to another tenant"),
            });
        }
        let mut pos = expect.len() as u64;
        let mut body = Vec::new();
        let mut repair = None;
        while pos < total {
            let left = total - pos;
            let mut len4 = [0u8; 4];
            if left < 8 {
                repair = Some(pos);
                break;
            }
            r.read_exact(&mut len4)
                .map_err(|e| io("reading the archive record file", e))?;
            let n = u32::from_be_bytes(len4) as u64;
            if n == 0 || n > MAX_BODY as u64 {
                // A zero-filled tail (space allocated, never written) is a
                // torn write; any other bad length is damage.
                if n == 0 && zeros_to_end(&mut r)? {
                    repair = Some(pos);
                    break;
                }
                return Err(damaged(pos, &format!("bad record length {n}")));
            }
            if 8 + n > left {
                repair = Some(pos);
                break;
            }
            body.resize(n as usize, 0);
            let mut crc4 = [0u8; 4];
            r.read_exact(&mut body)
                .and_then(|_| r.read_exact(&mut crc4))
                .map_err(|e| io("reading the archive record file", e))?;
            if u32::from_be_bytes(crc4) != crc32c_update(crc32c(&len4), &body) {
                if pos + 8 + n == total {
                    // The last frame, half written.
                    repair = Some(pos);
                    break;
                }
                return Err(damaged(pos, "checksum mismatch"));
            }
            each(
                Loc {
                    offset: pos,
                    len: n as u32,
                },
                &body,
            )
            .map_err(|e| {
                Error::new(
                    e.kind(),
                    format!("{} at byte {pos}: {}", path.display(), e.detail()),
                )
            })?;
            pos += 8 + n;
        }
        drop(r);
        let repair = match repair {
            Some(at) => {
                file.set_len(at)
                    .and_then(|_| file.sync_all())
                    .map_err(|e| io("cutting a torn record", e))?;
                Some(Repair {
                    offset: at,
                    dropped: total - at,
                })
            }
            None => None,
        };
        file.seek(SeekFrom::End(0))
            .map_err(|e| io("opening the archive record file", e))?;
        Ok((
            Journal {
                path: path.to_owned(),
                file,
                written: pos,
                buf: Vec::new(),
                poisoned: None,
            },
            repair,
        ))
    }

    fn check(&self) -> Result<()> {
        match &self.poisoned {
            Some(why) => Err(Error::new(
                ErrorKind::Poisoned,
                format!("the archive record file failed earlier ({why}); reopen the archive"),
            )),
            None => Ok(()),
        }
    }

    /// Where the next frame appended will lie.
    pub(crate) fn next_offset(&self) -> u64 {
        self.written + self.buf.len() as u64
    }

    /// Buffer a frame; returns where it will lie.
    pub(crate) fn append(&mut self, body: &[u8]) -> Result<Loc> {
        self.check()?;
        if body.is_empty() || body.len() > MAX_BODY {
            return Err(Error::new(
                ErrorKind::TooLarge,
                format!("an archive record holds 1 to {MAX_BODY} bytes"),
            ));
        }
        let loc = Loc {
            offset: self.written + self.buf.len() as u64,
            len: body.len() as u32,
        };
        frame_into(&mut self.buf, body);
        Ok(loc)
    }

    /// Bytes buffered and not yet written.
    pub(crate) fn pending(&self) -> usize {
        self.buf.len()
    }

    /// Write and sync the buffered frames. A failure poisons the journal:
    /// what reached the disk is found (or cut as torn) on reopening.
    pub(crate) fn flush(&mut self) -> Result<()> {
        self.check()?;
        if self.buf.is_empty() {
            return Ok(());
        }
        match self
            .file
            .write_all(&self.buf)
            .and_then(|_| self.file.sync_data())
        {
            Ok(()) => {
                self.written += self.buf.len() as u64;
                self.buf.clear();
                Ok(())
            }
            Err(e) => {
                self.poisoned = Some(e.to_string());
                Err(io("writing the archive record file", e))
            }
        }
    }

    /// The body of the frame at `loc`, checksum verified.
    pub(crate) fn read(&self, loc: Loc) -> Result<Vec<u8>> {
        let n = loc.len as usize;
        let mut frame = vec![0u8; n + 8];
        if loc.offset >= self.written {
            let start = (loc.offset - self.written) as usize;
            let src = self
                .buf
                .get(start..start + n + 8)
                .ok_or_else(|| Error::invalid("no such archive record"))?;
            frame.copy_from_slice(src);
        } else {
            self.file
                .read_exact_at(&mut frame, loc.offset)
                .map_err(|e| io("reading the archive record file", e))?;
        }
        let crc = u32::from_be_bytes(frame[n + 4..].try_into().expect("4 bytes"));
        if u32::from_be_bytes(frame[..4].try_into().expect("4 bytes")) != loc.len
            || crc != crc32c(&frame[..n + 4])
        {
            return Err(Error::malformed(format!(
                "{} at byte {}: record changed on disk",
                self.path.display(),
                loc.offset
            )));
        }
        frame.truncate(n + 4);
        frame.drain(..4);
        Ok(frame)
    }
}

fn zeros_to_end(r: &mut impl Read) -> Result<bool> {
    let mut chunk = [0u8; 8192];
    loop {
        let n = r
            .read(&mut chunk)
            .map_err(|e| io("reading the archive record file", e))?;
        if n == 0 {
            return Ok(true);
        }
        if chunk[..n].iter().any(|b| *b != 0) {
            return Ok(false);
        }
    }
}

/// Replace the journal at `path` with one holding `bodies`, atomically
/// (written beside it, synced, renamed over it). Returns the new journal
/// and where each body now lies.
pub(crate) fn rewrite<'a>(
    path: &Path,
    tenant: &str,
    entries: impl Iterator<Item = &'a [u8]>,
    body: impl Fn(u64, &[u8]) -> Vec<u8>,
) -> Result<(Journal, Vec<Loc>)> {
    let tmp = path.with_extension("rewrite");
    let _ = std::fs::remove_file(&tmp);
    let mut j = Journal::create(&tmp, tenant)?;
    let mut locs = Vec::new();
    for e in entries {
        let b = body(j.next_offset(), e);
        locs.push(j.append(&b)?);
        if j.pending() >= 1 << 20 {
            j.flush()?;
        }
    }
    j.flush()?;
    std::fs::rename(&tmp, path).map_err(|e| io("replacing the archive record file", e))?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))?;
    j.path = path.to_owned();
    Ok((j, locs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bodies(path: &Path) -> Result<(Vec<Vec<u8>>, Option<Repair>)> {
        let mut out = Vec::new();
        let (_, rep) = Journal::open(path, "t", |_, b| {
            out.push(b.to_vec());
            Ok(())
        })?;
        Ok((out, rep))
    }

    #[test]
    fn append_read_reopen_and_torn_tails() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        let mut j = Journal::create(&path, "t").unwrap();
        let a = j.append(b"first").unwrap();
        assert_eq!(j.read(a).unwrap(), b"first"); // from the buffer
        j.flush().unwrap();
        let b = j.append(b"second").unwrap();
        j.flush().unwrap();
        assert_eq!(j.read(a).unwrap(), b"first");
        assert_eq!(j.read(b).unwrap(), b"second");
        drop(j);
        assert_eq!(bodies(&path).unwrap().0.len(), 2);

        // A torn last frame is cut.
        let full = std::fs::read(&path).unwrap();
        std::fs::write(&path, &full[..full.len() - 3]).unwrap();
        let (got, rep) = bodies(&path).unwrap();
        assert_eq!(got, vec![b"first".to_vec()]);
        assert_eq!(rep.unwrap().dropped, 14 - 3);
        // A zero-filled tail is cut.
        let mut z = std::fs::read(&path).unwrap();
        let good = z.len();
        z.extend_from_slice(&[0u8; 100]);
        std::fs::write(&path, &z).unwrap();
        let (got, rep) = bodies(&path).unwrap();
        assert_eq!((got.len(), rep.unwrap().offset), (1, good as u64));
        // A flipped byte in an earlier frame refuses to open.
        let mut j = Journal::open(&path, "t", |_, _| Ok(())).unwrap().0;
        j.append(b"third").unwrap();
        j.flush().unwrap();
        drop(j);
        let mut bad = std::fs::read(&path).unwrap();
        let at = bad.len() - 20;
        bad[at] ^= 1;
        std::fs::write(&path, &bad).unwrap();
        let err = bodies(&path).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Malformed, "{err}");
        // Another tenant's file is refused.
        std::fs::write(&path, &full).unwrap();
        assert!(Journal::open(&path, "u", |_, _| Ok(()))
            .unwrap_err()
            .to_string()
            .contains("another tenant"));
    }

    #[test]
    fn rewrite_keeps_only_the_given_bodies() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        let mut j = Journal::create(&path, "t").unwrap();
        for b in [&b"a"[..], b"bb", b"ccc"] {
            j.append(b).unwrap();
        }
        j.flush().unwrap();
        drop(j);
        let keep: Vec<&[u8]> = vec![b"a", b"ccc"];
        let (j, locs) = rewrite(&path, "t", keep.into_iter(), |_, e| e.to_vec()).unwrap();
        assert_eq!(j.read(locs[1]).unwrap(), b"ccc");
        assert_eq!(
            bodies(&path).unwrap().0,
            vec![b"a".to_vec(), b"ccc".to_vec()]
        );
    }
}
