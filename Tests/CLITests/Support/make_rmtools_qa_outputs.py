#!/usr/bin/env python3
"""Writes rmtools-qa/RMsynth1D_testdata.dat and rmtools-qa/rmtools-1.5.0-outputs.json for
RMToolsFileConventionTests.

The spectrum is RM-Tools' own QA spectrum, made the way its test suite first made it: a
Faraday-thin source (RM 200 rad/m^2, intrinsic angle 50 deg, fractional polarisation 0.7)
on I = (nu / median nu)^-0.7, 288 channels from 800 to 1088 MHz, Gaussian noise of 0.1 in
I, Q and U from numpy's default_rng(20200422), errors 0.1 in every column.

The outputs are what RM-Tools 1.5.0's command-line tools print and write for the spectrum
in each of the layouts rmsynth1d reads, run as a user runs them (the file's layout is the
point of these tests, so the files go through rmsynth1d's own reader).

    python3 -m venv /tmp/rmtvenv && /tmp/rmtvenv/bin/pip install rm-tools==1.5.0
    PATH=/tmp/rmtvenv/bin:$PATH python3 make_rmtools_qa_outputs.py
"""
import json, os, subprocess, sys, tempfile
from importlib.metadata import version

import numpy as np

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rmtools-qa")
C = 299792458.0


def qa_spectrum():
    freq = np.linspace(800e6, 1088e6, num=288)
    lam2 = (C / freq) ** 2
    angle = 2 * (np.outer(lam2, 200.0) + np.deg2rad(50.0))
    frac = np.squeeze(np.transpose(0.7 * np.cos(angle) + 1j * (0.7 * np.sin(angle))))
    stokes_i = (freq / np.median(freq)) ** -0.7
    rng = np.random.default_rng(20200422)
    noise = [rng.normal(scale=0.1, size=freq.shape) for _ in range(3)]
    err = np.full(freq.shape, 0.1)
    return [freq, stokes_i + noise[0], stokes_i * frac.real + noise[1], stokes_i * frac.imag + noise[2],
            err, err, err]


def run(args, cwd):
    p = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    return p.returncode, p.stdout


def synth_and_clean(columns, synth_flags, clean_flags):
    """rmsynth1d FLAGS -S then rmclean1d FLAGS -S on a file of `columns`; both JSON dictionaries."""
    with tempfile.TemporaryDirectory() as d:
        np.savetxt(os.path.join(d, "s.dat"), np.transpose(columns))
        status, _ = run(["rmsynth1d", "s.dat", "-S"] + synth_flags, d)
        assert status == 0 and os.path.exists(os.path.join(d, "s_RMsynth.json")), "rmsynth1d failed"
        status, _ = run(["rmclean1d", "s.dat", "-S"] + clean_flags, d)
        assert status == 0, "rmclean1d failed"
        with open(os.path.join(d, "s_RMsynth.json")) as f:
            synth = json.load(f)
        with open(os.path.join(d, "s_RMclean.json")) as f:
            clean = json.load(f)
        return {"rmsynth1d": ["rmsynth1d", "FILE", "-S"] + synth_flags, "rmclean1d": ["rmclean1d", "FILE", "-S"] + clean_flags,
                "rmsynth": synth, "rmclean": clean}


def refused(columns):
    """What rmsynth1d -v does with a file of `columns`: exit status, printed text, files written."""
    with tempfile.TemporaryDirectory() as d:
        np.savetxt(os.path.join(d, "s.dat"), np.transpose(columns))
        status, out = run(["rmsynth1d", "s.dat", "-S", "-v"], d)
        return {"exit_status": status, "stdout": out, "files_written": sorted(set(os.listdir(d)) - {"s.dat"})}


def main():
    if version("rm-tools") != "1.5.0":
        sys.exit("needs RM-Tools 1.5.0 (found %s)" % version("rm-tools"))
    data = qa_spectrum()
    freq, i, q, u, di, dq, du = data
    np.savetxt(os.path.join(HERE, "RMsynth1D_testdata.dat"), np.transpose(data))
    # The 7-column file as written (so every case below reads the same numbers).
    data = list(np.loadtxt(os.path.join(HERE, "RMsynth1D_testdata.dat"), unpack=True))
    freq, i, q, u, di, dq, du = data
    five = [freq, q, u, dq, du]
    qa_synth, qa_clean = ["-l", "600", "-d", "3"], ["-n", "11"]
    pipeline_synth, pipeline_clean = ["-o", "3", "-s", "5"], ["-c", "-8", "-n", "10000"]
    out = {
        "tool": "RM-Tools %s (numpy %s), command-line rmsynth1d and rmclean1d" % (version("rm-tools"), np.__version__),
        "spectrum": "RMsynth1D_testdata.dat (freq I Q U dI dQ dU); the 5-column file is its columns 1 3 4 6 7",
        "cases": {
            # RM-Tools' QA test: the 7-column file with -i, and the same spectrum as a 5-column file.
            "qa_ignore_i": synth_and_clean(data, qa_synth + ["-i"], qa_clean),
            "qa_five_column": synth_and_clean(five, qa_synth, qa_clean),
            # The pipeline's defaults, Stokes I ignored and absent.
            "pipeline_ignore_i": synth_and_clean(data, pipeline_synth + ["-i"], pipeline_clean),
            "pipeline_five_column": synth_and_clean(five, pipeline_synth, pipeline_clean),
            # Stokes I used (the file's own I column), for contrast.
            "pipeline_with_i": synth_and_clean(data, pipeline_synth, pipeline_clean),
        },
        "refused": {
            "three_column": refused([freq, q, u]),
            "six_column": refused([freq, q, u, dq, du, du]),
        },
    }
    with open(os.path.join(HERE, "rmtools-1.5.0-outputs.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
