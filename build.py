"""Build the multilingual site: ``python build.py [extract|update|build|check|status] --help``."""

import sys

from i18n.cli import main

if __name__ == "__main__":
    sys.exit(main())
