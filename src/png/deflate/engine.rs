//! The engine of levels 2-9: the window, one segment, the match finder
//! and parser, the block splitter (see the module above).

use super::bits::{BitWriter, Pending};
use super::block::Freqs;
use super::cost::Costs;
use super::find::chains::HashChains;
use super::parse::{Parsed, Search};
use super::symbols::{MAX_MATCH, WINDOW};
use super::{block, find, parse, split};
use crate::png::Sink;
use alloc::vec::Vec;

/// How a level parses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Parser {
    /// One hash table entry per four-byte prefix, positions looked up
    /// every `depth`th byte, the copy found taken if it is worth its bits
    /// (`parse::fast`).
    Fast,
    /// Hash chains and three-byte copies; at each position the copy that
    /// saves the most bits, which waits while the next position saves more
    /// (`parse::lazy`).
    Lazy,
    /// The cheapest path under a price list, walked `passes` times
    /// (`optimal`).
    Optimal { passes: u32 },
}

/// One level's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Params {
    pub(crate) parser: Parser,
    /// Chain entries (or tree nodes) tried per search; for
    /// [`Parser::Fast`], the step between looked-up positions.
    pub(crate) depth: u32,
    /// A copy this long ends the search.
    pub(crate) nice: usize,
    /// log2 of the hash heads.
    pub(crate) hash_bits: u32,
    /// Input bytes parsed and written at a time.
    pub(crate) segment: usize,
    /// Input bytes per piece for the block splitter.
    pub(crate) piece: usize,
    /// Copies longer than this add only their last positions to the chains.
    pub(crate) max_insert: usize,
}

/// The first segment is this many times shorter than the others.
const FIRST_SEGMENT_DIVISOR: usize = 4;

/// Input bytes counted before literal prices are first given out.
const WARM: usize = 16 * 1024;

/// The streaming compressor.
pub(crate) struct Engine {
    p: Params,
    search: Search,
    /// `buf[..pos]` is history (at most a window of it is read), `buf[pos..]`
    /// input not yet compressed.
    buf: Vec<u8>,
    pos: usize,
    hc: HashChains,
    ht: find::table::HashTable,
    bt: find::tree::BinaryTrees,
    parsed: Parsed,
    optimal: parse::optimal::Optimal,
    /// The price list, from the previous segment's last block.
    costs: Option<Costs>,
    /// Its literal prices, for the row filters' choice.
    prices: Option<crate::png::filter::BitPrices>,
    /// Byte counts of the input before the first prices.
    warm: Freqs,
    warm_count: usize,
    /// Compressed bytes of the segment being written.
    out: Vec<u8>,
    pending: Pending,
}

impl Engine {
    /// An engine with settings `p`.
    pub(crate) fn new(p: Params) -> Self {
        Engine {
            p,
            search: Search {
                depth: p.depth,
                nice: p.nice,
                piece: p.piece,
                max_insert: p.max_insert,
            },
            buf: Vec::with_capacity(2 * WINDOW + p.segment + MAX_MATCH),
            pos: 0,
            ht: match p.parser {
                Parser::Fast => find::table::HashTable::new(p.hash_bits),
                _ => find::table::HashTable::empty(),
            },
            hc: match p.parser {
                Parser::Optimal { .. } | Parser::Fast => HashChains::empty(),
                Parser::Lazy => HashChains::new(p.hash_bits).with_three(),
            },
            bt: if matches!(p.parser, Parser::Optimal { .. }) {
                find::tree::BinaryTrees::new()
            } else {
                find::tree::BinaryTrees::empty()
            },
            parsed: Parsed::default(),
            optimal: parse::optimal::Optimal::default(),
            costs: None,
            prices: None,
            warm: Freqs::new(),
            warm_count: 0,
            out: Vec::new(),
            pending: Pending::default(),
        }
    }

    /// What each literal byte is expected to cost in the code being built
    /// (sixteenths of a bit), once a segment has been compressed.
    pub(crate) fn literal_prices(&self) -> Option<&crate::png::filter::BitPrices> {
        self.prices.as_ref()
    }

