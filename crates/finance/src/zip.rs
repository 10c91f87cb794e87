//! The smallest ZIP writer an XLSX file needs, streaming to any `Write` (no `Seek`): each
//! entry is DEFLATE-compressed as it is written, with its CRC and sizes in a data
//! descriptor after the data (general purpose flag bit 3), and the central directory at
//! the end. Only the few names of the entries are kept in memory.
//!
//! Limits: no ZIP64, so at most 65,535 entries and 4 GiB per entry and per file, which is
//! far above what an XLSX sheet (at most 1,048,576 rows) reaches. Timestamps are fixed at
//! 1980-01-01 00:00 so the same content gives the same bytes.

use std::io::{self, BufWriter, Write};

use flate2::write::DeflateEncoder;
use flate2::{Compression, Crc};

const LOCAL_HEADER: u32 = 0x0403_4b50;
const DATA_DESCRIPTOR: u32 = 0x0807_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const END_OF_CENTRAL_DIRECTORY: u32 = 0x0605_4b50;
/// Bit 3: sizes and CRC follow the data; bit 11: the name is UTF-8.
const FLAGS: u16 = 0x0008 | 0x0800;
const DEFLATE: u16 = 8;
const VERSION: u16 = 20;
/// MS-DOS date of 1980-01-01 (the earliest a ZIP can say).
const DOS_DATE: u16 = (1 << 5) | 1;

struct Counter<W: Write> {
    inner: BufWriter<W>,
    count: u64,
}

impl<W: Write> Write for Counter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.count += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

struct Finished {
    name: String,
    offset: u32,
    crc: u32,
    compressed: u32,
    uncompressed: u32,
}

struct Open<W: Write> {
    name: String,
    offset: u32,
    data_start: u64,
    crc: Crc,
    uncompressed: u64,
    encoder: DeflateEncoder<Counter<W>>,
}

/// A ZIP archive being written; see the [module documentation](self).
pub struct ZipWriter<W: Write> {
    idle: Option<Counter<W>>,
    open: Option<Open<W>>,
    done: Vec<Finished>,
}

fn too_large(what: &str) -> io::Error {
    io::Error::other(format!(
        "{what} is groter dan 4 GiB; ZIP64 wordt niet ondersteund"
    ))
}

fn to_u32(value: u64, what: &str) -> io::Result<u32> {
    u32::try_from(value).map_err(|_| too_large(what))
}

impl<W: Write> ZipWriter<W> {
    /// An empty archive writing to `out`.
    pub fn new(out: W) -> ZipWriter<W> {
        ZipWriter {
            idle: Some(Counter {
                inner: BufWriter::with_capacity(64 * 1024, out),
                count: 0,
            }),
            open: None,
            done: Vec::new(),
        }
    }

    /// Starts a new entry (closing the previous one); what is written next goes into it.
    pub fn start_entry(&mut self, name: &str) -> io::Result<()> {
        self.end_entry()?;
        if self.done.len() >= usize::from(u16::MAX) {
            return Err(io::Error::other("meer dan 65.535 onderdelen in één ZIP"));
        }
        let mut out = self
            .idle
            .take()
            .ok_or_else(|| io::Error::other("ZIP al afgesloten"))?;
        let offset = to_u32(out.count, "het ZIP-bestand")?;
        let name_len = u16::try_from(name.len()).map_err(|_| io::Error::other("naam te lang"))?;
        let mut header = Vec::with_capacity(30 + name.len());
        header.extend_from_slice(&LOCAL_HEADER.to_le_bytes());
        header.extend_from_slice(&VERSION.to_le_bytes());
        header.extend_from_slice(&FLAGS.to_le_bytes());
        header.extend_from_slice(&DEFLATE.to_le_bytes());
        header.extend_from_slice(&0u16.to_le_bytes()); // time
        header.extend_from_slice(&DOS_DATE.to_le_bytes());
        header.extend_from_slice(&[0u8; 12]); // crc, sizes: in the data descriptor
        header.extend_from_slice(&name_len.to_le_bytes());
        header.extend_from_slice(&0u16.to_le_bytes()); // extra field length
        header.extend_from_slice(name.as_bytes());
        out.write_all(&header)?;
        let data_start = out.count;
        self.open = Some(Open {
            name: name.to_owned(),
            offset,
            data_start,
            crc: Crc::new(),
            uncompressed: 0,
            encoder: DeflateEncoder::new(out, Compression::fast()),
        });
        Ok(())
    }

