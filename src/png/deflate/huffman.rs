//! Length-limited Huffman codes and their canonical codewords.

use super::symbols::MAX_CODE_BITS;

/// The largest alphabet any caller builds a code for (literal/length, with
/// the two reserved symbols 286 and 287).
pub(crate) const MAX_SYMS: usize = 288;

/// Sorts the packed leaves. The small form (`pixb64_small`) sorts by
/// insertion: at most 288 leaves, a few dozen bytes of code against the
/// 4 KiB of the standard library's sort.
#[cfg(pixb64_small)]
fn sort(v: &mut [u64]) {
    for i in 1..v.len() {
        let x = v[i];
        let mut j = i;
        while j > 0 && v[j - 1] > x {
            v[j] = v[j - 1];
            j -= 1;
        }
        v[j] = x;
    }
}

#[cfg(not(pixb64_small))]
fn sort(v: &mut [u64]) {
    v.sort_unstable();
}

/// Code lengths for `counts` (a zero count gets no code), none longer than
/// `limit` (<= 15), into `lens` (same length as `counts`, at most
/// [`MAX_SYMS`]). No allocation: level 1 runs without an allocator.
///
/// First an unrestricted Huffman tree by the two-queue method: leaves sorted
/// by weight, and merged nodes are created in non-decreasing weight order, so
/// a second FIFO replaces the heap. If some leaf is deeper than `limit`, the
/// zlib/miniz repair: count leaves per length with everything deeper clamped
/// to `limit`; while the Kraft sum is over 1, take a leaf off the deepest
/// level and split a shallower leaf into two one level down. Lengths are
/// handed out in weight order, shortest to the heaviest.
///
/// A single used symbol gets length 1 (a one-code tree, which every
/// inflater accepts for the distance code and which callers avoid for the
/// others).
pub(crate) fn lengths(counts: &[u32], limit: u32, lens: &mut [u8]) {
    debug_assert!(counts.len() <= MAX_SYMS && lens.len() == counts.len());
    debug_assert!((1..=MAX_CODE_BITS).contains(&limit));
    lens.fill(0);
    // Leaves as (count << 16 | symbol): sorting the packed words sorts by
    // count, ties by symbol, so the result is deterministic.
    // Leaves of count 1 are the lightest there can be and come out in
    // symbol order already: they go first, and only the others are sorted
    // (level 1's codes give every symbol one count, and most of its
    // alphabet keeps just that one).
    // (The small form sorts them all: less code.)
    let mut leaves = [0u64; MAX_SYMS];
    let mut m = 0;
    #[cfg(not(pixb64_small))]
    for (s, &c) in counts.iter().enumerate() {
        if c == 1 {
            leaves[m] = 1 << 16 | s as u64;
            m += 1;
        }
    }
    let ones = m;
    for (s, &c) in counts.iter().enumerate() {
        if c > 1 || (c == 1 && cfg!(pixb64_small)) {
            leaves[m] = u64::from(c) << 16 | s as u64;
            m += 1;
        }
    }
    let leaves = &mut leaves[..m];
    sort(&mut leaves[ones..]);
    if m == 0 {
        return;
    }
    if m == 1 {
        lens[(leaves[0] & 0xFFFF) as usize] = 1;
        return;
    }
    // Nodes 0..m are the leaves, m..2m-1 the merged nodes in creation order;
    // a parent is created after its children, so its index is larger.
    // Weights in u32 (half the stack of u64: this runs on microcontrollers
    // too): every caller's counts sum to under 2^32, and a saturated sum
    // would only make the code less than optimal, never invalid (the
    // repair below works on the depths alone).
    let mut weight = [0u32; 2 * MAX_SYMS];
    let mut parent = [0u16; 2 * MAX_SYMS];
    for (w, &l) in weight.iter_mut().zip(leaves.iter()) {
        *w = (l >> 16) as u32;
    }
    let (mut leaf, mut node, mut next) = (0usize, m, m);
    // The lighter of the next leaf and the next merged node (a leaf on
    // ties), taken from its queue. A plain function over the counters, not
    // a closure that captures them: the counters stay in registers (the
    // closure form kept them in memory and the loop ran at half speed).
    #[inline(always)]
    fn pick(
        w: &[u32; 2 * MAX_SYMS],
        m: usize,
        next: usize,
        leaf: &mut usize,
        node: &mut usize,
    ) -> usize {
        if *leaf < m && (*node >= next || w[*leaf] <= w[*node]) {
            *leaf += 1;
            *leaf - 1
        } else {
            *node += 1;
            *node - 1
        }
    }
    for _ in 0..m - 1 {
        let x = pick(&weight, m, next, &mut leaf, &mut node);
        let y = pick(&weight, m, next, &mut leaf, &mut node);
        weight[next] = weight[x].saturating_add(weight[y]);
        parent[x] = next as u16;
        parent[y] = next as u16;
        next += 1;
    }
    // Depths, the root (the last node) first; reuse `weight` for them.
    let root = next - 1;
    let depth = &mut weight;
    depth[root] = 0;
    for i in (0..root).rev() {
        depth[i] = depth[usize::from(parent[i])] + 1;
    }
    let limit = limit as usize;
    let mut per_len = [0u32; 16];
    for &d in &depth[..m] {
        per_len[(d as usize).min(limit)] += 1;
    }
    let mut kraft: u64 = (1..=limit)
        .map(|l| u64::from(per_len[l]) << (limit - l))
        .sum();
    while kraft > 1 << limit {
        per_len[limit] -= 1;
        for l in (1..limit).rev() {
            if per_len[l] != 0 {
                per_len[l] -= 1;
                per_len[l + 1] += 2;
                break;
            }
        }
        kraft -= 1;
    }
    // Lightest symbols get the longest codes.
    let mut it = leaves.iter();
    for l in (1..=limit).rev() {
        for _ in 0..per_len[l] {
            if let Some(&x) = it.next() {
                lens[(x & 0xFFFF) as usize] = l as u8;
            }
        }
    }
}

