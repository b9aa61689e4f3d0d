use super::*;
use alloc::vec::Vec;

/// PNG's spec written plainly: `a`, `b`, `c` with zero outside the row.
fn naive_predict(kind: RowFilter, bpp: usize, prev: &[u8], row: &[u8], i: usize) -> u8 {
    let a = if i >= bpp { row[i - bpp] } else { 0 };
    let b = prev[i];
    let c = if i >= bpp { prev[i - bpp] } else { 0 };
    match kind {
        RowFilter::None => 0,
        RowFilter::Sub => a,
        RowFilter::Up => b,
        RowFilter::Average => ((u16::from(a) + u16::from(b)) / 2) as u8,
        RowFilter::Paeth => {
            let p = i16::from(a) + i16::from(b) - i16::from(c);
            let (pa, pb, pc) = (
                (p - i16::from(a)).abs(),
                (p - i16::from(b)).abs(),
                (p - i16::from(c)).abs(),
            );
            if pa <= pb && pa <= pc {
                a
            } else if pb <= pc {
                b
            } else {
                c
            }
        }
    }
}

fn naive_filter(kind: RowFilter, bpp: usize, prev: &[u8], cur: &[u8]) -> Vec<u8> {
    (0..cur.len())
        .map(|i| cur[i].wrapping_sub(naive_predict(kind, bpp, prev, cur, i)))
        .collect()
}

/// The decoder's direction: each byte depends on already unfiltered ones.
fn naive_unfilter(kind: RowFilter, bpp: usize, prev: &[u8], filtered: &[u8]) -> Vec<u8> {
    let mut row = alloc::vec![0u8; filtered.len()];
    for i in 0..filtered.len() {
        row[i] = filtered[i].wrapping_add(naive_predict(kind, bpp, prev, &row, i));
    }
    row
}

/// A small xorshift so the test data is deterministic and covers all bytes.
fn bytes(seed: u32, n: usize, smooth: bool) -> Vec<u8> {
    let mut s = seed | 1;
    let mut last = 0u8;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            last = if smooth {
                last.wrapping_add((s % 7) as u8).wrapping_sub(3)
            } else {
                s as u8
            };
            last
        })
        .collect()
}

#[test]
fn paeth_matches_spec_exhaustively() {
    for a in 0..=255u8 {
        for b in 0..=255u8 {
            for c in 0..=255u8 {
                let row = [a, 0];
                let prev = [c, b];
                // i = 1 with bpp = 1: a = row[0], b = prev[1], c = prev[0].
                assert_eq!(
                    paeth_predict(a, b, c),
                    naive_predict(RowFilter::Paeth, 1, &prev, &row, 1),
                    "a {a} b {b} c {c}"
                );
            }
        }
    }
}

#[test]
fn every_filter_matches_naive_and_inverts() {
    for bpp in 1..=8usize {
        for pixels in [0usize, 1, 2, 3, 5, 16, 33, 100] {
            let n = pixels * bpp;
            for seed in 0..4u32 {
                let smooth = seed % 2 == 0;
                let prev = bytes(seed * 31 + bpp as u32, n, smooth);
                let cur = bytes(seed * 17 + 7 + n as u32, n, smooth);
                for kind in RowFilter::ALL {
                    let mut out = alloc::vec![0xAAu8; n];
                    apply(kind, bpp, &prev, &cur, &mut out);
                    let want = naive_filter(kind, bpp, &prev, &cur);
                    assert_eq!(out, want, "{kind:?} bpp {bpp} n {n}");
                    assert_eq!(naive_unfilter(kind, bpp, &prev, &out), cur);
                }
                let mut four = [(); 4].map(|_| alloc::vec![0x55u8; n]);
                let [f1, f2, f3, f4] = &mut four;
                apply_four(bpp, &prev, &cur, [f1, f2, f3, f4]);
                for (k, got) in four.iter().enumerate() {
                    let kind = RowFilter::ALL[k + 1];
                    assert_eq!(got, &naive_filter(kind, bpp, &prev, &cur), "four {kind:?}");
                }
            }
        }
    }
}

