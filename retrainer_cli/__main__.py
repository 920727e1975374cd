from retrainer_cli.main import main

main()
