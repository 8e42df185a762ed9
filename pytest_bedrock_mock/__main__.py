"""``python -m pytest_bedrock_mock`` is the ``bedrock-mock`` command."""

import sys

from pytest_bedrock_mock.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