    fn end_entry(&mut self) -> io::Result<()> {
        let Some(open) = self.open.take() else {
            return Ok(());
        };
        let mut out = open.encoder.finish()?;
        let compressed = to_u32(out.count - open.data_start, &open.name)?;
        let uncompressed = to_u32(open.uncompressed, &open.name)?;
        let crc = open.crc.sum();
        let mut descriptor = Vec::with_capacity(16);
        descriptor.extend_from_slice(&DATA_DESCRIPTOR.to_le_bytes());
        descriptor.extend_from_slice(&crc.to_le_bytes());
        descriptor.extend_from_slice(&compressed.to_le_bytes());
        descriptor.extend_from_slice(&uncompressed.to_le_bytes());
        out.write_all(&descriptor)?;
        self.done.push(Finished {
            name: open.name,
            offset: open.offset,
            crc,
            compressed,
            uncompressed,
        });
        self.idle = Some(out);
        Ok(())
    }

    /// Closes the last entry, writes the central directory and returns `out`, flushed.
    pub fn finish(mut self) -> io::Result<W> {
        self.end_entry()?;
        let mut out = self
            .idle
            .take()
            .ok_or_else(|| io::Error::other("ZIP al afgesloten"))?;
        let directory_start = to_u32(out.count, "het ZIP-bestand")?;
        for e in &self.done {
            let mut h = Vec::with_capacity(46 + e.name.len());
            h.extend_from_slice(&CENTRAL_HEADER.to_le_bytes());
            h.extend_from_slice(&VERSION.to_le_bytes()); // made by: MS-DOS, 2.0
            h.extend_from_slice(&VERSION.to_le_bytes()); // needed
            h.extend_from_slice(&FLAGS.to_le_bytes());
            h.extend_from_slice(&DEFLATE.to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            h.extend_from_slice(&DOS_DATE.to_le_bytes());
            h.extend_from_slice(&e.crc.to_le_bytes());
            h.extend_from_slice(&e.compressed.to_le_bytes());
            h.extend_from_slice(&e.uncompressed.to_le_bytes());
            h.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            h.extend_from_slice(&[0u8; 8]); // extra, comment, disk, internal attributes
            h.extend_from_slice(&0u32.to_le_bytes()); // external attributes
            h.extend_from_slice(&e.offset.to_le_bytes());
            h.extend_from_slice(e.name.as_bytes());
            out.write_all(&h)?;
        }
        let directory_size = to_u32(out.count - u64::from(directory_start), "de inhoudsopgave")?;
        let entries = self.done.len() as u16;
        let mut end = Vec::with_capacity(22);
        end.extend_from_slice(&END_OF_CENTRAL_DIRECTORY.to_le_bytes());
        end.extend_from_slice(&[0u8; 4]); // disk numbers
        end.extend_from_slice(&entries.to_le_bytes());
        end.extend_from_slice(&entries.to_le_bytes());
        end.extend_from_slice(&directory_size.to_le_bytes());
        end.extend_from_slice(&directory_start.to_le_bytes());
        end.extend_from_slice(&0u16.to_le_bytes()); // comment length
        out.write_all(&end)?;
        out.inner.into_inner().map_err(|e| e.into_error())
    }
}

impl<W: Write> Write for ZipWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let open = self
            .open
            .as_mut()
            .ok_or_else(|| io::Error::other("geen ZIP-onderdeel geopend"))?;
        let n = open.encoder.write(buf)?;
        open.crc.update(&buf[..n]);
        open.uncompressed += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.open.as_mut() {
            Some(open) => open.encoder.flush(),
            None => Ok(()),
        }
    }
}
