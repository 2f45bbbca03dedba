import ArrakisCLI
import Astro

OpenBLASPool.stop()
Arrakis.main()
