#!/usr/bin/env python3
"""Writes ../Resources/rmtools-1.5.0-extra-cases.json: spectra exercising the options the
pipeline does not use (linear Stokes I model, automatic order, uniform weights, flagged
channels, CLEAN window) with RM-Tools 1.5.0's own results, as the shared test vectors do.

    pip install rm-tools==1.5.0 && python3 make_rmtools_extra_cases.py
"""
import json, math, os, warnings
import numpy as np

warnings.filterwarnings("ignore")
from RMtools_1D.do_RMsynth_1D import run_rmsynth
from RMtools_1D.do_RMclean_1D import run_rmclean

C = 299792458.0
rng = np.random.default_rng(20261125)


def spectrum(nchan, f0, df, i0, alpha, p, rm, psi0_deg, sigma, flag=()):
    f = f0 + df * np.arange(nchan)
    i = i0 * (f / 887.5e6) ** alpha
    lam2 = (C / f) ** 2
    pol = p * i * np.exp(2j * (math.radians(psi0_deg) + rm * lam2))
    s = np.full(nchan, sigma)
    data = [f, i + rng.normal(0, sigma, nchan), pol.real + rng.normal(0, sigma, nchan),
            pol.imag + rng.normal(0, sigma, nchan), s.copy(), s.copy(), s.copy()]
    for k in flag:
        for col in (1, 2, 3):
            data[col][k] = np.nan
    return data


def clean(value):
    if isinstance(value, (np.floating, float)):
        return None if not math.isfinite(float(value)) else float(value)
    if isinstance(value, (np.integer, int)):
        return int(value)
    return value


cases = []
specs = [
    dict(name="linear model, order 2", settings=dict(polyOrd=2, fit_function="linear", weightType="variance"),
         data=dict(nchan=144, f0=799.5e6, df=2e6, i0=0.05, alpha=-0.8, p=0.1, rm=120.0, psi0_deg=40.0, sigma=2e-4)),
    dict(name="automatic order up to 5 (log)", settings=dict(polyOrd=-5, fit_function="log", weightType="variance"),
         data=dict(nchan=288, f0=743.5e6, df=1e6, i0=0.2, alpha=-0.6, p=0.08, rm=-60.0, psi0_deg=100.0, sigma=5e-4)),
    dict(name="uniform weights", settings=dict(polyOrd=3, fit_function="log", weightType="uniform"),
         data=dict(nchan=144, f0=1295.5e6, df=2e6, i0=0.03, alpha=-0.7, p=0.12, rm=30.0, psi0_deg=10.0, sigma=1e-4)),
    dict(name="flagged channels", settings=dict(polyOrd=3, fit_function="log", weightType="variance"),
         data=dict(nchan=288, f0=799.5e6, df=1e6, i0=0.04, alpha=-0.9, p=0.15, rm=210.0, psi0_deg=150.0, sigma=3e-4,
                   flag=tuple(range(40, 70)) + (3, 200, 201))),
    dict(name="CLEAN window -3 sigma", settings=dict(polyOrd=3, fit_function="log", weightType="variance", window=-3.0),
         data=dict(nchan=288, f0=799.5e6, df=1e6, i0=0.1, alpha=-0.7, p=0.06, rm=-15.0, psi0_deg=70.0, sigma=4e-4)),
]
for spec in specs:
    data = spectrum(**spec["data"])
    st = spec["settings"]
    m, a = run_rmsynth(data, polyOrd=st["polyOrd"], nSamples=5, weightType=st["weightType"], nBits=32,
                       fit_function=st["fit_function"], verbose=False, log=lambda *x, **k: None)
    mc, ac = run_rmclean(m, a, -8, maxIter=10000, gain=0.1, nBits=32, verbose=False,
                         log=lambda *x, **k: None, window=st.get("window"))
    cases.append(dict(name=spec["name"], settings=st,
                      freq_hz=[clean(x) for x in data[0]], I=[clean(x) for x in data[1]],
                      Q=[clean(x) for x in data[2]], U=[clean(x) for x in data[3]],
                      dI=[clean(x) for x in data[4]], dQ=[clean(x) for x in data[5]], dU=[clean(x) for x in data[6]],
                      rmsynth={k: clean(v) for k, v in m.items()}, rmclean={k: clean(v) for k, v in mc.items()}))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Resources", "rmtools-1.5.0-extra-cases.json")
with open(out, "w") as fh:
    json.dump(dict(tool="RM-Tools 1.5.0", nSamples=5, nBits=32, clean_cutoff=-8, gain=0.1, maxIter=10000,
                   cases=cases), fh)
print("wrote", out)
