#!/usr/bin/env python3
"""State of a first build of bench/noop.sh's graph, written without running the commands.

    noop_seed.py ninja   DIR N   outputs + .ninja_log (command hashes and mtimes)
    noop_seed.py arrakis DIR N   outputs + .arrakis/traces.log and digests.log (needs the
                                 `xxhash` module: pip install xxhash)

A first build of 10^6 products spawns 10^6 shell commands per tool (hours on a busy
2-core machine); the no-op that follows does not depend on how the state was made, only on
what it holds. bench/noop.sh checks that each tool then finds nothing to do, and at 10^4
products the seeded state was checked byte for byte against real builds (same trace and
digest-cache sizes, `arrakis build --dry-run` plans nothing, same total.txt).
"""
import os, sys, struct, shutil

M = 0xc6a4a7935bd1e995; MASK = (1 << 64) - 1
def murmur(data: bytes) -> int:
    n = len(data)
    h = (0xDECAFBADDECAFBAD ^ (n * M)) & MASK
    i = 0
    while n - i >= 8:
        k = int.from_bytes(data[i:i+8], 'little')
        k = (k * M) & MASK; k ^= k >> 47; k = (k * M) & MASK
        h ^= k; h = (h * M) & MASK
        i += 8
    rest = n - i
    if rest:
        for j in range(rest - 1, -1, -1):
            h ^= data[i + j] << (8 * j)
        h = (h * M) & MASK
    h ^= h >> 47; h = (h * M) & MASK; h ^= h >> 47
    return h

def seed_ninja(work, n, per=1000):
    os.chdir(work)
    dirs = (n + per - 1) // per
    lines = ["# ninja log v5\n"]
    def entry(path, cmd):
        mt = os.stat(path).st_mtime_ns
        lines.append(f"0\t1\t{mt}\t{path}\t{murmur(cmd.encode()):x}\n")
    sums = []
    for d in range(dirs):
        os.makedirs(f"out/{d}", exist_ok=True)
        outs = []
        for f in range(per if (d + 1) * per <= n else n - d * per):
            src, dst = f"in/{d}/{f:03d}.txt", f"out/{d}/{f:03d}.txt"
            if not os.path.exists(dst):
                shutil.copyfile(src, dst)
            entry(dst, f"cp {src} {dst}")
            outs.append(dst)
        os.makedirs("sum", exist_ok=True)
        with open(f"sum/{d}.txt", "wb") as out:
            for o in outs:
                with open(o, "rb") as fh: out.write(fh.read())
        entry(f"sum/{d}.txt", f"cat {' '.join(outs)} > sum/{d}.txt")
        sums.append(f"sum/{d}.txt")
    with open("total.txt", "wb") as out:
        for s in sums:
            with open(s, "rb") as fh: out.write(fh.read())
    entry("total.txt", "cat " + " ".join(sums) + " > total.txt")
    with open(".ninja_log.new", "w") as fh: fh.writelines(lines)
    os.replace(".ninja_log.new", ".ninja_log")
    print("wrote", len(lines) - 1, "entries", file=sys.stderr)


