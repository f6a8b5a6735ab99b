from ui.cli.command import main

raise SystemExit(main())
