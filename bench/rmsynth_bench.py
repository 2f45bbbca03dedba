#!/usr/bin/env python3
"""Helpers for bench/rmsynth.sh.

  rmsynth_bench.py make DIR N SEED        write N synthetic spectra DIR/spec_NNNNN.dat + DIR/list.txt
  rmsynth_bench.py rmtools LIST JOBS OUT  RM-Tools 1.5.0 rmsynth1d + rmclean1d (pipeline settings) on
                                          every listed spectrum, JOBS processes; JSON lines to OUT;
                                          prints "rmtools_seconds=<s>" (processing only, imports excluded)
  rmsynth_bench.py arrakis BIN LIST JOBS OUT
                                          `BIN rmsynth --batch LIST --clean --json-lines -j JOBS`, best
                                          of 3 whole-process runs; prints "arrakis_seconds=<s>"
  rmsynth_bench.py compare A B            agreement of two JSON-lines files (RM-Tools, arrakis)
"""
import json, math, os, sys, time


def make(directory, n, seed):
    import numpy as np
    rng = np.random.default_rng(seed)
    c = 299792458.0
    bands = [(743.5e6, 1e6, 288), (743.5e6, 2e6, 144), (799.5e6, 8e6, 36), (1295.5e6, 1e6, 288)]
    os.makedirs(directory, exist_ok=True)
    names = []
    for k in range(n):
        f0, df, nchan = bands[k % len(bands)]
        f = f0 + df * np.arange(nchan)
        i0 = 10 ** rng.uniform(-2.3, 0)             # 5 mJy .. 1 Jy
        alpha = rng.uniform(-1.2, 0.2)
        p = rng.uniform(0.01, 0.2)
        rm = rng.uniform(-300, 300)
        psi0 = rng.uniform(0, 180)
        snr = 10 ** rng.uniform(0.7, 2.5)           # FDF S/N ~ 5 .. 300
        sigma = i0 * p / snr * math.sqrt(nchan / 2)
        i = i0 * (f / 887.5e6) ** alpha
        lam2 = (c / f) ** 2
        pol = p * i * np.exp(2j * (math.radians(psi0) + rm * lam2))
        s = np.full(nchan, sigma)
        cols = [f, i + rng.normal(0, sigma, nchan), pol.real + rng.normal(0, sigma, nchan),
                pol.imag + rng.normal(0, sigma, nchan), s, s, s]
        name = os.path.join(directory, "spec_%05d.dat" % k)
        np.savetxt(name, np.column_stack(cols))
        names.append(name)
    with open(os.path.join(directory, "list.txt"), "w") as fh:
        fh.write("\n".join(names) + "\n")


def _init():
    import warnings
    warnings.filterwarnings("ignore")
    global np, run_rmsynth, run_rmclean
    import numpy as np
    from RMtools_1D.do_RMsynth_1D import run_rmsynth
    from RMtools_1D.do_RMclean_1D import run_rmclean


def _one(path):
    def quiet(*a, **k):
        pass
    try:
        data = list(np.loadtxt(path, unpack=True))
        m, a = run_rmsynth(data, polyOrd=3, nSamples=5, weightType="variance", nBits=32,
                           fit_function="log", verbose=False, log=quiet)
        mc, _ = run_rmclean(m, a, -8, maxIter=10000, gain=0.1, nBits=32, verbose=False, log=quiet)
        out = {"file": path}
        for d in (m,):
            for k, v in d.items():
                out[k] = _plain(v)
        out["rmclean"] = {k: _plain(v) for k, v in mc.items()}
        return json.dumps(out)
    except Exception as e:  # RM-Tools raises on some bad spectra
        return json.dumps({"file": path, "error": repr(e)})


def _plain(v):
    try:
        v = v.item()
    except AttributeError:
        pass
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def rmtools(listing, jobs, out):
    import multiprocessing as mp
    files = [l.strip() for l in open(listing) if l.strip()]
    with mp.get_context("fork").Pool(jobs, initializer=_init) as pool:
        pool.map(_noop, range(jobs * 4))          # workers up and imports done before timing
        start = time.perf_counter()
        lines = pool.map(_one, files, chunksize=8)
        seconds = time.perf_counter() - start
    with open(out, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    print("rmtools_seconds=%.3f" % seconds)


def _noop(_):
    return 0


def arrakis(binary, listing, jobs, out):
    import subprocess
    best = None
    for _ in range(3):
        with open(out, "w") as fh:
            start = time.perf_counter()
            subprocess.run([binary, "rmsynth", "--batch", listing, "--clean", "--json-lines", "-j", str(jobs)],
                           stdout=fh, check=False)
            seconds = time.perf_counter() - start
        best = seconds if best is None else min(best, seconds)
    print("arrakis_seconds=%.4f" % best)


def compare(a_path, b_path):
    a = {d["file"]: d for d in map(json.loads, open(a_path))}
    b = {d["file"]: d for d in map(json.loads, open(b_path))}
    both = [f for f in a if f in b and "error" not in a[f] and "error" not in b[f]]
    worst = {}
    def note(key, value):
        if value > worst.get(key, -1):
            worst[key] = value
    for f in both:
        x, y = a[f], b[f]
        note("phiPeak/dPhiPeak", abs(x["phiPeakPIfit_rm2"] - y["phiPeakPIfit_rm2"]) / x["dPhiPeakPIfit_rm2"])
        for key in ("ampPeakPIfit", "snrPIfit", "dFDFth", "fwhmRMSF", "lam0Sq_m2", "Ifreq0", "fracPol", "dFDFcorMAD"):
            note(key, abs(x[key] - y[key]) / abs(x[key]))
        d = abs(x["polAngle0Fit_deg"] - y["polAngle0Fit_deg"]) % 180
        note("polAngle0Fit_deg (deg)", min(d, 180 - d))
        note("IfitStat class differs", float((x["IfitStat"] in (1, 2, 3)) != (y["IfitStat"] in (1, 2, 3)) or
                                            (x["IfitStat"] & 192) != (y["IfitStat"] & 192)))
        xc, yc = x["rmclean"], y["rmclean"]
        note("rmclean nIter (abs)", abs(xc["nIter"] - yc["nIter"]))
        note("rmclean phiPeak/dPhiPeak", abs(xc["phiPeakPIfit_rm2"] - yc["phiPeakPIfit_rm2"]) / xc["dPhiPeakPIfit_rm2"])
        note("rmclean ampPeakPIfit", abs(xc["ampPeakPIfit"] - yc["ampPeakPIfit"]) / abs(xc["ampPeakPIfit"]))
    only_a = sum(1 for f in a if "error" in a[f])
    only_b = sum(1 for f in b if "error" in b[f])
    print("agreement over %d spectra (RM-Tools errors: %d, arrakis errors: %d); largest differences:" % (len(both), only_a, only_b))
    for k in sorted(worst):
        print("  %-28s %.3g" % (k, worst[k]))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "make":
        make(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif cmd == "rmtools":
        rmtools(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif cmd == "arrakis":
        arrakis(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    elif cmd == "compare":
        compare(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