def seed_arrakis(work, n, per=1000):
    import xxhash
    os.chdir(work)
    os.makedirs('.arrakis', exist_ok=True)
    def d128(b):
        v = xxhash.xxh3_128_intdigest(b)
        return struct.pack('<QQ', v >> 64, v & ((1 << 64) - 1))
    def s(x):
        b = x.encode(); return struct.pack('<I', len(b)) + b
    def fp_builder(domain): return bytearray(s(domain))
    def add_s(w, tag, x): w += bytes([tag]) + s(x)
    def add_d(w, tag, d): w += bytes([tag]) + d
    def sig(path):
        st = os.stat(path)
        return struct.pack('<QQqqq', st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    def content(path):
        with open(path, 'rb') as fh: return d128(fh.read())
    def tmp(path):
        d, name = path.rsplit('/', 1) if '/' in path else ('', path)
        dot = name.rfind('.')
        t = name[:dot] + '.arrakis-tmp' + name[dot:] if dot > 0 else name + '.arrakis-tmp'
        return (d + '/' if d else '') + t
    traces = open('.arrakis/traces.log', 'wb'); digests = open('.arrakis/digests.log', 'wb')
    # Format headers (Sources/Graph/RecordLogFormat.swift): magic, then version (u32).
    traces.write(b'ARKTRACE' + struct.pack('<I', 1)); digests.write(b'ARKDIGST' + struct.pack('<I', 1))
    def record(fh, payload):
        fh.write(struct.pack('<IQ', len(payload), xxhash.xxh3_64_intdigest(payload)) + payload)
    def cache(path, signature, digest):
        record(digests, d128(path.encode()) + signature + digest + b'\x01')
    def trace(key, family, command, file_inputs, product_inputs, output):
        rule = fp_builder('arrakis-rule-v1'); add_s(rule, 1, 'shell'); add_s(rule, 2, '1'); add_s(rule, 3, 'shell:' + command)
        rd = d128(bytes(rule))
        fp = fp_builder('arrakis-fingerprint-v1'); add_d(fp, 1, rd)
        inputs = []
        for p, d in file_inputs: add_s(fp, 6, p); add_d(fp, 7, d); inputs.append((p, d))
        for k, d in product_inputs: add_d(fp, 8, d128(k.encode())); add_d(fp, 9, d); inputs.append((k, d))
        add_s(fp, 10, output)
        sg, od = sig(output), content(output)
        cache(output, sg, od)
        w = bytearray()
        w += d128(key.encode()) + d128(family.encode()) + d128(bytes(fp)) + rd
        w += struct.pack('<I', 1) + sg + od
        w += s(key) + s(family) + s('shell v1') + s(output)
        w += struct.pack('<I', 0) + struct.pack('<I', len(inputs))
        for name, d in inputs: w += s(name) + d
        record(traces, bytes(w))
        return od
    dirs = (n + per - 1) // per
    # copy instances in glob order (paths sorted), dirsum in range order
    dir_names = sorted((str(d) for d in range(dirs)), key=lambda x: 'in/' + x + '/')
    outs_of = {}
    for dn in dir_names:
        d = int(dn)
        os.makedirs(f'out/{d}', exist_ok=True)
        lst = []
        for f in range(per if (d + 1) * per <= n else n - d * per):
            src, dst = f'in/{d}/{f:03d}.txt', f'out/{d}/{f:03d}.txt'
            if not os.path.exists(dst): shutil.copyfile(src, dst)
            sd = content(src); cache(src, sig(src), sd)
            od = trace(f'copy[{d}, {f:03d}]', 'copy', f'cp {src} {tmp(dst)}', [(src, sd)], [], dst)
            lst.append((f'copy[{d}, {f:03d}]', dst, od))
        outs_of[d] = lst
    os.makedirs('sum', exist_ok=True)
    sums = []
    for d in range(dirs):
        lst = outs_of[d]
        with open(f'sum/{d}.txt', 'wb') as out:
            for _, p, _ in lst:
                with open(p, 'rb') as fh: out.write(fh.read())
        od = trace(f'dirsum[{d}]', 'dirsum', 'cat ' + ' '.join(p for _, p, _ in lst) + f' > {tmp(f"sum/{d}.txt")}',
                   [], [(k, dd) for k, _, dd in lst], f'sum/{d}.txt')
        sums.append((f'dirsum[{d}]', f'sum/{d}.txt', od))
    with open('total.txt', 'wb') as out:
        for _, p, _ in sums:
            with open(p, 'rb') as fh: out.write(fh.read())
    trace('total', 'total', 'cat ' + ' '.join(p for _, p, _ in sums) + ' > total.arrakis-tmp.txt', [], [(k, d) for k, _, d in sums], 'total.txt')
    traces.close(); digests.close()
    print('seeded', n, 'products', file=sys.stderr)


if __name__ == '__main__':
    tool, work, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    {'ninja': seed_ninja, 'arrakis': seed_arrakis}[tool](work, n)