    /// Heap bytes held (for the memory notes and tests).
    #[cfg(test)]
    pub(crate) fn memory(&self) -> usize {
        self.buf.capacity()
            + self.hc.memory()
            + self.ht.memory()
            + self.bt.memory()
            + self.optimal.memory()
            + self.parsed.seqs.capacity() * core::mem::size_of::<block::Seq>()
            + self.parsed.pieces.capacity() * core::mem::size_of::<(usize, usize)>()
            + self.out.capacity()
    }

    /// Compresses `data` (more of the stream), writing whole segments to
    /// `sink` as they fill.
    pub(crate) fn write<S: Sink + ?Sized>(&mut self, mut data: &[u8], sink: &mut S) {
        // A segment is parsed once the longest copy's worth of input after
        // it has arrived too: copies stop at the segment's end, but the
        // match finders see the bytes after it (a binary tree must order
        // each suffix by its true continuation, not by a cut one).
        while !data.is_empty() {
            // The first segment is a quarter of the others: the parsers
            // price copies by the previous segment's code, and the first
            // has none (it starts from a guess), so the guess decides
            // less of the output.
            let seg = if self.costs.is_none() {
                self.p.segment / FIRST_SEGMENT_DIVISOR
            } else {
                self.p.segment
            };
            let full = seg + MAX_MATCH;
            let room = (self.pos + full).saturating_sub(self.buf.len());
            let (now, rest) = data.split_at(room.min(data.len()));
            if self.prices.is_none() {
                self.warm_up(now);
            }
            self.buf.extend_from_slice(now);
            data = rest;
            if self.buf.len() >= self.pos + full {
                self.segment(self.pos + seg, false, sink);
            }
        }
    }

    /// Before the first segment is written there is no code to price
    /// literals by; count the bytes as they come, and after [`WARM`] of
    /// them price literals by those counts.
    fn warm_up(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.warm.lit[usize::from(b)] += 1;
        }
        self.warm_count += bytes.len();
        if self.warm_count >= WARM {
            self.set_prices(&Costs::from_freqs(&self.warm));
        }
    }

    fn set_prices(&mut self, c: &Costs) {
        let mut prices = [0u16; 256];
        for (p, &l) in prices.iter_mut().zip(&c.lit) {
            *p = l.min(u32::from(u16::MAX)) as u16;
        }
        self.prices = Some(prices);
    }

    /// Compresses what is left and ends the stream: with the final block
    /// if `last`, else with a sync flush (an empty stored block) so another
    /// stream's blocks can follow on a byte boundary. Writes the last
    /// partial byte either way.
    pub(crate) fn finish<S: Sink + ?Sized>(&mut self, last: bool, sink: &mut S) {
        // A segment may stop early (a full copy cache); go on until
        // everything is written.
        while self.segment(self.buf.len(), last, sink) < self.buf.len() {}
        if !last {
            self.out.resize(16, 0);
            let mut bw = BitWriter::new(&mut self.out, 0, self.pending);
            block::write_stored(&mut bw, &[], false);
            let n = bw.pos;
            sink.put(&self.out[..n]);
            self.pending = Pending::default();
        } else if self.pending.n > 0 {
            sink.put(&[self.pending.bits as u8]);
            self.pending = Pending::default();
        }
    }

    /// Parses and writes `buf[pos..end]` (possibly empty) or a prefix of it
    /// (the near-optimal parser stops early when its copy cache fills),
    /// ending with the final block if `last` and all of it was written.
    /// Returns the end of what was written.
    fn segment<S: Sink + ?Sized>(&mut self, end: usize, last: bool, sink: &mut S) -> usize {
        let start = self.pos;
        // Before any block is written the parsers price literals by their
        // counts in this (short, see FIRST_SEGMENT_DIVISOR) first segment
        // and copies by a default. (The near-optimal parser starts its
        // first walk from uniform prices instead, see `optimal`.)
        let costs = match &self.costs {
            Some(c) => c.clone(),
            None => {
                let mut f = Freqs::new();
                for &b in &self.buf[start..end] {
                    f.lit[usize::from(b)] += 1;
                }
                Costs::from_freqs(&f)
            }
        };
        self.parsed.clear();
        let buf = &self.buf[..];
        let mut done = end;
        match self.p.parser {
            Parser::Fast => parse::fast::greedy_fast(
                &mut self.ht,
                buf,
                start,
                end,
                &costs,
                &self.search,
                &mut self.parsed,
            ),
            Parser::Lazy => parse::lazy::lazy_priced(
                &mut self.hc,
                buf,
                start,
                end,
                &costs,
                &self.search,
                &mut self.parsed,
            ),
            Parser::Optimal { passes } => {
                done = self.optimal.parse(
                    &mut self.bt,
                    buf,
                    start,
                    end,
                    &costs,
                    &self.search,
                    passes,
                    &mut self.parsed,
                );
            }
        }
        let (end, last) = (done, last && done == end);
        let Parsed { seqs, pieces } = &self.parsed;
        let mut freqs = Vec::with_capacity(pieces.len());
        let (mut s0, mut b0) = (0usize, start);
        for &(s1, b1) in pieces {
            let mut f = Freqs::new();
            f.add_seqs(&buf[b0..b1], &seqs[s0..s1]);
            freqs.push(f);
            (s0, b0) = (s1, b1);
        }
        let ends = split::merge(&freqs);
        let need = block::block_bound(end - start, seqs.len()) + 16 * ends.len() + 64;
        if self.out.len() < need {
            // Exactly: the bound moves a little from segment to segment,
            // and a doubling Vec would keep twice what any segment needs.
            self.out.reserve_exact(need - self.out.len());
            self.out.resize(need, 0);
        }
        let mut bw = BitWriter::new(&mut self.out, 0, self.pending);
        let mut p0 = 0usize;
        let mut last_freqs = Freqs::new();
        for (k, &e) in ends.iter().enumerate() {
            let mut f = Freqs::new();
            for piece in &freqs[p0..e] {
                f.merge(piece);
            }
            let (s_lo, b_lo) = if p0 == 0 { (0, start) } else { pieces[p0 - 1] };
            let (s_hi, b_hi) = pieces[e - 1];
            last_freqs = block::write_block(
                &mut bw,
                &buf[b_lo..b_hi],
                &seqs[s_lo..s_hi],
                &f,
                last && k + 1 == ends.len(),
            );
            p0 = e;
        }
        self.pending = bw.pending();
        let n = bw.pos;
        sink.put(&self.out[..n]);
        if end > start {
            let c = Costs::from_freqs(&last_freqs);
            self.set_prices(&c);
            self.costs = Some(c);
        }
        self.pos = end;
        // Keep at least a window of history; slide by whole windows so the
        // chains' ring positions keep their place.
        if self.pos >= 2 * WINDOW {
            let by = (self.pos - WINDOW) / WINDOW * WINDOW;
            self.buf.drain(..by);
            self.pos -= by;
            self.hc.rebase(by);
            self.ht.rebase(by);
            self.bt.rebase(by);
        }
        self.pos
    }
}

