"""Build the multilingual site: ``python build.py [extract|update|build|check|status] --help``."""

from i18n.cli import run

if __name__ == "__main__":
    run()
