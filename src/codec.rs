//! Bounds-checked reading and writing of the crate's binary formats.
//!
//! Owns: the primitive encodings every format in docs/FORMAT.md is built
//! from (big-endian integers, u16-length-prefixed byte strings). Every
//! reader method fails with [`ErrorKind::Malformed`](crate::ErrorKind) rather
//! than panicking, whatever the input.

use crate::error::{Error, Result};

/// Reads a format field by field.
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    what: &'static str,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8], what: &'static str) -> Reader<'a> {
        Reader { buf, pos: 0, what }
    }

    pub(crate) fn bytes(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|end| *end <= self.buf.len())
            .ok_or_else(|| {
                Error::malformed(format!("{} truncated at byte {}", self.what, self.pos))
            })?;
        let out = &self.buf[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        Ok(self.bytes(N)?.try_into().expect("length checked"))
    }

    pub(crate) fn u8(&mut self) -> Result<u8> {
        Ok(self.array::<1>()?[0])
    }

    pub(crate) fn u16(&mut self) -> Result<u16> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    pub(crate) fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    pub(crate) fn i64(&mut self) -> Result<i64> {
        Ok(i64::from_be_bytes(self.array()?))
    }

    pub(crate) fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    /// A u16-length-prefixed byte string.
    pub(crate) fn lp16(&mut self) -> Result<&'a [u8]> {
        let n = self.u16()? as usize;
        self.bytes(n)
    }

    /// A u16-length-prefixed UTF-8 string.
    pub(crate) fn str16(&mut self) -> Result<&'a str> {
        let at = self.pos;
        std::str::from_utf8(self.lp16()?)
            .map_err(|_| Error::malformed(format!("{}: invalid UTF-8 at byte {at}", self.what)))
    }

    /// Everything not yet read.
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        let out = &self.buf[self.pos..];
        self.pos = self.buf.len();
        out
    }

    /// Fail unless every byte was read.
    pub(crate) fn finish(&self) -> Result<()> {
        if self.pos == self.buf.len() {
            Ok(())
        } else {
            Err(Error::malformed(format!(
                "{}: {} trailing bytes",
                self.what,
                self.buf.len() - self.pos
            )))
        }
    }
}

/// Appends format fields to a buffer.
pub(crate) trait Writer {
    fn put(&mut self, b: &[u8]);
    fn put_u8(&mut self, v: u8) {
        self.put(&[v]);
    }
    fn put_u16(&mut self, v: u16) {
        self.put(&v.to_be_bytes());
    }
    fn put_u32(&mut self, v: u32) {
        self.put(&v.to_be_bytes());
    }
    fn put_i64(&mut self, v: i64) {
        self.put(&v.to_be_bytes());
    }
    fn put_u64(&mut self, v: u64) {
        self.put(&v.to_be_bytes());
    }
    /// A u16-length-prefixed byte string; callers check the length first.
    fn put_lp16(&mut self, b: &[u8]) {
        let n = u16::try_from(b.len()).expect("length checked by the caller");
        self.put_u16(n);
        self.put(b);
    }
}

impl Writer for Vec<u8> {
    fn put(&mut self, b: &[u8]) {
        self.extend_from_slice(b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_never_panics_on_short_input() {
        let mut r = Reader::new(&[0, 5, 1], "test");
        assert!(r.lp16().is_err());
        let mut r = Reader::new(&[], "test");
        assert!(r.u8().is_err());
        assert!(r.i64().is_err());
        let r = Reader::new(&[1], "test");
        assert!(r.finish().is_err());
    }
}