/// [`crate::fuzz_hooks::deflate`].
#[cfg(fuzzing)]
pub(crate) fn fuzz_deflate(
    parser: u8,
    depth: u8,
    nice: u8,
    segment_k: u8,
    data: &[u8],
    feeds: &[u16],
) -> Vec<u8> {
    let p = Params {
        parser: match parser {
            0 => Parser::Fast,
            1 => Parser::Lazy,
            n => Parser::Optimal {
                passes: u32::from(n - 1).min(6),
            },
        },
        depth: u32::from(depth).clamp(1, 64),
        nice: usize::from(nice).clamp(3, MAX_MATCH),
        hash_bits: 14,
        segment: (usize::from(segment_k).clamp(1, 255)) * 1024,
        piece: 4 * 1024,
        max_insert: 16,
    };
    let mut e = Engine::new(p);
    let mut out = Vec::new();
    let mut rest = data;
    let mut feed = feeds.iter().cycle();
    while !rest.is_empty() {
        let n = feed
            .next()
            .map_or(rest.len(), |&n| usize::from(n).max(1))
            .min(rest.len());
        e.write(&rest[..n], &mut out);
        rest = &rest[n..];
    }
    e.finish(true, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Settings for every parser: a shallow and a deep search, the default
    /// segment and a small one (which crosses segment and window borders
    /// often, and fills the near-optimal parser's copy cache early).
    pub(super) fn every_parser() -> Vec<Params> {
        let base = Params {
            parser: Parser::Fast,
            depth: 1,
            nice: 16,
            hash_bits: 14,
            segment: 256 * 1024,
            piece: 16 * 1024,
            max_insert: 16,
        };
        let mut v = Vec::new();
        for parser in [
            Parser::Fast,
            Parser::Lazy,
            Parser::Optimal { passes: 1 },
            Parser::Optimal { passes: 3 },
        ] {
            for (depth, nice, segment) in [(2u32, 16usize, 256 * 1024), (40, 258, 48 * 1024)] {
                v.push(Params {
                    parser,
                    depth,
                    nice,
                    segment,
                    hash_bits: if parser == Parser::Fast { 14 } else { 15 },
                    ..base
                });
            }
        }
        v
    }

    fn compress_with(p: Params, data: &[u8], feed: usize) -> Vec<u8> {
        let mut e = Engine::new(p);
        let mut out = Vec::new();
        for c in data.chunks(feed.max(1)) {
            e.write(c, &mut out);
        }
        e.finish(true, &mut out);
        out
    }

    /// Short repeats of small values, runs and copies at distances up to
    /// 300: what filtered rows look like to a match finder.
    pub(super) fn sample(n: usize, seed: u32) -> Vec<u8> {
        let mut x = seed | 1;
        let mut v = Vec::with_capacity(n);
        while v.len() < n {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            match x % 5 {
                0 => v.extend(core::iter::repeat_n(
                    (x >> 8) as u8,
                    (x >> 16) as usize % 40,
                )),
                1 if v.len() > 300 => {
                    let d = 1 + (x >> 8) as usize % 300;
                    let l = 4 + (x >> 20) as usize % 60;
                    for _ in 0..l {
                        v.push(v[v.len() - d]);
                    }
                }
                _ => v.push(((x >> 8) % 7) as u8),
            }
        }
        v.truncate(n);
        v
    }

    /// Hard content for a match finder: noise, one long run, periods near
    /// the longest copy and near the window (copies exactly at the limits
    /// and one past them), and a block that repeats after more than a
    /// window.
    fn hard(n: usize, kind: u32) -> Vec<u8> {
        let mut x = 0x2545_F491u32 ^ kind;
        let mut noise = |len: usize| -> Vec<u8> {
            (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    x as u8
                })
                .collect()
        };
        match kind {
            0 => noise(n),
            1 => alloc::vec![7u8; n],
            2..=7 => {
                let period = [257usize, 258, 259, 32767, 32768, 32769][kind as usize - 2];
                let unit = noise(period.min(n.max(1)));
                unit.iter().copied().cycle().take(n).collect()
            }
            _ => {
                let a = noise(1000);
                let mut v = a.clone();
                v.extend(noise(40_000));
                v.extend_from_slice(&a);
                v.truncate(n.max(v.len().min(n)));
                v
            }
        }
    }

    fn check(p: Params, data: &[u8], feed: usize) {
        let z = compress_with(p, data, feed);
        let back = miniz_oxide::inflate::decompress_to_vec(&z)
            .unwrap_or_else(|e| panic!("{p:?} n {}: {e:?}", data.len()));
        assert!(back == data, "{p:?} n {}", data.len());
        // Never much worse than stored: the block writer picks the
        // smallest kind.
        let bound = data.len() + data.len() / 1000 + 64;
        assert!(z.len() <= bound, "{p:?}: {} > {bound}", z.len());
    }

    #[test]
    fn every_parser_inflates() {
        let big = if cfg!(debug_assertions) {
            150_000
        } else {
            700_000
        };
        for p in every_parser() {
            for (n, feed) in [
                (0usize, 1usize),
                (1, 1),
                (5, 2),
                (1000, 7),
                (70_000, 4096),
                (big, 100_000),
            ] {
                check(p, &sample(n, n as u32 + p.depth), feed);
            }
        }
    }

    #[test]
    fn hard_content_inflates() {
        let n = if cfg!(debug_assertions) {
            100_000
        } else {
            300_000
        };
        for p in every_parser() {
            for kind in 0..=8 {
                check(p, &hard(n, kind), 65_536 + kind as usize);
            }
        }
    }

    #[test]
    fn copies_cut_the_output() {
        // Repetitive input compresses far below its size at every parser.
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        for p in every_parser() {
            let z = compress_with(p, &data, 10_000);
            assert!(z.len() * 50 < data.len(), "{p:?}: {}", z.len());
        }
    }
}
