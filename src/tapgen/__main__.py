from tapgen.cli import main

main()
