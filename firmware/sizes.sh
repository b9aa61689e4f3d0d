#!/usr/bin/env bash
# Issue 14's flash budget: the same firmware (b64size) with pixb64 and with
# the base64 crate, for thumbv6m and thumbv7em at opt-level s and z.
# Prints a table; exits 1 if pixb64 is larger than the base64 crate anywhere.
set -euo pipefail
cd "$(dirname "$0")"
out=target/sizes
mkdir -p "$out"
fail=0
printf '| target | opt | pixb64 | base64 0.23 | ratio |\n|---|---|---:|---:|---:|\n'
for t in thumbv6m-none-eabi thumbv7em-none-eabihf; do
    for p in release release-z; do
        opt=$([ $p = release ] && echo s || echo z)
        declare -A f=()
        for codec in pixb64 base64crate; do
            cargo build -q -p b64size --profile $p --target $t --features $codec
            cp "target/$t/$p/b64size" "$out/b64size-$codec-$t-$opt"
            f[$codec]=$(python3 -c "import flash,sys; print(flash.flash(sys.argv[1])[0])" "$out/b64size-$codec-$t-$opt")
        done
        ratio=$(python3 -c "print(f'{${f[pixb64]}/${f[base64crate]}:.2f}x')")
        printf '| %s | %s | %s | %s | %s |\n' $t $opt "${f[pixb64]}" "${f[base64crate]}" "$ratio"
        [ "${f[pixb64]}" -le "${f[base64crate]}" ] || fail=1
    done
done
exit $fail