#[test]
fn chooser_picks_the_lowest_price() {
    let mut prices = [0u16; 256];
    for (i, p) in prices.iter_mut().enumerate() {
        // Cheap near zero, as a residual code would be.
        *p = 16 + 8 * (i as i8).unsigned_abs() as u16;
    }
    for bpp in [1usize, 3, 4, 8] {
        let n = 200 * bpp;
        let prev = bytes(3, n, true);
        let cur = bytes(5, n, true);
        let mut ch = Chooser::new(bpp, n);
        let mut hist = Histogram::new();
        let bias = alloc::vec![0x80u8; n];
        for price in [Price::MinSum, Price::Entropy, Price::Bits] {
            let line = ch
                .scanline(
                    Policy::Adaptive(Adaptive::full(price)),
                    &prev,
                    &cur,
                    &prices,
                    true,
                )
                .to_vec();
            let kind = RowFilter::ALL[usize::from(line[0])];
            assert_eq!(&line[1..], &naive_filter(kind, bpp, &prev, &cur)[..]);
            let score = |row: &[u8], h: &mut Histogram| match price {
                Price::MinSum => u64::from(min_sum(row, &bias)),
                Price::Entropy => entropy_bits(h, row),
                Price::Bits => table_bits(row, &prices),
            };
            let got = score(&line[1..], &mut hist);
            for other in RowFilter::ALL {
                let alt = naive_filter(other, bpp, &prev, &cur);
                assert!(
                    got <= score(&alt, &mut hist),
                    "{price:?} {kind:?} vs {other:?}"
                );
            }
        }
        // A repeated row goes to Up, all zeros.
        let line = ch.scanline(
            Policy::Adaptive(Adaptive::full(Price::MinSum)),
            &cur,
            &cur,
            &prices,
            true,
        );
        assert_eq!(line[0], RowFilter::Up as u8);
        assert!(line[1..].iter().all(|&b| b == 0));
        // Fixed filters are what they say.
        for kind in RowFilter::ALL {
            let line = ch.scanline(Policy::Fixed(kind), &prev, &cur, &prices, true);
            assert_eq!(line[0], kind as u8);
            assert_eq!(&line[1..], &naive_filter(kind, bpp, &prev, &cur)[..]);
        }
        // Sampled: a long row still gets a valid filter (never None when
        // None is left out), the one the sample prices lowest.
        let long_prev = bytes(9, 3000 * bpp, true);
        let long_cur = bytes(10, 3000 * bpp, true);
        let mut lc = Chooser::new(bpp, long_cur.len());
        for price in [Price::MinSum, Price::Entropy, Price::Bits] {
            for none in [false, true] {
                let a = Adaptive {
                    price,
                    sampled: true,
                    none,
                };
                let line = lc
                    .scanline(Policy::Adaptive(a), &long_prev, &long_cur, &prices, false)
                    .to_vec();
                let kind = RowFilter::ALL[usize::from(line[0])];
                assert!(none || kind != RowFilter::None);
                let full = naive_filter(kind, bpp, &long_prev, &long_cur);
                assert_eq!(&line[1..], &full[..]);
                // The sample's price of the winner is the lowest.
                let sample = |row: &[u8]| -> Vec<u8> {
                    let mut v = Vec::new();
                    let mut o = bpp;
                    while o + SAMPLE_WINDOW <= row.len() {
                        v.extend_from_slice(&row[o..o + SAMPLE_WINDOW]);
                        o += SAMPLE_STRIDE;
                    }
                    v
                };
                let long_bias = alloc::vec![0x80u8; long_cur.len()];
                let price_of = |row: &[u8], h: &mut Histogram| match price {
                    Price::MinSum => u64::from(min_sum(row, &long_bias)),
                    Price::Entropy => entropy_bits(h, row),
                    Price::Bits => table_bits(row, &prices),
                };
                let got = price_of(&sample(&full), &mut hist);
                for other in RowFilter::ALL.iter().skip(usize::from(!none)) {
                    let alt = naive_filter(*other, bpp, &long_prev, &long_cur);
                    let p = price_of(&sample(&alt), &mut hist);
                    assert!(got <= p, "{a:?} {kind:?} vs {other:?}");
                }
            }
        }
    }
}

/// The piecewise chooser of the row encoder picks what the whole-row
/// chooser picks and writes the same scanline, for every price, with and
/// without sampling and None, fixed filters, rows shorter and longer than
/// a piece (and than the whole-row threshold), every pixel size, repeated
/// rows.
#[test]
fn pieces_equal_the_whole_row_chooser() {
    let mut prices = [0u16; 256];
    for (i, p) in prices.iter_mut().enumerate() {
        *p = 16 + (i as u16 % 7) * 9 + (i as u16 / 32);
    }
    let mut policies = alloc::vec![
        Policy::Fixed(RowFilter::None),
        Policy::Fixed(RowFilter::Paeth),
        Policy::Fixed(RowFilter::Average),
    ];
    for price in [Price::MinSum, Price::Entropy, Price::Bits] {
        for (sampled, none) in [(false, true), (false, false), (true, true), (true, false)] {
            policies.push(Policy::Adaptive(Adaptive {
                price,
                sampled,
                none,
            }));
        }
    }
    let mut scratch =
        alloc::vec![0u8; scratch_len(Policy::Adaptive(Adaptive::full(Price::MinSum)), false)];
    let mut counts = alloc::boxed::Box::new([[0u32; 256]; 5]);
    for bpp in [1usize, 3, 4, 8] {
        for px in [1usize, 7, 300, 341, 342, 2000, 5000] {
            let n = px * bpp;
            for (seed, smooth) in [(1u32, true), (2, false)] {
                let prev = bytes(seed, n, smooth);
                let cur = bytes(seed + 10, n, smooth);
                for repeat in [false, true] {
                    let cur = if repeat { prev.clone() } else { cur.clone() };
                    for &policy in &policies {
                        let mut ch = Chooser::new(bpp, n);
                        let want = ch.scanline(policy, &prev, &cur, &prices, true).to_vec();
                        let mut got = Vec::new();
                        let pricing = Pricing {
                            prices: &prices,
                            counts: Some(&mut counts),
                        };
                        filter_pieces(
                            policy,
                            bpp,
                            &prev,
                            &cur,
                            &mut scratch,
                            pricing,
                            true,
                            &mut |p| got.extend_from_slice(p),
                        );
                        assert!(counts.iter().flatten().all(|&c| c == 0));
                        assert_eq!(got, want, "bpp {bpp} px {px} {policy:?} repeat {repeat}");
                    }
                }
            }
        }
    }
}
