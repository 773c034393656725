from toolkit.app.cli import main

raise SystemExit(main())
