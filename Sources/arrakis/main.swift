import ArrakisCLI
Arrakis.main()
