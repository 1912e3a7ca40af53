from tapgen.cli import run

run()
