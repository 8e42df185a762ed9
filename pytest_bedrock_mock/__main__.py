"""``python -m pytest_bedrock_mock`` is the ``bedrock-mock`` command."""

import sys

from pytest_bedrock_mock.cli.main import main

sys.exit(main())