/// Canonical codewords for `lens` (RFC 1951, 3.2.2), bit-reversed because
/// deflate sends Huffman codes most significant bit first into an LSB-first
/// stream.
pub(crate) fn codewords(lens: &[u8], codes: &mut [u16]) {
    let mut per_len = [0u16; 16];
    for &l in lens {
        per_len[usize::from(l)] += 1;
    }
    per_len[0] = 0;
    let mut next = [0u16; 16];
    let mut code = 0u16;
    for l in 1..16 {
        code = (code + per_len[l - 1]) << 1;
        next[l] = code;
    }
    for (c, &l) in codes.iter_mut().zip(lens) {
        if l == 0 {
            *c = 0;
            continue;
        }
        let v = next[usize::from(l)];
        next[usize::from(l)] = v.wrapping_add(1);
        *c = v.reverse_bits() >> (16 - u32::from(l));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::png::deflate::symbols::NUM_LITLEN;

    fn kraft(lens: &[u8], limit: u32) -> u64 {
        lens.iter()
            .filter(|&&l| l > 0)
            .map(|&l| 1u64 << (limit - u32::from(l)))
            .sum()
    }

    #[test]
    fn limited_and_complete() {
        // Fibonacci weights force a deep unrestricted tree.
        let mut counts = [0u32; NUM_LITLEN];
        let (mut x, mut y) = (1u32, 1u32);
        for c in counts.iter_mut().take(40) {
            *c = x;
            (x, y) = (y, x.saturating_add(y));
        }
        for c in counts.iter_mut().skip(40) {
            *c = 1;
        }
        for (limit, n) in [(7u32, 19usize), (9, 286), (15, 286)] {
            let mut lens = [0u8; NUM_LITLEN];
            lengths(&counts[..n], limit, &mut lens[..n]);
            assert!(lens[..n].iter().all(|&l| l >= 1 && u32::from(l) <= limit));
            assert_eq!(kraft(&lens[..n], limit), 1 << limit, "limit {limit}");
        }
        let mut lens = [0u8; 3];
        lengths(&[0, 5, 0], 15, &mut lens);
        assert_eq!(lens, [0, 1, 0]);
    }

    #[test]
    fn unlimited_is_optimal_on_small_cases() {
        // Against an O(n^2) textbook Huffman on a few distributions.
        fn cost_textbook(counts: &[u32]) -> u64 {
            let mut w: alloc::vec::Vec<u64> = counts
                .iter()
                .filter(|&&c| c > 0)
                .map(|&c| c.into())
                .collect();
            let mut total = 0;
            while w.len() > 1 {
                w.sort_unstable();
                let s = w[0] + w[1];
                total += s;
                w.drain(..2);
                w.push(s);
            }
            total
        }
        for counts in [
            &[1u32, 1, 2, 3, 5, 8, 13][..],
            &[10, 10, 10, 10],
            &[1000, 1, 1, 1, 0, 0, 7],
            &[5, 0, 9, 12, 13, 16, 45],
        ] {
            let mut lens = [0u8; 7];
            let lens = &mut lens[..counts.len()];
            lengths(counts, 15, lens);
            let cost: u64 = counts
                .iter()
                .zip(lens.iter())
                .map(|(&c, &l)| u64::from(c) * u64::from(l))
                .sum();
            assert_eq!(cost, cost_textbook(counts), "{counts:?}");
        }
    }

    #[test]
    fn canonical_codes_are_prefix_free_in_order() {
        let lens = [3u8, 3, 3, 3, 3, 2, 4, 4];
        let mut codes = [0u16; 8];
        codewords(&lens, &mut codes);
        // RFC 1951's example: F=00, A..E = 010..110, G, H = 1110, 1111.
        let msb: alloc::vec::Vec<u16> = codes
            .iter()
            .zip(lens)
            .map(|(&c, l)| c.reverse_bits() >> (16 - u32::from(l)))
            .collect();
        assert_eq!(msb, [2, 3, 4, 5, 6, 0, 14, 15]);
    }
}
