// Arrakis-Swift supports Linux only (see Package.swift and the README's "Platforms").
#if !os(Linux)
#error("Arrakis-Swift builds on Linux only: its file, process and SLURM code calls Glibc directly")
#endif
