from dastan.cli import main

main()
