#!/usr/bin/env python3
"""Writes rmtools-qa-3d/: RM-Tools' own 3D QA inputs and what RM-Tools 1.5.0's rmsynth3d and
rmclean3d make of them, for RMSynth3DCommandTests.

Two cases, each a directory:

- `qa/`: the cubes RM-Tools' test suite makes (RMutils.util_testing.create_3D_data: a
  Faraday-thin point source at RM 200 on Faraday-thin diffuse emission at RM 50, smoothed
  noise, seed 20200422) on 288 channels from 800 to 1088 MHz, N_side 12 (the function's
  argument; 100 by default, cut down so the files stay small), run with the QA test's
  settings: `rmsynth3d Q_cube.fits U_cube.fits freqHz.txt -l 300 -d 10`, then
  `rmclean3d FDF_tot_dirty.fits RMSF_tot.fits -n 10`.
- `masked/`: a 6 x 5 corner of the same cubes with flagged data (one whole plane, a few
  single voxels in Q or U, one fully flagged pixel), a Stokes I cube and a noise file, run
  with `rmsynth3d Q U freqHz.txt -i I_cube.fits -n noise.txt -w variance -s 4 -l 400 -t`, then
  `rmclean3d ... -c 0.3 -n 40 -w 0.1 -g 0.2`: the per-pixel RMSF, the Stokes I
  scaling, variance weights, the RMSF fits of -t (one per pixel here) and the windowed CLEAN.
- `simulated/`: a beam of `arrakis simulate --seed 3 --fields 1 --epochs 1 --beams 1
  --channels 36 --sources 12 --npix 16` (4-D cubes: x, y, Stokes, frequency), run as the
  original pipeline runs rmsynth3d (no Stokes I) with rmsynth3d's defaults:
  `rmsynth3d Q U freqHz.txt -t` (the pipeline fits the RMSF), then
  `rmclean3d ... -c 0.0006 -n 100` (about 3 sigma).
  The arrakis binary: $ARRAKIS, else the repository's .build/release or .build/debug one.

Outputs are stored gzipped (astropy reads them as they are). The _tot cubes are kept too,
though they are |real + i imag|, so that every file RM-Tools writes is compared.

    python3 -m venv /tmp/rmtvenv && /tmp/rmtvenv/bin/pip install rm-tools==1.5.0
    /tmp/rmtvenv/bin/python make_rmtools_3d_outputs.py     (rmsynth3d/rmclean3d beside it)
"""
import gzip, os, shutil, subprocess, sys, tempfile
from importlib.metadata import version
from pathlib import Path

import numpy as np
from astropy.io import fits
from RMutils.util_testing import create_3D_data

HERE = Path(__file__).resolve().parent / "rmtools-qa-3d"
BIN = Path(sys.executable).parent


def run(tool, args, cwd, stdin=""):
    p = subprocess.run([str(BIN / tool)] + args, cwd=cwd, input=stdin, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("%s failed: %s %s" % (tool, p.stdout, p.stderr))


def keep(src_dir, dest, inputs):
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in sorted(os.listdir(src_dir)):
        src = Path(src_dir) / name
        if name in inputs:
            shutil.copy(src, dest / name)
        elif name.endswith(".fits"):
            with open(src, "rb") as f, gzip.GzipFile(dest / (name + ".gz"), "wb", mtime=0) as g:
                g.write(f.read())


def main():
    if version("rm-tools") != "1.5.0":
        sys.exit("needs RM-Tools 1.5.0 (found %s)" % version("rm-tools"))
    freq = np.linspace(800e6, 1088e6, num=288)
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        qa = d / "qa"
        create_3D_data(freq, qa, N_side=12)
        run("rmsynth3d", ["Q_cube.fits", "U_cube.fits", "freqHz.txt", "-l", "300", "-d", "10"], qa)
        run("rmclean3d", ["FDF_tot_dirty.fits", "RMSF_tot.fits", "-n", "10"], qa)
        keep(qa, HERE / "qa", {"Q_cube.fits", "U_cube.fits", "freqHz.txt"})

        masked = d / "masked"
        masked.mkdir()
        rng = np.random.default_rng(24)
        for stokes in "QU":
            with fits.open(qa / ("%s_cube.fits" % stokes)) as h:
                data = h[0].data[:, 2:7, 3:9].copy()
                header = h[0].header.copy()
            data[40] = np.nan                      # a whole plane flagged
            data[:, 4, 5] = np.nan                 # a pixel flagged in every channel
            if stokes == "Q":
                data[100, 1, 1] = np.nan           # single voxels, different in Q and U
                data[101:104, 2, 3] = np.nan
            else:
                data[7, 0, 0] = np.nan
                data[200, 1, 1] = np.nan
            fits.writeto(masked / ("%s_cube.fits" % stokes), data, header)
        spectrum = 3.0 * (freq / 944e6) ** -0.7
        stokes_i = spectrum[:, None, None] * (1 + 0.1 * rng.random((1, 5, 6)))
        fits.writeto(masked / "I_cube.fits", stokes_i.astype(np.float32), header)
        np.savetxt(masked / "noise.txt", 0.1 + 0.05 * rng.random(freq.size))
        shutil.copy(qa / "freqHz.txt", masked / "freqHz.txt")
        # rmsynth3d asks for Enter before using a Stokes I cube with a noise file.
        run("rmsynth3d", ["Q_cube.fits", "U_cube.fits", "freqHz.txt", "-i", "I_cube.fits", "-n", "noise.txt",
                          "-w", "variance", "-s", "4", "-l", "400", "-t"], masked, stdin="\n")
        run("rmclean3d", ["FDF_tot_dirty.fits", "RMSF_tot.fits", "-c", "0.3", "-n", "40", "-w", "0.1", "-g", "0.2"], masked)
        keep(masked, HERE / "masked", {"Q_cube.fits", "U_cube.fits", "I_cube.fits", "freqHz.txt", "noise.txt"})

        root = HERE.parents[2].parent
        arrakis = os.environ.get("ARRAKIS") or next(
            (str(p) for p in [root / ".build/release/arrakis", root / ".build/debug/arrakis"] if p.exists()), None)
        if arrakis is None:
            sys.exit("needs the arrakis binary (swift build) or $ARRAKIS for the simulated case")
        survey = d / "survey"
        subprocess.run([arrakis, "simulate", str(survey), "--seed", "3", "--fields", "1", "--epochs", "1", "--beams", "1",
                        "--channels", "36", "--sources", "12", "--npix", "16"], check=True, capture_output=True)
        sim = d / "simulated"
        sim.mkdir()
        for stokes in "qu":
            (cube,) = survey.glob("epoch_0/*/image.restored.%s.*.beam00.conv.fits" % stokes)
            shutil.copy(cube, sim / ("%s_cube.fits" % stokes.upper()))
        h = fits.getheader(sim / "Q_cube.fits")
        with open(sim / "freqHz.txt", "w") as f:
            for k in range(h["NAXIS4"]):
                f.write("%r\n" % (h["CRVAL4"] + (k + 1 - h["CRPIX4"]) * h["CDELT4"]))
        run("rmsynth3d", ["Q_cube.fits", "U_cube.fits", "freqHz.txt", "-t"], sim)
        run("rmclean3d", ["FDF_tot_dirty.fits", "RMSF_tot.fits", "-c", "0.0006", "-n", "100"], sim)
        keep(sim, HERE / "simulated", {"Q_cube.fits", "U_cube.fits", "freqHz.txt"})


if __name__ == "__main__":
    main()
